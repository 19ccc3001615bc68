"""The dashboard's page cursors (logic/cursors.py): a cursor comes back only for the query it was issued by."""

from __future__ import annotations

import base64
import json

import pytest
from pijnreset.logic.cursors import BadCursor, Position, decode, encode

FILTERS = {"from": "2026-01-01", "triage": "urgent"}
KEY_NAMES = ("pk", "sk", "gsi2pk", "gsi2sk")
START = {"pk": "LEAD#x", "sk": "PROFILE", "gsi2pk": "LEADS#2026-11", "gsi2sk": "2026-11-03T10:00:00.000Z#x"}
MONTHS = ["2026-12", "2026-11"]


def in_month(key, month):
    return key["gsi2pk"] == f"LEADS#{month}" and key["gsi2sk"].startswith(month)


def test_a_cursor_round_trips():
    cursor = encode(Position("2026-11", START), FILTERS)
    assert decode(cursor, dict(FILTERS), KEY_NAMES, in_month, months=MONTHS) == Position("2026-11", START)
    assert decode(encode(Position("2026-11", None), FILTERS), FILTERS, KEY_NAMES, in_month, months=MONTHS).key is None


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64 !",
        "AAAA",
        base64.urlsafe_b64encode(b"[1,2]").decode(),
        base64.urlsafe_b64encode(b"\xff").decode(),
    ],
)
def test_garbage_is_refused(cursor):
    with pytest.raises(BadCursor):
        decode(cursor, FILTERS, KEY_NAMES, in_month, months=MONTHS)


def test_a_cursor_of_other_filters_is_refused():
    cursor = encode(Position("2026-11", START), FILTERS)
    with pytest.raises(BadCursor, match="other filters"):
        decode(cursor, {**FILTERS, "triage": "none"}, KEY_NAMES, in_month, months=MONTHS)


def _forged(**changes):
    document = {"v": 1, "f": None, "m": "2026-11", "k": START, **changes}
    from pijnreset.logic.cursors import fingerprint

    document["f"] = changes.get("f", fingerprint(FILTERS))
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode()


@pytest.mark.parametrize(
    "changes",
    [
        {"m": "2025-01"},  # outside the range
        {"m": "2026-13"},
        {"k": {**START, "extra": "x"}},
        {"k": {"pk": "LEAD#x", "sk": "PROFILE"}},
        {"k": {**START, "sk": 5}},
        {"k": {**START, "gsi2pk": "x" * 2000}},
        {"k": {**START, "gsi2pk": "LEADS#2026-12"}},  # not the cursor's month
        {"v": 2},
        {"f": "0" * 16},
    ],
)
def test_an_edited_cursor_is_refused(changes):
    with pytest.raises(BadCursor):
        decode(_forged(**changes), FILTERS, KEY_NAMES, in_month, months=MONTHS)


def test_a_key_of_another_partition_is_refused():
    cursor = encode(Position(None, {"pk": "ACCESS#b", "sk": "x"}), {})
    with pytest.raises(BadCursor, match="outside"):
        decode(cursor, {}, ("pk", "sk"), lambda key, _: key["pk"] == "ACCESS#a")
    assert decode(cursor, {}, ("pk", "sk"), lambda key, _: key["pk"] == "ACCESS#b").key == {"pk": "ACCESS#b", "sk": "x"}
