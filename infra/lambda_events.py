"""The events Lambda hands a handler, and its context object: one owner for their shapes, used by the local
stack (the HTTP gateway, the event source pollers, the dev pages), the bench and the tests.

Hand-written because no library builds them: Powertools' data classes only parse events, and moto builds its
own inside its invoke paths, where they cannot be called on their own. The shapes follow the documented ones
(API Gateway HTTP payload 2.0, the SQS, DynamoDB stream and SNS event sources, EventBridge scheduled events).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from infra.template import ACCOUNT_ID, REGION


# --- The context ----------------------------------------------------------------------------------------
@dataclass
class LocalLambdaContext:
    """The context object the runtime passes beside the event, for in-process invocations."""

    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _deadline: float = 0.0

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/[{self.function_version}]{self.aws_request_id}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))

    def fields(self) -> dict[str, Any]:
        """Every attribute a handler reads, as JSON: for a process that cannot import this module."""
        return {
            "function_name": self.function_name,
            "memory_limit_in_mb": self.memory_limit_in_mb,
            "timeout_seconds": self.timeout_seconds,
            "function_version": self.function_version,
            "aws_request_id": self.aws_request_id,
            "invoked_function_arn": self.invoked_function_arn,
            "log_group_name": self.log_group_name,
            "log_stream_name": self.log_stream_name,
        }


# --- API Gateway HTTP API, payload format 2.0 -----------------------------------------------------------
# https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
_TEXT_TYPES = re.compile(r"^(text/|application/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+json)")


def http_api_event(
    method: str,
    path: str,
    *,
    route_key: str,
    path_parameters: Mapping[str, str] | None = None,
    query: str = "",
    headers: Sequence[tuple[str, str]] = (),
    body: bytes = b"",
    source_ip: str = "127.0.0.1",
    host: str = "127.0.0.1",
) -> dict[str, Any]:
    """An HTTP request as API Gateway hands it to the route's function: headers joined with commas,
    cookies apart, a body that is not text base64-encoded."""
    joined: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        lower = name.lower()
        if lower == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        joined[lower] = f"{joined[lower]},{value}" if lower in joined else value
    query_parameters: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        query_parameters[name] = f"{query_parameters[name]},{value}" if name in query_parameters else value
    content_type = joined.get("content-type", "")
    text_body = not body or _TEXT_TYPES.match(content_type.lower())
    try:
        body_text = body.decode("utf-8") if text_body else None
    except UnicodeDecodeError:
        body_text = None
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": query,
        "headers": joined,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": "local",
            "domainName": host,
            "domainPrefix": host.split(".", 1)[0],
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": joined.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": body_text is None,
    }
    if cookies:
        event["cookies"] = cookies
    if query_parameters:
        event["queryStringParameters"] = query_parameters
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if body:
        event["body"] = body_text if body_text is not None else base64.b64encode(body).decode()
    return event


# --- DynamoDB streams -----------------------------------------------------------------------------------
def stream_record(record: Mapping[str, Any], stream_arn: str) -> dict[str, Any]:
    """A record from the stream's GetRecords as Lambda passes it: JSON-safe, with its source ARN."""
    dynamodb = dict(record["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    return {
        "eventID": record.get("eventID", str(uuid.uuid4())),
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": record.get("awsRegion", REGION),
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }


def keys_only_insert(keys: Mapping[str, Any], stream_arn: str) -> dict[str, Any]:
    """The record of a new item on a KEYS_ONLY stream (``keys`` as AttributeValues), as Lambda passes it."""
    now = time.time()
    return stream_record(
        {
            "eventID": uuid.uuid4().hex,
            "eventName": "INSERT",
            "dynamodb": {
                "ApproximateCreationDateTime": int(now),
                "Keys": dict(keys),
                "SequenceNumber": str(int(now * 1000)),
                "SizeBytes": 1000,
                "StreamViewType": "KEYS_ONLY",
            },
        },
        stream_arn,
    )


def stream_failure_message(shard_id: str, records: Sequence[Mapping[str, Any]], stream_arn: str) -> dict[str, Any]:
    """What Lambda sends a stream mapping's on-failure destination for records it gave up on."""
    return {
        "requestContext": {"requestId": str(uuid.uuid4()), "condition": "RetryAttemptsExhausted"},
        "DDBStreamBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": records[0]["dynamodb"]["SequenceNumber"],
            "endSequenceNumber": records[-1]["dynamodb"]["SequenceNumber"],
            "batchSize": len(records),
            "streamArn": stream_arn,
        },
    }


# --- SQS ------------------------------------------------------------------------------------------------
def sqs_record(message: Mapping[str, Any], queue_arn: str) -> dict[str, Any]:
    """A message from ReceiveMessage as Lambda passes it."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": message.get("MessageAttributes", {}),
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }


def received_message(body: str) -> dict[str, Any]:
    """A message as ReceiveMessage returns it the first time it is received."""
    return {
        "MessageId": str(uuid.uuid4()),
        "ReceiptHandle": uuid.uuid4().hex,
        "Body": body,
        "MD5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
        "Attributes": {"ApproximateReceiveCount": "1"},
    }


# --- SNS, and what SES publishes through it -------------------------------------------------------------
def sns_event(topic_arn: str, message: dict[str, Any]) -> dict[str, Any]:
    """The event SNS passes to a subscribed function."""
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{topic_arn}:{uuid.uuid4()}",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": str(uuid.uuid4()),
                    "TopicArn": topic_arn,
                    "Subject": None,
                    "Message": json.dumps(message),
                    "Timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                    "MessageAttributes": {},
                },
            }
        ]
    }


def ses_notification(kind: str, email: str, configuration_set: str | None = None) -> dict[str, Any]:
    """What SES publishes for a bounce (``bounce``, ``transient``) or a ``complaint`` through a configuration
    set's event destination (by default the one the local functions send with), tagged with that set's name
    as SES tags it."""
    name = configuration_set or os.environ.get("SES_CONFIGURATION_SET", "")
    mail = {"messageId": str(uuid.uuid4()), "tags": {"ses:configuration-set": [name]}}
    if kind == "complaint":
        return {
            "eventType": "Complaint",
            "complaint": {"complainedRecipients": [{"emailAddress": email}]},
            "mail": mail,
        }
    return {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Transient" if kind == "transient" else "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": email, "action": "failed", "status": "5.1.1"}],
        },
        "mail": mail,
    }


# --- EventBridge ----------------------------------------------------------------------------------------
def schedule_event(when: datetime) -> dict[str, Any]:
    """The event an EventBridge schedule rule passes to its target."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [],
        "detail": {},
    }
