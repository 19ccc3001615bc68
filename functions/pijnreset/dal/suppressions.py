"""Suppression markers: a hard bounce or a complaint stops every email to the address."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import boto3

from pijnreset.dal.table import suppression_item, to_item
from pijnreset.timestamps import iso

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class Suppressions:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client: DynamoDBClient = client or boto3.client("dynamodb")

    def suppress(self, lead_id: str, reason: str, now: datetime) -> None:
        """Keyed by the address's hash (the lead id), so it holds for an address we never saw, too.

        Kept without a TTL: it holds no address, and forgetting it would mail a complainant again."""
        self._client.put_item(
            TableName=self.table_name,
            Item=to_item(suppression_item(lead_id, "all", iso(now), reason)),
        )
