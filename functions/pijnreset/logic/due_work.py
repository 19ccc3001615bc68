"""The rules of the scheduled due work (handlers/due_work.py): how far back it looks, when an email job is
stuck, which time a run goes by, and the reference that makes a due follow-up's email job one of its own."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pijnreset.logic.followups import confirmation_of

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


def _parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


def run_time(scheduled: str | None, now: datetime) -> datetime:
    """The schedule's own time (EventBridge's ``time``) when it is later than ``now``, so that a late or
    retried run still covers the moment it was meant for; ``now`` otherwise."""
    return max(now, _parse(scheduled)) if scheduled else now


def stuck(job: Mapping[str, Any], now: datetime) -> bool:
    """Pending, and longer than the queue could still hold a message for it: since it was written, or since
    the end of the wait SES asked for (its message comes back then, and may be refused and wait again)."""
    moments = [str(job["created_at"]), str(job.get("deferred_until") or "")]
    last = max(_parse(moment) for moment in moments if moment)
    return job.get("status") == "pending" and now - last >= STUCK_AFTER


def followup_reference(followup: Mapping[str, Any]) -> str:
    """The reference of a due follow-up's email job: its sequence, its step and the opt-in confirmation whose
    schedule it belongs to, since two schedules' same step (an opt-in withdrawn and confirmed again) may fall
    due in one run."""
    return f"{followup['sequence']}#{followup['step']}#{confirmation_of(followup['sk'])}"
