"""Each function's settings model and its environment in template.yaml say the same: every variable the model
requires is set for the function, and the function gets no variable its model does not read."""

from __future__ import annotations

import importlib
import re
import sys
from types import ModuleType
from typing import Any

import pytest
from pijnreset.settings import FunctionSettings

from infra.functions import LocalFunction, local_functions
from infra.resources import name_locally
from infra.template import ROOT, Resolver, load_template

TEMPLATE = load_template()
FUNCTIONS = {function.logical_id: function for function in local_functions(name_locally(Resolver(TEMPLATE)))}
# Powertools names its own variables; the template's parameter for the log level is LogLevel.
POWERTOOLS = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL"}


def _handler_module(function: LocalFunction) -> ModuleType:
    code_dir = str((ROOT / function.code_uri).resolve())
    if code_dir not in sys.path:
        sys.path.insert(0, code_dir)
    return importlib.import_module(function.handler.rsplit(".", 1)[0])


def _settings_of(function: LocalFunction) -> FunctionSettings:
    """The one settings model the function's handler module read (at import)."""
    found = [value for value in vars(_handler_module(function)).values() if isinstance(value, FunctionSettings)]
    assert len(found) == 1, f"{function.logical_id}: its handler reads one settings model once, found {found}"
    return found[0]


def _variables(model: type[FunctionSettings]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items()}


def _variables_of_template(logical_id: str) -> dict[str, Any]:
    return {
        **TEMPLATE["Globals"]["Function"]["Environment"]["Variables"],
        **TEMPLATE["Resources"][logical_id]["Properties"].get("Environment", {}).get("Variables", {}),
    }


def _upper_snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).upper()


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_a_function_gets_exactly_the_variables_its_model_reads(logical_id):
    function = FUNCTIONS[logical_id]
    model = type(_settings_of(function))
    assert model.__name__ == logical_id.removesuffix("Function") + "Settings", "one model per function, named so"
    required = {field.alias for field in model.model_fields.values() if field.is_required()}
    assert required == _variables(model), f"{model.__name__}: no default repeats a template parameter's"
    assert set(function.environment) == _variables(model), "set but not read, or read but not set"
    model.model_validate(function.environment)  # the template's own values (its parameters' defaults) pass


def test_every_model_field_is_named_as_its_variable():
    for function in FUNCTIONS.values():
        for name, field in type(_settings_of(function)).model_fields.items():
            assert field.alias == name.upper(), name


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_a_variable_from_a_parameter_bears_the_parameters_name(logical_id):
    """ReplayRetentionDays -> REPLAY_RETENTION_DAYS: one name per setting (resources have their own names)."""
    parameters = set(TEMPLATE["Parameters"])
    for variable, value in _variables_of_template(logical_id).items():
        if not isinstance(value, dict):
            continue
        refs = [value] if "Ref" in value else []
        refs += [branch for branch in value.get("Fn::If", [])[1:] if isinstance(branch, dict) and "Ref" in branch]
        for ref in refs:
            if ref["Ref"] in parameters and variable not in POWERTOOLS:
                assert variable == _upper_snake(ref["Ref"]), (variable, ref["Ref"])


def test_every_retention_purpose_has_its_parameter():
    from typing import get_args

    from pijnreset.logic.retention import RetentionPurpose

    assert set(FunctionSettings._RETENTION) == set(get_args(RetentionPurpose)), "one period per purpose"
    set_by_template = {
        variable: value["Ref"]
        for logical_id in FUNCTIONS
        for variable, value in _variables_of_template(logical_id).items()
        if isinstance(value, dict) and "Ref" in value
    }
    for purpose, field in FunctionSettings._RETENTION.items():
        assert set_by_template[field.upper()] in TEMPLATE["Parameters"], purpose


def test_a_functions_retention_has_only_the_purposes_of_its_model():
    function = FUNCTIONS["DueWorkFunction"]
    retention = _settings_of(function).retention()
    assert set(retention.days) == {"email"}
    with pytest.raises(KeyError):
        retention.days["pijntest"]


def test_a_missing_variable_fails_at_cold_start_naming_it():
    from pydantic import ValidationError

    function = FUNCTIONS["SubmitFunction"]
    model = type(_settings_of(function))
    environment = {k: v for k, v in function.environment.items() if k != "REPLAY_RETENTION_DAYS"}
    with pytest.raises(ValidationError, match="REPLAY_RETENTION_DAYS"):
        model.model_validate(environment)


def test_a_senders_claim_goes_stale_only_after_the_sender_could_still_be_running():
    from pijnreset.handlers.email_sender import CLAIM_STALE

    assert CLAIM_STALE.total_seconds() > FUNCTIONS["EmailSenderFunction"].timeout


def test_no_function_reads_an_environment_variable_outside_its_model():
    """Every knob is a template parameter (through a model) or a constant: no os.environ in the functions."""
    package = ROOT / "functions" / "pijnreset"
    readers = [
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if re.search(r"os\.environ|os\.getenv|getenv\(", path.read_text(encoding="utf-8"))
    ]
    assert readers == ["settings.py"]
