"""The scheduled function: turns due follow-ups into email jobs and re-queues stuck email jobs.

It runs on an EventBridge schedule and reads only the due index's hour buckets of the look-back window
(never a Scan). Everything it does is conditional, so overlapping or repeated runs do no double work.
"""

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from pijnreset.dal.due_work import DueWork
from pijnreset.dal.email_queue import EmailQueue
from pijnreset.dal.table import email_job_item
from pijnreset.logic.followups import confirmation_of
from pijnreset.models.jobs import JobMessage
from pijnreset.observability import logger, metrics
from pijnreset.settings import get_settings

settings = get_settings()
due_work = DueWork(settings.table_name)
queue = EmailQueue(settings.queue_url)

# Work due up to a week ago is still found: a weekend with the schedule failing (alarmed) loses nothing,
# it only comes late. Each run reads one small query per hour bucket (168), nearly all of them empty.
LOOK_BACK = timedelta(days=7)
# A job still pending this long after it was written never reached the queue (or fell out of it): longer
# than the email queue could still be holding a message for it - every receive SQS allows before the
# dead-letter queue (maxReceiveCount 5) after a visibility timeout each (180 s), plus the longest delay a
# message may carry (15 minutes) - 30 minutes; and a margin. Sooner, it re-queues jobs merely waiting.
STUCK_AFTER = timedelta(minutes=45)
SWEEP_AGAIN_AFTER = timedelta(hours=1)
# Work stops with this much of the invocation left; the next run (oldest first) goes on where it stopped.
TIME_RESERVE_SECONDS = 10.0


def run(now: datetime, seconds_left: Callable[[], float] = lambda: math.inf) -> dict[str, int]:
    counts = {"followups_enqueued": 0, "jobs_swept": 0, "out_of_time": 0}
    for item in due_work.due(now, LOOK_BACK):
        if seconds_left() < TIME_RESERVE_SECONDS:
            counts["out_of_time"] = 1
            break
        if item.get("entity") == "followup":
            job = email_job_item(
                lead_id=item["lead_id"],
                kind=item["kind"],
                created_at=now,
                # Two schedules' same step (an opt-in withdrawn and confirmed again) may fall due in one run.
                reference=f"{item['sequence']}#{item['step']}#{confirmation_of(item['sk'])}",
                expires_at=settings.retention().expires_at("email", now),
                followup_sk=item["sk"],
            )
            counts["followups_enqueued"] += due_work.enqueue_followup(item, job, now)
        elif (
            item.get("entity") == "email_job"
            and _stuck(item, now)
            and due_work.mark_swept(item, now, now - SWEEP_AGAIN_AFTER)
        ):
            queue.enqueue(JobMessage(pk=item["pk"], sk=item["sk"]))
            counts["jobs_swept"] += 1
    return counts


def _stuck(job: dict[str, Any], now: datetime) -> bool:
    """Pending, and longer than the queue could still hold a message for it: since it was written, or since
    the end of the wait SES asked for (its message comes back then, and may be refused and wait again)."""
    moments = [str(job["created_at"]), str(job.get("deferred_until") or "")]
    last = max(datetime.fromisoformat(moment.replace("Z", "+00:00")) for moment in moments if moment)
    return job.get("status") == "pending" and now - last >= STUCK_AFTER


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    # The schedule's own time, so that a late or retried run still covers the moment it was meant for.
    scheduled = event.get("time")
    now = (
        max(datetime.now(UTC), datetime.fromisoformat(scheduled.replace("Z", "+00:00")))
        if scheduled
        else datetime.now(UTC)
    )
    counts = run(now, lambda: context.get_remaining_time_in_millis() / 1000)
    for name, value in counts.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    logger.info("due work done", extra=counts)
    return counts
