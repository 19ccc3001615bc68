"""The local stack's Lambda event filtering: moto's EventBridge matcher for the operators Lambda documents, and a
loud failure for any other, where moto alone would let every record through."""

from __future__ import annotations

import json

import pytest

from infra.functions import local_functions
from infra.in_process import template_on_moto
from infra.local.event_filters import EventFilter, UnsupportedFilter, passes
from infra.local.event_sources import StreamSource, event_sources


def keys_only(event_name: str, pk: str, sk: str) -> dict:
    """A KEYS_ONLY stream record, as the table's stream carries them."""
    return {
        "eventName": event_name,
        "eventSource": "aws:dynamodb",
        "dynamodb": {"Keys": {"pk": {"S": pk}, "sk": {"S": sk}}, "SequenceNumber": "1", "SizeBytes": 60},
    }


def matches(pattern: dict, record: dict) -> bool:
    return EventFilter.parse(json.dumps(pattern)).matches(record)


@pytest.fixture(scope="module")
def relay_filters() -> list[EventFilter]:
    """The outbox relay's FilterCriteria, as the local stack reads them from the template."""
    with template_on_moto() as resolver:
        streams = [s for s in event_sources(resolver, local_functions(resolver)) if isinstance(s, StreamSource)]
    assert [s.function.logical_id for s in streams] == ["OutboxRelayFunction"]
    return streams[0].filters


def test_the_relay_takes_a_new_email_job_or_a_new_profile_and_nothing_else(relay_filters):
    assert passes(relay_filters, keys_only("INSERT", "LEAD#1", "EMAIL#result#2026"))
    assert passes(relay_filters, keys_only("INSERT", "LEAD#1", "PROFILE"))
    assert not passes(relay_filters, keys_only("MODIFY", "LEAD#1", "EMAIL#result#2026"))
    assert not passes(relay_filters, keys_only("REMOVE", "LEAD#1", "PROFILE"))
    assert not passes(relay_filters, keys_only("INSERT", "LEAD#1", "SUBMISSION#x"))
    assert not passes(relay_filters, keys_only("INSERT", "CAP#1", "PROFILE"))
    assert not passes(relay_filters, {"eventName": "INSERT", "dynamodb": {"SequenceNumber": "1"}}), "no keys"


def test_no_filter_lets_every_record_through():
    assert passes([], keys_only("REMOVE", "X", "Y"))


@pytest.mark.parametrize(
    ("rule", "value", "expected"),
    [
        ("INSERT", "INSERT", True),
        ("INSERT", "MODIFY", False),
        (None, None, True),
        ("", "", True),
        ({"prefix": "EMAIL#"}, "EMAIL#result", True),
        ({"prefix": "EMAIL#"}, "PROFILE", False),
        ({"prefix": {"equals-ignore-case": "email#"}}, "EMAIL#result", True),
        ({"suffix": ".jpg"}, "cat.jpg", True),
        ({"suffix": ".jpg"}, "cat.png", False),
        ({"equals-ignore-case": "alice"}, "ALICE", True),
        ({"equals-ignore-case": "alice"}, "bob", False),
        ({"anything-but": ["Raining"]}, "Sunny", True),
        ({"anything-but": ["Raining"]}, "Raining", False),
        ({"anything-but": "Raining"}, "Raining", False),
        ({"anything-but": {"prefix": "EMAIL#"}}, "PROFILE", True),
        ({"anything-but": {"prefix": "EMAIL#"}}, "EMAIL#x", False),
        ({"numeric": ["=", 100]}, 100, True),
        ({"numeric": [">", 10, "<=", 20]}, 20, True),
        ({"numeric": [">", 10, "<=", 20]}, 10, False),
        ({"numeric": [">", 10]}, "11", False),
    ],
)
def test_the_operators_lambda_documents(rule, value, expected):
    assert matches({"field": [rule]}, {"field": value}) is expected


def test_exists_and_does_not_exist():
    assert matches({"a": [{"exists": True}]}, {"a": 1})
    assert not matches({"a": [{"exists": True}]}, {"b": 1})
    assert matches({"a": [{"exists": False}]}, {"b": 1})
    assert not matches({"a": [{"exists": False}]}, {"a": 1})


def test_a_list_is_or_and_keys_are_and_and_dollar_or_spans_fields():
    assert matches({"kind": ["a", "b"]}, {"kind": "b"})
    assert not matches({"kind": ["a"], "n": [{"numeric": [">", 1]}]}, {"kind": "a", "n": 0})
    pattern = {"$or": [{"name": ["Alice"]}, {"place": ["Utrecht"]}]}
    assert matches(pattern, {"name": "Bob", "place": "Utrecht"})
    assert not matches(pattern, {"name": "Bob", "place": "Delft"})


@pytest.mark.parametrize(
    "pattern",
    [
        {"field": [{"wildcard": "EMAIL#*"}]},
        {"field": [{"cidr": "10.0.0.0/24"}]},
        {"field": [{"begins-with": "EMAIL#"}]},
        {"field": [{"numeric": ["!=", 3]}]},
        {"field": [{"numeric": [">", "3"]}]},
        {"field": [{"prefix": "a", "suffix": "b"}]},
        {"field": [{"anything-but": {"wildcard": "a*"}}]},
        {"field": [{"exists": "yes"}]},
        {"field": "INSERT"},
        {"field": []},
        {"$or": [{"field": ["a"]}]},
    ],
)
def test_an_operator_or_shape_lambda_does_not_know_fails_loudly(pattern):
    with pytest.raises(UnsupportedFilter):
        EventFilter.parse(json.dumps(pattern))


def test_a_pattern_that_is_not_json_fails_loudly():
    with pytest.raises(UnsupportedFilter):
        EventFilter.parse("{eventName: INSERT}")
