"""The booked intake slots (keys: dal/table.py), as the slot picker reads them: a Query per month, never a Scan.

A slot is booked by its conditional put in the intake's own transaction (dal/leads_table.py); this module
only reads.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import boto3

from pijnreset.dal.table import booking_pks, from_item, live, slot_sk, to_item
from pijnreset.logic.booking import Slot
from pijnreset.timestamps import moment

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

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
