"""Open intake requests, as the coach reads and closes them: the sparse index gsi1, never a Scan."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pijnreset.dal.leads_table import OPEN_INTAKES, PROFILE, from_item, lead_pk, to_item
from pijnreset.logic.retention import live

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_BATCH_GET_LIMIT = 100


class OpenIntakes:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self.table_name = table_name
        self._client = client

    def list(self) -> list[dict[str, Any]]:
        """Every open intake, oldest first: one Query of the index partition INTAKE#open (paged).

        An intake past its TTL (not yet deleted by DynamoDB) is no longer listed."""
        intakes: list[dict[str, Any]] = []
        for page in self._client.get_paginator("query").paginate(
            TableName=self.table_name,
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :open",
            ExpressionAttributeValues=to_item({":open": OPEN_INTAKES}),
            ScanIndexForward=True,
        ):
            intakes += [from_item(dict(item)) for item in page["Items"]]
        now = datetime.now(UTC)
        return [intake for intake in intakes if live(intake, now)]

    def leads(self, lead_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The leads of these ids that still exist, by id (BatchGetItem, 100 keys a call)."""
        ids = sorted(set(lead_ids))
        leads: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), _BATCH_GET_LIMIT):
            request: Any = {
                self.table_name: {
                    "Keys": [
                        to_item({"pk": lead_pk(lead_id), "sk": PROFILE})
                        for lead_id in ids[start : start + _BATCH_GET_LIMIT]
                    ]
                }
            }
            while request:
                response = self._client.batch_get_item(RequestItems=request)
                for item in response["Responses"].get(self.table_name, []):
                    lead = from_item(dict(item))
                    if live(lead, datetime.now(UTC)):
                        leads[lead["lead_id"]] = lead
                request = response.get("UnprocessedKeys") or None
        return leads

    def mark_handled(self, intake: dict[str, Any], now: str) -> bool:
        """Takes the intake out of the index, status "handled"; False when it was no longer open."""
        try:
            self._client.update_item(
                TableName=self.table_name,
                Key=to_item({"pk": intake["pk"], "sk": intake["sk"]}),
                UpdateExpression="SET #status = :handled, handled_at = :now REMOVE gsi1pk, gsi1sk",
                ConditionExpression="gsi1pk = :open",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=to_item({":handled": "handled", ":now": now, ":open": OPEN_INTAKES}),
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True
