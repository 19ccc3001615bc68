"""The dashboard's page cursors: opaque to the app, checked on the way back in.

A cursor is base64url JSON ``{"v": 1, "f": <filters' fingerprint>, "m": <month or null>, "k": <start key>}``:
where the next page starts (DynamoDB's ExclusiveStartKey, strings only) and, for the month index, in which
month. Coming back, it must decode, name exactly the key attributes of the query it continues, hold the partition
that query reads, and carry the fingerprint of the same filters; anything else is ``BadCursor`` (a 400 naming
``cursor``). So a forged or edited cursor can only ever point the same query at another place in its own
partition, which the caller may read anyway. Hand-written: it is forty lines, and no library fits DynamoDB keys.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

VERSION = 1
MAX_KEY_CHARS = 1024
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


class BadCursor(ValueError):
    """The cursor was not issued for this query (forged, edited, truncated, or of other filters)."""


@dataclass(frozen=True)
class Position:
    """Where a page starts: the month (month index only) and DynamoDB's start key (None: the month's start)."""

    month: str | None
    key: dict[str, str] | None


def fingerprint(filters: Mapping[str, Any]) -> str:
    """A short digest of the filters a cursor belongs to (their canonical JSON)."""
    canonical = json.dumps(dict(filters), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def encode(position: Position, filters: Mapping[str, Any]) -> str:
    document = {"v": VERSION, "f": fingerprint(filters), "m": position.month, "k": position.key}
    raw = json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(
    cursor: str,
    filters: Mapping[str, Any],
    key_names: Sequence[str],
    within: Callable[[Mapping[str, str], str | None], bool],
    months: Sequence[str] | None = None,
) -> Position:
    """The position ``cursor`` names, checked against the query it continues.

    ``key_names``: the start key's attributes (the table's and the index's); ``within(key, month)``: whether
    the start key lies in what the query reads (its partition, its sort-key range: DynamoDB refuses a start key
    outside them, which would be a 5xx); ``months``: the months the query may search (month index only).
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        document = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as error:
        raise BadCursor("not a cursor") from error
    if not isinstance(document, dict) or document.get("v") != VERSION or set(document) != {"v", "f", "m", "k"}:
        raise BadCursor("not a cursor")
    if document["f"] != fingerprint(filters):
        raise BadCursor("issued for other filters")
    month = document["m"]
    if months is not None:
        if not isinstance(month, str) or not _MONTH.match(month) or month not in months:
            raise BadCursor("a month outside the range")
    elif month is not None:
        raise BadCursor("a month where none belongs")
    start = document["k"]
    if start is None:
        if months is None:
            raise BadCursor("no position")
        return Position(month, None)
    if not isinstance(start, dict) or set(start) != set(key_names):
        raise BadCursor("not this query's key")
    if not all(isinstance(value, str) and 0 < len(value) <= MAX_KEY_CHARS for value in start.values()):
        raise BadCursor("not this query's key")
    if not within(start, month):
        raise BadCursor("outside the query")
    return Position(month, dict(start))
