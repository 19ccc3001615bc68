"""The template's event sources of its functions (``DynamoDB``, ``SQS`` and ``Schedule`` events), read as
Lambda would set up their event source mappings and rules, with the state a poller keeps per source."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from infra.functions import LocalFunction
from infra.local.event_filters import EventFilter
from infra.template import Resolver, resources_of_type


@dataclass
class StreamSource:
    function: LocalFunction
    stream_arn: str
    batch_size: int
    filters: list[EventFilter]
    max_retries: int
    on_failure_queue_url: str | None
    # The last sequence number read per shard. A fresh iterator is taken from it on every poll: moto
    # replaces a table's stream shard object when it rolls back a cancelled transaction, and an old
    # iterator would keep reading the abandoned copy.
    positions: dict[str, str] = field(default_factory=dict)
    pending: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    # The last record read per shard: (eventName, Keys), to correct moto's double INSERT (pollers.as_aws_would).
    last_read: dict[str, tuple[str, Any]] = field(default_factory=dict)


@dataclass
class QueueSource:
    function: LocalFunction
    queue_arn: str
    queue_url: str
    batch_size: int
    report_failures: bool


@dataclass
class ScheduleSource:
    function: LocalFunction
    period_seconds: int
    last_run: float = 0.0
    # A cron() schedule (a weekly digest): the local stack runs it only when asked (/_dev/weekly-digest), never
    # with the rate() schedules, so that running the scheduled work N days ahead sends no digest.
    cron: str | None = None


Source = StreamSource | QueueSource | ScheduleSource


def event_sources(resolver: Resolver, functions: Sequence[LocalFunction]) -> list[Source]:
    by_id = {function.logical_id: function for function in functions}
    sources: list[Source] = []
    for logical_id, resource in resources_of_type(resolver.template, "AWS::Serverless::Function"):
        for event in resource.get("Properties", {}).get("Events", {}).values():
            properties = resolver.resolve(event.get("Properties", {}))
            if event.get("Type") == "DynamoDB":
                on_failure = properties.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
                sources.append(
                    StreamSource(
                        function=by_id[logical_id],
                        stream_arn=properties["Stream"],
                        batch_size=int(properties.get("BatchSize", 100)),
                        filters=[
                            EventFilter.parse(f["Pattern"])
                            for f in properties.get("FilterCriteria", {}).get("Filters", [])
                        ],
                        max_retries=int(properties.get("MaximumRetryAttempts", 3)),
                        on_failure_queue_url=_queue_url_of(resolver, on_failure) if on_failure else None,
                    )
                )
            elif event.get("Type") == "Schedule":
                expression = str(properties["Schedule"]).strip()
                if expression.startswith("cron("):
                    sources.append(ScheduleSource(by_id[logical_id], 0, cron=expression))
                else:
                    sources.append(ScheduleSource(by_id[logical_id], _rate_seconds(expression)))
            elif event.get("Type") == "SQS":
                sources.append(
                    QueueSource(
                        function=by_id[logical_id],
                        queue_arn=properties["Queue"],
                        queue_url=_queue_url_of(resolver, properties["Queue"]),
                        batch_size=min(10, int(properties.get("BatchSize", 10))),
                        report_failures="ReportBatchItemFailures" in properties.get("FunctionResponseTypes", []),
                    )
                )
    return sources


def _rate_seconds(expression: str) -> int:
    found = re.fullmatch(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)", expression.strip())
    if not found:
        raise ValueError(f"the local stack runs rate() schedules only, not {expression!r}")
    unit = {"minute": 60, "hour": 3600, "day": 86400}[found.group(2).rstrip("s")]
    return int(found.group(1)) * unit


def _queue_url_of(resolver: Resolver, arn: str) -> str:
    for (logical_id, attribute), value in resolver.attributes.items():
        if attribute == "Arn" and value == arn:
            return str(resolver.attributes[(logical_id, "QueueUrl")])
    raise KeyError(f"no local queue has ARN {arn}")
