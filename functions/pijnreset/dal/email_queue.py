"""The SQS email queue: email jobs travel through it as their keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3

from pijnreset.models.jobs import JobMessage

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


class EmailQueue:
    def __init__(self, queue_url: str, client: SQSClient | None = None) -> None:
        self.queue_url = queue_url
        self._client: SQSClient = client or boto3.client("sqs")

    def enqueue(self, message: JobMessage, delay_seconds: int = 0) -> None:
        self._client.send_message(
            QueueUrl=self.queue_url, MessageBody=message.model_dump_json(), DelaySeconds=delay_seconds
        )
