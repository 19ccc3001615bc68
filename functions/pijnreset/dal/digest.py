"""What the weekly digest reads besides the funnel's counts (dal/funnel.py), and its once-a-week mark.

open intakes      a COUNT Query of the sparse index partition INTAKE#open (paged; nothing of an intake is
                  returned), past-TTL ones left out by a filter
dead letters      each dead-letter queue's ApproximateNumberOfMessages (+ NotVisible)
sent mark         pk = FUNNEL#digest  sk = DIGEST#<yyyy>-W<ww>: put on condition that it is new, before the
                  send; taken away again when the send fails, so EventBridge's retry sends it then
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import boto3

from pijnreset.dal.funnel import FUNNEL_PREFIX
from pijnreset.dal.table import INDEX, OPEN_INTAKES, key, to_item
from pijnreset.models.items import Key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

MARK_DAYS = 120  # the marks of weeks long past are of no use


def mark_key(week: str) -> Key:
    return key(f"{FUNNEL_PREFIX}digest", f"DIGEST#{week}")


class DigestSources:
    def __init__(
        self,
        table_name: str,
        dead_letter_queues: Mapping[str, str],
        dynamodb: DynamoDBClient | None = None,
        sqs: SQSClient | None = None,
    ) -> None:
        """``dead_letter_queues``: name (the digest's label key) → queue URL."""
        self.table_name = table_name
        self.dead_letter_queues = dict(dead_letter_queues)
        self._dynamodb: DynamoDBClient = dynamodb or boto3.client("dynamodb")
        self._sqs: SQSClient = sqs or boto3.client("sqs")

    def open_intakes(self, now: datetime) -> int:
        total = 0
        arguments: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": INDEX,
            "KeyConditionExpression": "gsi1pk = :open",
            "FilterExpression": "attribute_not_exists(expires_at) OR expires_at > :now",
            "ExpressionAttributeValues": to_item({":open": OPEN_INTAKES, ":now": int(now.timestamp())}),
            "Select": "COUNT",
        }
        while True:
            page = self._dynamodb.query(**arguments)
            total += page.get("Count", 0)
            if "LastEvaluatedKey" not in page:
                return total
            arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def dead_letters(self) -> dict[str, int]:
        depths = {}
        for name, url in self.dead_letter_queues.items():
            attributes = self._sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            ).get("Attributes", {})
            depths[name] = sum(int(value) for value in attributes.values())
        return depths

    def mark_sent(self, week: str, now: datetime) -> bool:
        """True when this week's digest was not marked yet (and now is); False: sent before."""
        item = {**mark_key(week), "entity": "digest_sent", "sent_at": now.isoformat()}
        item["expires_at"] = int(now.timestamp()) + MARK_DAYS * 86400
        try:
            self._dynamodb.put_item(
                TableName=self.table_name, Item=to_item(item), ConditionExpression="attribute_not_exists(pk)"
            )
        except self._dynamodb.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def unmark(self, week: str) -> None:
        self._dynamodb.delete_item(TableName=self.table_name, Key=to_item(mark_key(week)))
