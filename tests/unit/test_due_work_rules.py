"""The due work's rules (logic/due_work.py): which time a run goes by, when an email job is stuck, and the
reference of a due follow-up's email job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pijnreset.logic.due_work import STUCK_AFTER, followup_reference, run_time, stuck

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_a_late_run_goes_by_its_schedule_only_when_that_is_later_than_now():
    assert run_time("2026-11-27T10:05:00Z", NOW) == NOW + timedelta(minutes=5)
    assert run_time("2026-11-27T09:00:00Z", NOW) == NOW, "a late or retried run still covers now"
    assert run_time(None, NOW) == NOW


def _job(created: datetime, **extra: object) -> dict[str, object]:
    return {"status": "pending", "created_at": created.isoformat().replace("+00:00", "Z"), **extra}


def test_a_pending_job_is_stuck_once_the_queue_could_hold_it_no_longer():
    assert stuck(_job(NOW - STUCK_AFTER), NOW)
    assert not stuck(_job(NOW - STUCK_AFTER + timedelta(seconds=1)), NOW)


def test_a_job_waiting_for_ses_counts_from_the_end_of_its_wait():
    deferred = (NOW - timedelta(minutes=5)).isoformat()
    assert not stuck(_job(NOW - timedelta(hours=3), deferred_until=deferred), NOW)
    assert stuck(_job(NOW - timedelta(hours=3), deferred_until=(NOW - STUCK_AFTER).isoformat()), NOW)


def test_only_a_pending_job_is_stuck():
    for status in ("sending", "sent", "failed", "skipped"):
        assert not stuck({**_job(NOW - timedelta(days=1)), "status": status}, NOW)


def test_a_followups_reference_names_its_sequence_step_and_confirmation():
    followup = {"sequence": "sequence-v1", "step": "day3", "sk": "FOLLOWUP#sequence-v1#day3#2026-11-20T08:00:00Z"}
    assert followup_reference(followup) == "sequence-v1#day3#2026-11-20T08:00:00Z"
    again = {**followup, "sk": "FOLLOWUP#sequence-v1#day3#2026-11-25T08:00:00Z"}
    assert followup_reference(again) != followup_reference(followup), "a second schedule's same step is its own"
