"""Reading one stored Pijntest of a person, for the PDFs rendered from it (nothing is written).

A link names the lead and the submission's id, not its sort key (which starts with the time it was made), so
the read is one Query of the lead's submissions, filtered on the id: a person has a handful of them. What an
erasure deleted or the retention expired is not found: the link dies with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import boto3

from pijnreset.dal.table import SUBMISSION_PREFIX, from_item, lead_pk, live, to_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_READ = "lead_id, submission_id, answers, #result, versions, created_at, expires_at"


class Submissions:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client: DynamoDBClient = client or boto3.client("dynamodb")

    def find(self, lead_id: str, submission_id: str, now: datetime) -> dict[str, Any] | None:
        """The lead's submission ``submission_id`` while it is live (its TTL not passed); None otherwise."""
        query: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "FilterExpression": "submission_id = :id",
            "ProjectionExpression": _READ,
            "ExpressionAttributeNames": {"#result": "result"},
            "ExpressionAttributeValues": to_item(
                {":pk": lead_pk(lead_id), ":prefix": SUBMISSION_PREFIX, ":id": submission_id}
            ),
        }
        while True:
            page = self._client.query(**query)
            for item in page.get("Items", []):
                found = from_item(item)
                return found if live(found, now) else None
            if "LastEvaluatedKey" not in page:
                return None
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
