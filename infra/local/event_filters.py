"""Lambda event filtering (an event source mapping's FilterCriteria), by moto's own EventBridge pattern matcher.

Lambda's filter rules are EventBridge's pattern syntax, so moto's ``EventPattern`` matches them. It answers
True for an operator it does not know, though, which would let every record through; so each pattern is
checked first against the operators Lambda documents (and moto implements), and anything else raises
``UnsupportedFilter`` when the template is read, not a silent pass at the first record.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from moto.events.models import EventPattern

# https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
_NUMERIC_OPERATORS = {"<", "<=", "=", ">=", ">"}
_SCALARS = (str, int, float, bool, type(None))


class UnsupportedFilter(ValueError):
    """A filter pattern uses an operator (or a shape) the local stack cannot match as Lambda would."""


@dataclass(frozen=True)
class EventFilter:
    """One filter of a FilterCriteria: ``parse`` its Pattern, then ask whether a record ``matches``."""

    pattern: EventPattern

    @classmethod
    def parse(cls, text: str) -> EventFilter:
        try:
            pattern = json.loads(text)
        except json.JSONDecodeError as error:
            raise UnsupportedFilter(f"a filter pattern is not JSON: {text!r}") from error
        _check_pattern(pattern, "")
        return cls(EventPattern.load(text))

    def matches(self, record: Mapping[str, Any]) -> bool:
        event: Any = dict(record)  # any JSON object: moto types it as an EventBridge event, which it reads as one
        return bool(self.pattern.matches_event(event))


def passes(filters: Sequence[EventFilter], record: Mapping[str, Any]) -> bool:
    """Lambda invokes the function with a record when no filter is set, or when any one filter matches it."""
    return not filters or any(event_filter.matches(record) for event_filter in filters)


def _check_pattern(pattern: Any, path: str) -> None:
    if not isinstance(pattern, dict):
        raise UnsupportedFilter(f"{path or 'a filter pattern'} must be an object, not {pattern!r}")
    for key, value in pattern.items():
        where = f"{path}.{key}" if path else key
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise UnsupportedFilter(f"{where} must list two patterns or more")
            for alternative in value:
                _check_pattern(alternative, path)
        elif isinstance(value, dict):
            _check_pattern(value, where)
        elif isinstance(value, list) and value:
            for rule in value:
                _check_rule(rule, where)
        else:
            raise UnsupportedFilter(f"{where} must be an object or a non-empty list, not {value!r}")


def _check_rule(rule: Any, where: str) -> None:
    """One entry of a list of acceptable values: a value to equal, or one operator with its operand."""
    if isinstance(rule, _SCALARS):
        return
    if not (isinstance(rule, dict) and len(rule) == 1):
        raise UnsupportedFilter(f"{where}: a rule is a value or one operator, not {rule!r}")
    ((operator, operand),) = rule.items()
    if operator == "exists":
        _require(isinstance(operand, bool), where, rule)
    elif operator in ("prefix", "suffix"):
        _require(isinstance(operand, str) or _is_ignore_case(operand), where, rule)
    elif operator == "equals-ignore-case":
        _require(isinstance(operand, str), where, rule)
    elif operator == "numeric":
        _require(_is_numeric_range(operand), where, rule)
    elif operator == "anything-but":
        if isinstance(operand, dict):
            _require(
                len(operand) == 1 and next(iter(operand)) in ("prefix", "suffix", "equals-ignore-case"), where, rule
            )
            _check_rule(operand, where)
        elif isinstance(operand, list):
            _require(bool(operand) and all(isinstance(item, _SCALARS) for item in operand), where, rule)
        else:
            _require(isinstance(operand, _SCALARS), where, rule)
    else:
        raise UnsupportedFilter(f"{where}: Lambda event filtering has no operator {operator!r} (in {rule!r})")


def _is_ignore_case(operand: Any) -> bool:
    return (
        isinstance(operand, dict)
        and set(operand) == {"equals-ignore-case"}
        and isinstance(operand["equals-ignore-case"], str)
    )


def _is_numeric_range(operand: Any) -> bool:
    """``[op, number]`` or ``[op, number, op, number]``, each op one of Lambda's five."""
    if not isinstance(operand, list) or len(operand) not in (2, 4):
        return False
    operators, numbers = operand[::2], operand[1::2]
    return all(op in _NUMERIC_OPERATORS for op in operators) and all(
        isinstance(number, int | float) and not isinstance(number, bool) for number in numbers
    )


def _require(condition: bool, where: str, rule: Any) -> None:
    if not condition:
        raise UnsupportedFilter(f"{where}: the operand of {rule!r} is not one Lambda event filtering accepts")
