"""Spent proofs of work, for the one form that has no transaction of its own to record them in (erasure)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import boto3

from pijnreset.dal.table import to_item, used_challenge_item
from pijnreset.logic.challenge import SolvedChallenge

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class UsedChallenges:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client: DynamoDBClient = client or boto3.client("dynamodb")

    def spend(self, solved: SolvedChallenge, request: str) -> bool:
        """Records the solution as used for ``request`` (what identifies the request, no PII), in one conditional
        put; False when it was used before for another request.

        The same request may spend it again: a retry after a 503 carries the same solution, and the write it
        retries is idempotent by itself (one erasure email an hour).
        """
        fingerprint = hashlib.sha256(f"{solved.challenge}|{request}".encode()).hexdigest()
        try:
            self._client.put_item(
                TableName=self.table_name,
                Item=to_item({**used_challenge_item(solved.challenge, solved.expires_at), "request": fingerprint}),
                ConditionExpression="attribute_not_exists(pk) OR #request = :request",
                ExpressionAttributeNames={"#request": "request"},
                ExpressionAttributeValues=to_item({":request": fingerprint}),
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True
