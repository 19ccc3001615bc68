"""The access log: who (a Cognito user of the coach's pool) did what with whose data, when (NEN 7513).

One item per view of a person, export, erasure, note or status change, keyed by the person's hash
(``ACCESS#<lead_id>``) so that "who has seen my data" is one Query, and in the month index (``ACCESS#<yyyy-mm>``)
so that the dashboard lists it newest first. It holds the hash, never a name, an address or an answer, and is
kept ``AccessLogRetentionDays`` whether or not the person is erased later.

Any function that shows or changes a person's data writes it:

    record_access(client, table_name, who, "pdf", now, keep_days=settings.access_log_retention_days,
                  lead_id=lead_id, detail={"submission_id": submission_id})

or, to write the action and its log item in one transaction, puts ``access_put(table_name, access_item(...))``
among the transaction's items. ``who``: anything with ``username``, ``sub`` and ``groups`` (api/coach_auth's
``CoachPrincipal``; the CLI's operator).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from pijnreset.dal.table import ACCESS_MONTH, access_key, access_pk, from_item, month_keys, to_item
from pijnreset.models.items import AccessAction, AccessLogItem
from pijnreset.timestamps import iso

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# Detail values are ids, dates and counts; anything longer is not what the log is for.
MAX_DETAIL_CHARS = 200


class Who(Protocol):
    @property
    def username(self) -> str: ...
    @property
    def sub(self) -> str: ...
    @property
    def groups(self) -> Collection[str]: ...


def access_item(
    who: Who,
    action: AccessAction,
    now: datetime,
    keep_days: int,
    lead_id: str | None = None,
    detail: Mapping[str, str | int] | None = None,
) -> AccessLogItem:
    """The log item of one action. ``detail``: ids, dates and counts that say which (an intake id, a note id,
    an export's range and row count): never a name, an address or an answer."""
    for name, value in (detail or {}).items():
        if not isinstance(value, int) and (not isinstance(value, str) or len(value) > MAX_DETAIL_CHARS):
            raise ValueError(f"access-log detail {name!r} must be an id, a date or a count")
    at = iso(now)
    event_id = uuid.uuid4().hex
    item: dict[str, Any] = {
        **access_key(lead_id, at, event_id),
        **month_keys(ACCESS_MONTH, at, event_id),
        "entity": "access",
        "event_id": event_id,
        "at": at,
        "action": action,
        "username": who.username,
        "sub": who.sub,
        "groups": sorted(who.groups),
        "detail": dict(detail or {}),
        "expires_at": int((now + timedelta(days=keep_days)).timestamp()),
    }
    if lead_id is not None:
        item["lead_id"] = lead_id
    return item  # type: ignore[return-value]  # built field by field above


def access_put(table_name: str, item: AccessLogItem) -> dict[str, Any]:
    """The item as one Put of a TransactWriteItems call (it never overwrites another)."""
    return {"Put": {"TableName": table_name, "Item": to_item(item), "ConditionExpression": "attribute_not_exists(pk)"}}


def record_access(
    client: DynamoDBClient,
    table_name: str,
    who: Who,
    action: AccessAction,
    now: datetime,
    *,
    keep_days: int,
    lead_id: str | None = None,
    detail: Mapping[str, str | int] | None = None,
) -> AccessLogItem:
    """Writes one access-log item (one PutItem) and returns it. Call it BEFORE the data leaves: when it fails
    (throttled: the caller's 503), nothing is shown without its log."""
    item = access_item(who, action, now, keep_days, lead_id, detail)
    client.put_item(TableName=table_name, Item=to_item(item), ConditionExpression="attribute_not_exists(pk)")
    return item


def access_of_person(client: DynamoDBClient, table_name: str, lead_id: str) -> list[dict[str, Any]]:
    """Every access-log item about the person, newest first: one Query of their partition (paged)."""
    pages = client.get_paginator("query").paginate(
        TableName=table_name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues=to_item({":pk": access_pk(lead_id)}),
        ScanIndexForward=False,
    )
    return [from_item(dict(item)) for page in pages for item in page.get("Items", [])]
