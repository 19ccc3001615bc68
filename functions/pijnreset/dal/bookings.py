"""The booked intake slots (keys: dal/table.py): as the slot picker reads them (a Query per month, never a
Scan), and their cancellation.

A slot is booked by its conditional put in the intake's own transaction (dal/leads_table.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import boto3

from pijnreset.dal.table import (
    booking_pks,
    email_job_item,
    from_item,
    key_of,
    lead_pk,
    live,
    slot_key,
    slot_sk,
    to_item,
)
from pijnreset.logic.booking import Slot
from pijnreset.timestamps import iso, moment

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# The emails a cancellation sends: the prospect's and the coach's, each with METHOD:CANCEL.
CANCEL_EMAIL_KINDS = ("booking_cancelled", "booking_cancelled_coach")
Cancelled = Literal["cancelled", "not_booked"]
# A booked slot that started this long before the window can still overlap it.
_LOOK_BACK = timedelta(days=1)


class Bookings:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client: DynamoDBClient = client or boto3.client("dynamodb")

    def taken(self, within: Slot, now: datetime) -> list[Slot]:
        """The live booked slots that start in ``within`` (or shortly before it), in UTC."""
        low, high = slot_sk(within.start - _LOOK_BACK), slot_sk(within.end)
        taken: list[Slot] = []
        for pk in booking_pks(within.start - _LOOK_BACK, within.end):
            arguments: dict[str, object] = {
                "TableName": self.table_name,
                "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
                "ExpressionAttributeValues": to_item({":pk": pk, ":low": low, ":high": high}),
                "ProjectionExpression": "slot_start, slot_end, expires_at",
            }
            while True:
                response = self._client.query(**arguments)  # type: ignore[arg-type]
                for item in map(from_item, response.get("Items", [])):
                    if live(item, now):
                        taken.append(Slot(moment(item["slot_start"]), moment(item["slot_end"])))
                if "LastEvaluatedKey" not in response:
                    break
                arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return taken

    def cancel(self, lead_id: str, request_id: str, now: datetime, email_expires_at: int) -> Cancelled:
        """Cancels the booked intake ``request_id`` of the lead in ONE transaction: the intake "cancelled" (its
        invitation's sequence one higher), its slot item deleted (the slot is free again) and both cancel emails'
        jobs; "not_booked" when there is no such booked intake (cancelled before, or gone)."""
        intake = self._intake(lead_id, request_id, now)
        if intake is None or intake.get("booking_status") != "booked" or not intake.get("slot_start"):
            return "not_booked"
        refs = {"intake_sk": intake["sk"]}
        jobs = [
            email_job_item(
                lead_id=lead_id,
                kind=kind,
                created_at=now,
                reference=request_id,
                expires_at=email_expires_at,
                **refs,
            )
            for kind in CANCEL_EMAIL_KINDS
        ]
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": to_item(key_of(intake)),
                    "UpdateExpression": "SET booking_status = :cancelled, cancelled_at = :now, "
                    "booking_sequence = if_not_exists(booking_sequence, :zero) + :one",
                    "ConditionExpression": "booking_status = :booked",
                    "ExpressionAttributeValues": to_item(
                        {":cancelled": "cancelled", ":booked": "booked", ":now": iso(now), ":zero": 0, ":one": 1}
                    ),
                }
            },
            {
                "Delete": {
                    "TableName": self.table_name,
                    "Key": to_item(slot_key(moment(intake["slot_start"]))),
                    "ConditionExpression": "attribute_not_exists(pk) OR request_id = :request",
                    "ExpressionAttributeValues": to_item({":request": request_id}),
                }
            },
            *self._reminder_off(intake),
            *[
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": to_item(job),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                }
                for job in jobs
            ],
        ]
        try:
            self._client.transact_write_items(TransactItems=items)  # type: ignore[arg-type]
        except self._client.exceptions.TransactionCanceledException as error:
            codes = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
            if "ConditionalCheckFailed" in codes:
                return "not_booked"  # cancelled meanwhile by a concurrent click
            raise
        return "cancelled"

    def _reminder_off(self, intake: dict[str, Any]) -> list[dict[str, Any]]:
        """Takes the booking's reminder out of the due index (if it is still there: it may have gone out)."""
        if not intake.get("reminder_sk"):
            return []
        return [
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": to_item({"pk": intake["pk"], "sk": intake["reminder_sk"]}),
                    "UpdateExpression": "SET #status = :cancelled REMOVE gsi1pk, gsi1sk",
                    "ConditionExpression": "attribute_exists(pk)",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": to_item({":cancelled": "cancelled"}),
                }
            }
        ]

    def _intake(self, lead_id: str, request_id: str, now: datetime) -> dict[str, Any] | None:
        """The lead's live intake ``request_id``: one Query of the lead's intakes (a handful), never a Scan."""
        arguments: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :intake)",
            "FilterExpression": "request_id = :request",
            "ExpressionAttributeValues": to_item(
                {":pk": lead_pk(lead_id), ":intake": "INTAKE#", ":request": request_id}
            ),
            "ConsistentRead": True,
        }
        while True:
            response = self._client.query(**arguments)
            for item in map(from_item, response.get("Items", [])):
                if live(item, now):
                    return item
            if "LastEvaluatedKey" not in response:
                return None
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]
