"""Lambda's event source mappings on moto: a DynamoDB stream poller, an SQS poller and the schedules.

They do what Lambda does for the template's ``DynamoDB``, ``SQS`` and ``Schedule`` events
(infra.local.event_sources): read a batch, apply the FilterCriteria, invoke the real handler with an event of
the documented shape (infra.lambda_events), honour ``ReportBatchItemFailures`` (retry from the first failed
record / keep the failed messages), and after the retry limit pass a stream batch to its on-failure
destination.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from infra.lambda_events import schedule_event, sqs_record, stream_failure_message, stream_record
from infra.local.event_filters import passes
from infra.local.event_sources import QueueSource, ScheduleSource, Source, StreamSource


class Pollers:
    """Runs every event source once per ``poll_once`` call, or continuously in a thread (``start``)."""

    def __init__(
        self,
        sources: Iterable[Source],
        client: Any,
        *,
        retry_visibility_seconds: int | None = None,
        schedule_cap_seconds: int = 30,
    ) -> None:
        self.sources = list(sources)
        self._schedule_cap = schedule_cap_seconds
        self._dynamodbstreams = client("dynamodbstreams")
        self._sqs = client("sqs")
        self._retry_visibility = retry_visibility_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll_once(self) -> int:
        """Delivers at most one batch per source; returns how many records it read or handed over."""
        handled = 0
        for source in self.sources:
            try:
                if isinstance(source, StreamSource):
                    handled += self._poll_stream(source)
                elif isinstance(source, QueueSource):
                    handled += self._poll_queue(source)
            except Exception as error:  # a poller must survive whatever a handler or moto does
                print(f"{source.function.logical_id} poller: {type(error).__name__}: {error}", file=sys.stderr)
        return handled

    def drain(self, rounds: int = 50) -> int:
        """Polls until a round hands nothing over (or ``rounds`` run out); returns the records handed over."""
        total = 0
        for _ in range(rounds):
            handled = self.poll_once()
            total += handled
            if handled == 0:
                break
        return total

    def run_schedules(self, when: datetime | None = None, *, due_only: bool = False) -> list[Any]:
        """Invokes every scheduled function (with ``due_only``, those whose local period has passed), as
        EventBridge would at ``when``; returns what they returned."""
        results = []
        for source in self.sources:
            if not isinstance(source, ScheduleSource) or source.cron is not None:
                continue  # a cron() schedule runs only through run_cron
            period = min(source.period_seconds, self._schedule_cap)
            if due_only and time.monotonic() - source.last_run < period:
                continue
            source.last_run = time.monotonic()
            try:
                results.append(source.function.invoke(schedule_event(when or datetime.now(UTC))))
            except Exception as error:
                print(f"{source.function.logical_id} failed: {type(error).__name__}: {error}", file=sys.stderr)
        return results

    def run_cron(self, logical_id: str, when: datetime) -> Any:
        """Invokes the cron() scheduled function ``logical_id`` as EventBridge would at ``when``."""
        (source,) = [
            s for s in self.sources if isinstance(s, ScheduleSource) and s.cron and s.function.logical_id == logical_id
        ]
        return source.function.invoke(schedule_event(when))

    def start(self, interval: float = 0.25) -> None:
        def run() -> None:
            while not self._stop.is_set():
                self.run_schedules(due_only=True)
                if self.poll_once() == 0:
                    self._stop.wait(interval)

        self._thread = threading.Thread(target=run, name="event-sources", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    # DynamoDB streams ------------------------------------------------------------------------------------
    def _poll_stream(self, source: StreamSource) -> int:
        streams = self._dynamodbstreams
        description = streams.describe_stream(StreamArn=source.stream_arn)["StreamDescription"]
        handled = 0
        for shard in description.get("Shards", []):
            shard_id = shard["ShardId"]
            records = source.pending.get(shard_id)
            if not records:
                position = source.positions.get(shard_id)
                where = (
                    {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": position}
                    if position
                    else {"ShardIteratorType": "TRIM_HORIZON"}
                )
                iterator = streams.get_shard_iterator(StreamArn=source.stream_arn, ShardId=shard_id, **where)
                response = streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=source.batch_size)
                raw = response.get("Records", [])
                if raw:
                    source.positions[shard_id] = raw[-1]["dynamodb"]["SequenceNumber"]
                read = as_aws_would(source, shard_id, [stream_record(record, source.stream_arn) for record in raw])
                handled += len(read)  # filtered out or not, reading them is progress
                records = [record for record in read if passes(source.filters, record)]
            else:
                handled += len(records)
            if not records:
                continue
            failed_from = self._invoke_stream_batch(source, records)
            if failed_from is None:
                source.pending.pop(shard_id, None)
                source.attempts.pop(shard_id, None)
                continue
            source.attempts[shard_id] = source.attempts.get(shard_id, 0) + 1
            remaining = records[failed_from:]
            if source.attempts[shard_id] > source.max_retries:
                self._to_on_failure_destination(source, shard_id, remaining)
                source.pending.pop(shard_id, None)
                source.attempts.pop(shard_id, None)
            else:
                source.pending[shard_id] = remaining  # retried, from the first failed record, next round
        return handled

    def _invoke_stream_batch(self, source: StreamSource, records: list[dict[str, Any]]) -> int | None:
        """Index of the first record to retry, or None when the whole batch succeeded."""
        try:
            response = source.function.invoke({"Records": records})
        except Exception as error:
            print(f"{source.function.logical_id} failed: {type(error).__name__}: {error}", file=sys.stderr)
            return 0
        failures = (response or {}).get("batchItemFailures") or []
        if not failures:
            return None
        failed = {failure["itemIdentifier"] for failure in failures}
        for index, record in enumerate(records):
            if record["dynamodb"]["SequenceNumber"] in failed:
                return index
        return 0  # an identifier we cannot place: retry the whole batch, as Lambda does

    def _to_on_failure_destination(self, source: StreamSource, shard_id: str, records: list[dict[str, Any]]) -> None:
        print(f"{source.function.logical_id}: {len(records)} stream records gave up after retries", file=sys.stderr)
        if source.on_failure_queue_url is None:
            return
        self._sqs.send_message(
            QueueUrl=source.on_failure_queue_url,
            MessageBody=json.dumps(stream_failure_message(shard_id, records, source.stream_arn)),
        )

    # SQS ---------------------------------------------------------------------------------------------------
    def _poll_queue(self, source: QueueSource) -> int:
        response = self._sqs.receive_message(
            QueueUrl=source.queue_url,
            MaxNumberOfMessages=source.batch_size,
            WaitTimeSeconds=0,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = response.get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [sqs_record(message, source.queue_arn) for message in messages]}
        failed: set[str]
        try:
            result = source.function.invoke(event)
            reported = (result or {}).get("batchItemFailures") or [] if source.report_failures else []
            failed = {failure["itemIdentifier"] for failure in reported}
        except Exception as error:
            print(f"{source.function.logical_id} failed: {type(error).__name__}: {error}", file=sys.stderr)
            failed = {message["MessageId"] for message in messages}
        for message in messages:
            if message["MessageId"] in failed:
                if self._retry_visibility is not None:
                    self._sqs.change_message_visibility(
                        QueueUrl=source.queue_url,
                        ReceiptHandle=message["ReceiptHandle"],
                        VisibilityTimeout=self._retry_visibility,
                    )
                continue
            self._sqs.delete_message(QueueUrl=source.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)


def as_aws_would(source: StreamSource, shard_id: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """moto records an UpdateItem that creates an item as two INSERTs in a row (it puts the bare keys, then
    updates them); DynamoDB records one INSERT. With keys-only records the second would pass the relay's
    filter as a new item again, so it becomes what DynamoDB would call it: a MODIFY."""
    for record in records:
        seen = (record["eventName"], record["dynamodb"].get("Keys"))
        if seen[0] == "INSERT" and source.last_read.get(shard_id) == seen:
            record["eventName"] = "MODIFY"
        source.last_read[shard_id] = seen
    return records
