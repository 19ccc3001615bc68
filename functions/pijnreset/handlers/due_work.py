"""The scheduled function: turns due follow-ups and booking reminders into email jobs and re-queues stuck
email jobs.

It runs on an EventBridge schedule and reads only the due index's hour buckets of the look-back window
(never a Scan). Everything it does is conditional, so overlapping or repeated runs do no double work.
"""

import math
from collections.abc import Callable
from datetime import UTC, datetime

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from pijnreset.dal.due_work import DueWork
from pijnreset.dal.email_queue import EmailQueue
from pijnreset.dal.table import email_job_item
from pijnreset.entry import event_entry
from pijnreset.logic.due_work import (
    LOOK_BACK,
    SWEEP_AGAIN_AFTER,
    TIME_RESERVE_SECONDS,
    followup_reference,
    run_time,
    stuck,
)
from pijnreset.models.jobs import JobMessage
from pijnreset.observability import logger
from pijnreset.settings import DueWorkSettings

settings = DueWorkSettings.from_env()
due_work = DueWork(settings.table_name)
queue = EmailQueue(settings.email_queue_url)


def run(now: datetime, seconds_left: Callable[[], float] = lambda: math.inf) -> dict[str, int]:
    counts = {"followups_enqueued": 0, "reminders_enqueued": 0, "jobs_swept": 0, "out_of_time": 0}
    for item in due_work.due(now, LOOK_BACK):
        if seconds_left() < TIME_RESERVE_SECONDS:
            counts["out_of_time"] = 1
            break
        if item.get("entity") == "followup":
            job = email_job_item(
                lead_id=item["lead_id"],
                kind=item["kind"],
                created_at=now,
                reference=followup_reference(item),
                expires_at=settings.retention().expires_at("email", now),
                followup_sk=item["sk"],
            )
            counts["followups_enqueued"] += due_work.enqueue_followup(item, job, now)
        elif item.get("entity") == "booking_reminder":  # once: the same conditional hand-over as a follow-up
            job = email_job_item(
                lead_id=item["lead_id"],
                kind=item["kind"],
                created_at=now,
                reference=item["request_id"],
                expires_at=settings.retention().expires_at("email", now),
                intake_sk=item["intake_sk"],
            )
            counts["reminders_enqueued"] += due_work.enqueue_followup(item, job, now)
        elif (
            item.get("entity") == "email_job"
            and stuck(item, now)
            and due_work.mark_swept(item, now, now - SWEEP_AGAIN_AFTER)
        ):
            queue.enqueue(JobMessage(pk=item["pk"], sk=item["sk"]))
            counts["jobs_swept"] += 1
    return counts


@event_entry(correlation_paths.EVENT_BRIDGE, data_class=EventBridgeEvent)
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, int]:
    # A schedule always names its time; an invocation by hand without one runs for now.
    now = run_time(event.time if "time" in event else None, datetime.now(UTC))
    counts = run(now, lambda: context.get_remaining_time_in_millis() / 1000)
    logger.info("due work done", extra=counts)
    return counts
