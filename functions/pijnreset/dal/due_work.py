"""Work that is due, found through the sparse due index (gsi1) without a Scan.

Three kinds of items sit there: follow-ups and booking reminders waiting for their send time, and email jobs
still pending (the outbox sweep picks up any job whose stream record never reached the queue).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3

from pijnreset.dal.table import INDEX, due_buckets, from_item, key_of, live, to_item
from pijnreset.timestamps import iso

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from pijnreset.models.items import EmailJobItem


class DueWork:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client: DynamoDBClient = client or boto3.client("dynamodb")

    def due(self, now: datetime, look_back: timedelta) -> Iterator[dict[str, Any]]:
        """Every live item in the due index whose time has come, bucket by bucket, oldest first."""
        upper = iso(now) + "~"  # past every sort key that starts with a time up to now
        for bucket in due_buckets(now, look_back):
            pages = self._client.get_paginator("query").paginate(
                TableName=self.table_name,
                IndexName=INDEX,
                KeyConditionExpression="gsi1pk = :bucket AND gsi1sk <= :upper",
                ExpressionAttributeValues=to_item({":bucket": bucket, ":upper": upper}),
            )
            for page in pages:
                for raw in page.get("Items", []):
                    item = from_item(dict(raw))
                    if live(item, now):
                        yield item

    def enqueue_followup(self, followup: Mapping[str, Any], job: EmailJobItem, now: datetime) -> bool:
        """Turns a due follow-up (or a booking's reminder) into an email job, once: False when another run
        already did, or a cancel took it out of the index."""
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self.table_name,
                            "Item": to_item(job),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Update": {
                            "TableName": self.table_name,
                            "Key": to_item(key_of(followup)),
                            "UpdateExpression": "SET #status = :enqueued, enqueued_at = :now, job_sk = :job"
                            " REMOVE gsi1pk, gsi1sk",
                            "ConditionExpression": "attribute_exists(gsi1pk)",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": to_item(
                                {":enqueued": "enqueued", ":now": iso(now), ":job": job["sk"]}
                            ),
                        }
                    },
                ]
            )
        except self._client.exceptions.TransactionCanceledException:
            return False
        return True

    def mark_swept(self, job: dict[str, Any], now: datetime, not_since: datetime) -> bool:
        """Records that the sweep put a stuck job on the queue; False when it is no longer due for that."""
        try:
            self._client.update_item(
                TableName=self.table_name,
                Key=to_item(key_of(job)),
                UpdateExpression="SET swept_at = :now",
                ConditionExpression="#status = :pending AND (attribute_not_exists(swept_at) OR swept_at < :since)",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=to_item({":now": iso(now), ":pending": "pending", ":since": iso(not_since)}),
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True
