"""template.yaml as data: the one source for the resources the tests and the local stack create.

CloudFormation's short-form tags (!Ref, !GetAtt, !Sub, ...) load as their long form ({"Ref": ...},
{"Fn::GetAtt": ...}), and ``Resolver`` evaluates the few intrinsics the local stack needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_PATH = ROOT / "template.yaml"
REGION = "eu-west-1"
ACCOUNT_ID = "123456789012"


def local_name(logical_id: str) -> str:
    return f"pijnreset-local-{logical_id}"


class _CfnLoader(yaml.SafeLoader):
    pass


# The two short forms whose long form has no "Fn::" prefix.
_BARE_TAGS = {"Ref", "Condition"}


def _construct_tag(loader: _CfnLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = tag_suffix if tag_suffix in _BARE_TAGS else f"Fn::{tag_suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if name == "Fn::GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


@cache
def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    return loaded


def resources_of_type(template: Mapping[str, Any], *types: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") in types:
            yield logical_id, resource


@dataclass
class Resolver:
    """Evaluates Ref, Sub, GetAtt, Join, If/Equals against the names the local resources were given."""

    template: Mapping[str, Any]
    physical_ids: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)

    def parameter(self, name: str) -> str:
        if name in self.parameters:
            return self.parameters[name]
        spec = self.template.get("Parameters", {}).get(name, {})
        if "Default" not in spec:
            raise KeyError(f"parameter {name} has no default; pass it to the local stack")
        return str(spec["Default"])

    def ref(self, name: str) -> str:
        pseudo = {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::StackName": "pijnreset-local",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": "",
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.template.get("Parameters", {}):
            return self.parameter(name)
        if name in self.physical_ids:
            return self.physical_ids[name]
        raise KeyError(f"!Ref {name}: not created locally")

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((name, argument),) = value.items()
            if name == "Ref":
                return self.ref(argument)
            if name == "Fn::GetAtt":
                logical_id, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
                return self.attributes.get((logical_id, attribute)) or self._fake_arn(logical_id)
            if name == "Fn::Sub":
                return self._sub(argument)
            if name == "Fn::Join":
                separator, parts = argument
                return separator.join(str(self.resolve(part)) for part in parts)
            if name == "Fn::If":
                condition, when_true, when_false = argument
                return self.resolve(when_true if self.condition(condition) else when_false)
        return {key: self.resolve(item) for key, item in value.items()}

    def condition(self, name: str) -> bool:
        return bool(self._evaluate(self.template.get("Conditions", {})[name]))

    def _evaluate(self, expression: Any) -> Any:
        if isinstance(expression, dict) and len(expression) == 1:
            ((name, argument),) = expression.items()
            if name == "Fn::Equals":
                left, right = (self._evaluate(item) for item in argument)
                return str(left) == str(right)
            if name == "Fn::Not":
                return not self._evaluate(argument[0])
            if name == "Fn::And":
                return all(self._evaluate(item) for item in argument)
            if name == "Fn::Or":
                return any(self._evaluate(item) for item in argument)
            if name == "Condition":
                return self.condition(argument)
        return self.resolve(expression)

    def _sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(self.resolve(variables[name]))
            if "." in name:
                return str(self.resolve({"Fn::GetAtt": name.split(".", 1)}))
            return self.ref(name)

        return re.sub(r"\$\{([^}!]+)\}", replace, text)

    def _fake_arn(self, logical_id: str) -> str:
        return f"arn:aws:local:{REGION}:{ACCOUNT_ID}:{self.physical_ids.get(logical_id, logical_id)}"
