"""The coach's dashboard reads and writes: pages of leads, intakes and the access log, and a note.

Every list is a Query on an index (the month index gsi2, newest first; open intakes on gsi1), never a Scan, and
every page a bounded number of calls: at most ``MAX_QUERIES`` Query calls (each reads ``READ_LIMIT`` items at
most, before its filter) and one BatchGetItem. A page that used its calls up before it was full ends early, with
a position to go on from; so a filter that matches little never makes one request read the whole index.
A person's items are read by dal/person_data.py, which also erases them (one owner of erasure).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import boto3

from pijnreset.dal.access_log import access_put
from pijnreset.dal.table import (
    INDEX,
    LEADS_MONTH,
    LIVE,
    MONTH_INDEX,
    OPEN_INTAKES,
    access_pk,
    batch_get,
    from_item,
    key,
    latest_submission_sk,
    lead_pk,
    live,
    live_values,
    profile_key,
    to_item,
)
from pijnreset.logic.cursors import Position

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from pijnreset.models.coach_api import LeadFilters
    from pijnreset.models.items import AccessLogItem, Key, NoteItem

MAX_QUERIES = 15  # the default range (13 Dutch months: 14 UTC months) in one page, and one more
READ_LIMIT = 100
MONTH_KEY = ("pk", "sk", "gsi2pk", "gsi2sk")
OPEN_KEY = ("pk", "sk", "gsi1pk", "gsi1sk")
TABLE_KEY = ("pk", "sk")
_NOT_EXPIRED = "(attribute_not_exists(expires_at) OR expires_at > :epoch)"


@dataclass(frozen=True)
class Filter:
    """A FilterExpression with its names and values (the TTL-live rule is always added)."""

    expression: str = ""
    names: Mapping[str, str] | None = None
    values: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next: Position | None


def lead_filter(filters: LeadFilters) -> Filter:
    """The list's filters on a lead profile, as logic/coach_views decides the same states in Python."""
    parts: list[str] = []
    values: dict[str, Any] = {}
    no_flag = "attribute_not_exists(urgent_flag_at) AND attribute_not_exists(unverified_urgent_at)"
    if filters.triage == "urgent":
        parts.append(
            "(latest_triage = :triage OR attribute_exists(urgent_flag_at) OR attribute_exists(unverified_urgent_at))"
        )
    elif filters.triage is not None:
        parts.append(f"latest_triage = :triage AND {no_flag}")
    if filters.triage is not None:
        values[":triage"] = filters.triage
    if filters.category is not None:
        parts.append("latest_category = :category")
        values[":category"] = filters.category
    requested, confirmed, unsubscribed = "marketing_requested_at", "marketing_confirmed_at", "unsubscribed_at"

    def later(name: str, *others: str) -> str:
        return " AND ".join(f"(attribute_not_exists({other}) OR {other} < {name})" for other in others)

    optin = {
        "none": f"attribute_not_exists({requested}) AND attribute_not_exists({confirmed})"
        f" AND attribute_not_exists({unsubscribed})",
        "requested": f"attribute_exists({requested}) AND {later(requested, confirmed, unsubscribed)}",
        "confirmed": f"attribute_exists({confirmed}) AND {later(confirmed, requested, unsubscribed)}",
        "unsubscribed": f"attribute_exists({unsubscribed}) AND {later(unsubscribed, requested, confirmed)}",
    }
    if filters.optin is not None:
        parts.append(f"({optin[filters.optin]})")
    intake = {
        "open": "open_intake_until > :epoch",
        "handled": "intake_count > :zero AND (attribute_not_exists(open_intake_until) OR open_intake_until <= :epoch)",
        "none": "attribute_not_exists(intake_count)",
    }
    if filters.intake is not None:
        parts.append(f"({intake[filters.intake]})")
        values[":zero"] = 0
    for name, value in (("utm_source", filters.source), ("utm_campaign", filters.campaign)):
        if value is not None:
            parts.append(f"{name} = :{name}")
            values[f":{name}"] = value
    return Filter(" AND ".join(parts), None, values)


class Dashboard:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client: DynamoDBClient = client or boto3.client("dynamodb")

    @property
    def client(self) -> DynamoDBClient:
        """The client, for the access log's writes of the same request."""
        return self._client

    # --- pages -------------------------------------------------------------------------------------------

    def month_page(
        self,
        kind: str,
        months: tuple[str, ...],
        bounds: tuple[str, str],
        start: Position | None,
        limit: int,
        now: datetime,
        where: Filter | None = None,
    ) -> Page:
        """Items of the month index ``kind`` created within ``bounds`` (UTC, end exclusive), newest first."""
        month_at = months.index(start.month) if start is not None and start.month in months else 0
        key = start.key if start is not None else None
        items: list[dict[str, Any]] = []
        for _call in range(MAX_QUERIES):
            if month_at >= len(months) or len(items) >= limit:
                break
            month = months[month_at]
            response = self._query(
                MONTH_INDEX,
                "gsi2pk = :partition AND gsi2sk BETWEEN :low AND :high",
                {":partition": f"{kind}#{month}", ":low": bounds[0], ":high": bounds[1]},
                key,
                now,
                where,
                forward=False,
            )
            found = [from_item(dict(item)) for item in response["Items"]]
            room = limit - len(items)
            if len(found) > room:  # go on after the last one shown
                items += found[:room]
                return Page(items, Position(month, _key_of(items[-1], MONTH_KEY)))
            items += found
            last = response.get("LastEvaluatedKey")
            if last:
                key = {name: str(value) for name, value in from_item(dict(last)).items()}
            else:
                month_at, key = month_at + 1, None
        return Page(items, Position(months[month_at], key) if month_at < len(months) else None)

    def open_intakes(self, start: Position | None, limit: int, now: datetime) -> Page:
        """Open intakes, oldest first (the index partition INTAKE#open)."""
        return self._partition_page(
            INDEX, "gsi1pk = :partition", {":partition": OPEN_INTAKES}, OPEN_KEY, start, limit, now, forward=True
        )

    def access_of(self, lead_id: str, start: Position | None, limit: int, now: datetime) -> Page:
        """The access log about one person, newest first (their ACCESS# partition)."""
        values = {":partition": access_pk(lead_id)}
        return self._partition_page(None, "pk = :partition", values, TABLE_KEY, start, limit, now, forward=False)

    def _partition_page(
        self,
        index: str | None,
        condition: str,
        values: dict[str, Any],
        key_names: tuple[str, ...],
        start: Position | None,
        limit: int,
        now: datetime,
        *,
        forward: bool,
    ) -> Page:
        key = start.key if start is not None else None
        items: list[dict[str, Any]] = []
        for _call in range(MAX_QUERIES):
            response = self._query(index, condition, values, key, now, None, forward=forward)
            found = [from_item(dict(item)) for item in response["Items"]]
            room = limit - len(items)
            if len(found) > room:
                items += found[:room]
                return Page(items, Position(None, _key_of(items[-1], key_names)))
            items += found
            last = response.get("LastEvaluatedKey")
            if not last:
                return Page(items, None)
            key = {name: str(value) for name, value in from_item(dict(last)).items()}
            if len(items) >= limit:
                break
        return Page(items, Position(None, key))

    def _query(
        self,
        index: str | None,
        condition: str,
        values: dict[str, Any],
        start: Mapping[str, str] | None,
        now: datetime,
        where: Filter | None,
        *,
        forward: bool,
    ) -> Any:
        expression = " AND ".join(part for part in (_NOT_EXPIRED, where.expression if where else "") if part)
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": condition,
            "FilterExpression": expression,
            "ExpressionAttributeValues": to_item(
                {**values, **live_values(now), **dict((where and where.values) or {})}
            ),
            "ScanIndexForward": forward,
            "Limit": READ_LIMIT,
        }
        if index is not None:
            request["IndexName"] = index
        if where is not None and where.names:
            request["ExpressionAttributeNames"] = dict(where.names)
        if start is not None:
            request["ExclusiveStartKey"] = to_item(start)
        return self._client.query(**request)

    # --- single reads ------------------------------------------------------------------------------------

    def lead(self, lead_id: str, now: datetime) -> dict[str, Any] | None:
        """The live lead of this id (one GetItem), or None."""
        response = self._client.get_item(TableName=self.table_name, Key=to_item(profile_key(lead_id)))
        item = from_item(dict(response["Item"])) if "Item" in response else None
        return item if live(item, now) else None

    def leads(self, lead_ids: Iterable[str], now: datetime) -> dict[str, dict[str, Any]]:
        """The live leads of these ids, by id (BatchGetItem, 100 keys a call)."""
        keys = [profile_key(lead_id) for lead_id in sorted(set(lead_ids))]
        found = batch_get(self._client, self.table_name, keys, consistent=False)
        return {str(lead["lead_id"]): lead for lead in found if live(lead, now)}

    def latest_answers(self, leads: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
        """The answers of each lead's latest Pijntest, by lead id (BatchGetItem of just those attributes)."""
        keys: list[Key] = []
        for lead in leads:
            sk = latest_submission_sk(lead)
            if sk is not None:
                keys.append(key(lead_pk(str(lead["lead_id"])), sk))
        found = batch_get(self._client, self.table_name, keys, consistent=False, projection=["lead_id", "answers"])
        return {str(item["lead_id"]): dict(item.get("answers") or {}) for item in found}

    def open_intake(self, request_id: str, now: datetime) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """The open intake of this id, and every other open intake (the open partition is the coach's queue,
        read whole as the CLI does); (None, ...) when it is not open."""
        page = self.open_intakes(None, 10_000, now)
        match = next((intake for intake in page.items if intake["request_id"] == request_id), None)
        return match, [intake for intake in page.items if intake["request_id"] != request_id]

    # --- writes ------------------------------------------------------------------------------------------

    def add_note(self, note: NoteItem, log: AccessLogItem, now: datetime) -> bool:
        """The note and its access-log item in ONE transaction, only while the lead is live; False when not."""
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {
                        "ConditionCheck": {
                            "TableName": self.table_name,
                            "Key": to_item(profile_key(note["lead_id"])),
                            "ConditionExpression": LIVE,
                            "ExpressionAttributeValues": to_item(live_values(now)),
                        }
                    },
                    {
                        "Put": {
                            "TableName": self.table_name,
                            "Item": to_item(note),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    access_put(self.table_name, log),  # type: ignore[list-item]  # a TransactWriteItems entry
                ]
            )
        except self._client.exceptions.TransactionCanceledException as error:
            codes = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
            if codes[:1] == ["ConditionalCheckFailed"]:
                return False
            raise
        return True


def _key_of(item: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    return {name: str(item[name]) for name in names}


def month_within(kind: str, bounds: tuple[str, str], pk_prefix: str) -> Callable[[Mapping[str, str], str | None], bool]:
    """Whether a cursor's start key lies in the month-index query it continues (logic/cursors.decode)."""

    def within(key: Mapping[str, str], month: str | None) -> bool:
        return (
            key["gsi2pk"] == f"{kind}#{month}"
            and bounds[0] <= key["gsi2sk"] <= bounds[1]
            and key["pk"].startswith(pk_prefix)
        )

    return within


__all__ = ["LEADS_MONTH", "Dashboard", "Filter", "Page", "lead_filter", "month_within"]
