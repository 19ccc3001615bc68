"""Everything stored about one person: found, exported and erased together.

All of a person's items share the lead's partition, plus the replay records of their submissions and
intakes (keyed by the client's ids) and, perhaps, a suppression marker keyed by their address's hash.

Every erasure leaves an erasure marker (the address's hash and the time, nothing else; see
logic/erasure.py), so that an erasure undone by a restore from backup can be applied again
(``reapply_erasures``); it expires when no backup can hold the person any more.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import boto3

from pijnreset.dal.caps import CapState, count_client, with_caps
from pijnreset.dal.funnel import FunnelCounters
from pijnreset.dal.table import (
    BATCH_WRITE_LIMIT,
    ERASURES,
    INDEX,
    LIVE,
    batch_get,
    erasure_key,
    erasure_marker_item,
    from_item,
    key_of,
    lead_pk,
    live,
    live_values,
    profile_key,
    replay_key_of,
    slot_key,
    suppression_item,
    suppression_key,
    to_item,
)
from pijnreset.logic.erasure import erasure_marker_expires_at, link_still_open, needs_reapplying
from pijnreset.timestamps import iso, moment

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from pijnreset.dal.ses_suppression import SesSuppressionList
    from pijnreset.logic.caps import CapPlan
    from pijnreset.models.items import EmailJobItem, Key


@dataclass(frozen=True)
class Erasure:
    deleted: int
    kept_marker: str | None  # the marker's scope, when one is kept
    ses_released: bool = False  # the address was taken off SES's account suppression list


@dataclass(frozen=True)
class Reapplied:
    markers: int  # erasure markers read
    erased: int  # people erased again in the restored table
    deleted: int  # items deleted there


class PersonData:
    def __init__(
        self,
        table_name: str,
        client: DynamoDBClient | None = None,
        *,
        backup_days: int = 35,
        ses: SesSuppressionList | None = None,
    ) -> None:
        """``backup_days``: how far the table's backups reach back (how long an erasure marker is kept);
        ``ses``: the account suppression list an erasure takes the address off (None: left alone)."""
        self.table_name = table_name
        self._client: DynamoDBClient = client or boto3.client("dynamodb")
        self.backup_days = backup_days
        self._ses = ses

    def count_client(self, caps: CapPlan) -> bool:
        """Counts an erasure request against its client's hourly bound; False when the client is over it."""
        return count_client(self._client, self.table_name, caps)

    def items(self, lead_id: str, now: datetime | None = None) -> list[dict[str, Any]]:
        """Every item of the person; with ``now``, only those still live (an export), else all (erasure)."""
        found = list(self._partition(lead_pk(lead_id)))
        extra_keys = [suppression_key(lead_id), *(replay_key_of(item) for item in found)]
        found += batch_get(self._client, self.table_name, [key for key in extra_keys if key is not None])
        return [item for item in found if now is None or live(item, now)]

    def erase_through_link(self, lead_id: str, now: datetime, link_issued_at: int) -> Erasure | None:
        """``erase`` for the emailed link made at ``link_issued_at``; None, deleting nothing, when that link
        was used already."""
        items = self.items(lead_id)
        if not link_still_open(items, link_issued_at):
            return None
        return self._erase(lead_id, items, now)

    def erase(self, lead_id: str, now: datetime, also: Sequence[dict[str, Any]] = ()) -> Erasure:
        """Deletes every item of the person. A suppression marker stays (or is made) when they had
        unsubscribed, complained or hard-bounced, so that no marketing (or no email) reaches them again.

        ``also``: puts written in one transaction with the erasure marker, before anything is deleted (the
        access log's item of the erasure, dal/access_log.py)."""
        return self._erase(lead_id, self.items(lead_id), now, also=also)

    def _erase(
        self,
        lead_id: str,
        items: list[dict[str, Any]],
        now: datetime,
        count_lead: bool = True,
        also: Sequence[dict[str, Any]] = (),
    ) -> Erasure:
        """``count_lead``: a lead not yet counted in the funnel is counted first (dal/funnel.py); not when an
        erasure is applied again to a restored backup, whose lead the live table counted already."""
        marker = next((item for item in items if item["pk"] == suppression_key(lead_id)["pk"]), None)
        lead = next((item for item in items if key_of(item) == profile_key(lead_id)), None)
        doomed = [item for item in items if item is not marker]
        # The markers are written before anything is deleted: an erasure cut short (throttled, timed out) is
        # finished by the retry, which no longer finds the lead that says they had unsubscribed.
        erasure = erasure_marker_item(lead_id, now, erasure_marker_expires_at(now, self.backup_days))
        if also:
            marker_put = {"Put": {"TableName": self.table_name, "Item": to_item(erasure)}}
            self._client.transact_write_items(TransactItems=[marker_put, *also])  # type: ignore[list-item]
        else:
            self._client.put_item(TableName=self.table_name, Item=to_item(erasure))
        if marker is None and lead is not None and lead.get("unsubscribed_at"):
            marker = suppression_item(lead_id, "marketing", iso(now))
            self._client.put_item(TableName=self.table_name, Item=to_item(marker))
        if lead is not None and count_lead:
            # A conflict: the relay is counting it this very moment; an erasure never waits on a count.
            with suppress(self._client.exceptions.TransactionCanceledException):
                FunnelCounters(self.table_name, self._client).count_lead(lead["pk"], lead, now)
        address = next((str(item["email"]) for item in items if item.get("email")), None)
        released = False
        if self._ses is not None and address is not None:
            # SES keeps the plain address; a hashed marker with SES's reason takes its place (a complaint or
            # a hard bounce still stops every email), then the address leaves SES's list.
            reason = self._ses.reason(address)
            if reason is not None and (marker is None or marker.get("scope") != "all"):
                marker = suppression_item(lead_id, "all", iso(now), reason)
                self._client.put_item(TableName=self.table_name, Item=to_item(marker))
            self._ses.remove(address)
            released = True
        # The erasure emails go last, in a call of their own: while one is stored its link still works, so
        # an erasure cut short can be finished by using the link again.
        # A booked intake's slot (outside the person's partition, no PII in it) is freed with it.
        slots = [
            slot_key(moment(item["slot_start"]))
            for item in doomed
            if item.get("entity") == "intake" and item.get("booking_status") == "booked" and item.get("slot_start")
        ]
        others = [key_of(item) for item in doomed if item.get("kind") != "erase_confirm"] + slots
        links = [key_of(item) for item in doomed if item.get("kind") == "erase_confirm"]
        for part in (others, links):
            for start in range(0, len(part), BATCH_WRITE_LIMIT):
                self._delete(part[start : start + BATCH_WRITE_LIMIT])
        return Erasure(len(doomed), marker.get("scope") if marker else None, released)

    def erasures(self) -> list[dict[str, Any]]:
        """Every erasure marker of the table (the index's ERASURES partition), oldest first."""
        pages = self._client.get_paginator("query").paginate(
            TableName=self.table_name,
            IndexName=INDEX,
            KeyConditionExpression="gsi1pk = :erasures",
            ExpressionAttributeValues=to_item({":erasures": ERASURES}),
        )
        return [from_item(dict(item)) for page in pages for item in page.get("Items", [])]

    def reapply_erasures(self, markers: list[dict[str, Any]]) -> Reapplied:
        """Erases again, in this (restored) table, everyone whose erasure ``markers`` (read from the table as
        it was before the restore) record and this table does not: their data came back with the backup."""
        erased = deleted = 0
        for source in markers:
            lead_id = str(source["lead_id"])
            here = next(iter(batch_get(self._client, self.table_name, [erasure_key(lead_id)])), None)
            if not needs_reapplying(source, here):
                continue
            items = self.items(lead_id)
            erasure = self._erase(lead_id, items, datetime.fromisoformat(str(source["erased_at"])), count_lead=False)
            erased += any(item.get("entity") != "suppression" for item in items)
            deleted += erasure.deleted
        return Reapplied(len(markers), erased, deleted)

    def request_erasure(
        self, lead_id: str, job: EmailJobItem, now: datetime, caps: CapPlan | None = None
    ) -> Literal["sent", "ignored", "capped"]:
        """Writes the erasure-confirmation email job, only if the person is known: one call either way.

        ``caps``: the job also counts against its mailbox's daily cap and the daily ceiling, in the same call;
        past either nothing is written ("capped"). The client's own bound is counted before, by the handler.
        """
        items: list[dict[str, Any]] = [
            {
                "ConditionCheck": {
                    "TableName": self.table_name,
                    "Key": to_item(profile_key(lead_id)),
                    "ConditionExpression": LIVE,
                    "ExpressionAttributeValues": to_item(live_values(now)),
                }
            },
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": to_item(job),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ]
        if caps is not None:
            # Counted against the ceiling itself: no second call to learn that the count is only near it.
            items = with_caps(self.table_name, items, replace(caps, client=None), CapState(near=True)).items
        try:
            self._client.transact_write_items(TransactItems=items)  # type: ignore[arg-type]
        except self._client.exceptions.TransactionCanceledException as error:
            reasons = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
            if "ConditionalCheckFailed" in reasons[:2]:
                return "ignored"  # unknown address, or a confirmation already went out this hour
            if "ConditionalCheckFailed" in reasons:
                return "capped"  # the mailbox's cap or the daily ceiling
            raise  # throttled or conflicting: the client retries (503), known address or not
        return "sent"

    def _partition(self, pk: str) -> Any:
        pages = self._client.get_paginator("query").paginate(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues=to_item({":pk": pk}),
            ConsistentRead=True,
        )
        for page in pages:
            for item in page.get("Items", []):
                yield from_item(dict(item))

    def _delete(self, keys: list[Key]) -> None:
        request: Any = {self.table_name: [{"DeleteRequest": {"Key": to_item(key)}} for key in keys]}
        while request:
            request = self._client.batch_write_item(RequestItems=request).get("UnprocessedItems") or None
