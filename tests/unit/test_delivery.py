"""The sender's decisions, with fakes for the table, SES and the queue: exactly once, errors by class."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pijnreset.content.emails import email_templates
from pijnreset.content.loader import default_templates_dir
from pijnreset.logic.email.deliverer import EmailDeliverer
from pijnreset.logic.email.envelopes import EmailLinks
from pijnreset.logic.email.rules import (
    MAX_DELAY_SECONDS,
    QUOTA_JITTER_SECONDS,
    QUOTA_WAIT_SECONDS,
    SEND_OVERHEAD_SECONDS,
    Pacer,
    classify,
    queue_delay,
    retry_delay,
    send_margin,
    time_for_a_send,
)
from pijnreset.logic.scoring import score
from pijnreset.models.email import JobData, SenderIdentity
from pijnreset.models.email_errors import RetryLater, SendError
from pijnreset.models.jobs import Claimed, JobMessage, NotClaimable
from pijnreset.timestamps import iso

from tests.support.answers import answers_with

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
MESSAGE = JobMessage(pk="LEAD#" + "a" * 32, sk="EMAIL#result#1")
SES_TIMEOUT = 10.0  # the fake mailer's: as long as the real one's client waits for SES
SEND_MARGIN = SES_TIMEOUT + SEND_OVERHEAD_SECONDS


class FakeClock:
    """The time the sender goes by: NOW, until a test moves it."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class FakeStore:
    def __init__(self, result: dict[str, Any], status: str = "pending") -> None:
        self.status = status
        self.job = {"pk": MESSAGE.pk, "sk": MESSAGE.sk, "kind": "result", "submission_sk": "SUBMISSION#1"}
        self.lead: dict[str, Any] | None = {"email": "anna@example.nl", "name": "Anna", "lead_id": "a" * 32}
        self.suppression: dict[str, Any] | None = None
        self.intake: dict[str, Any] | None = None
        self.submission = {
            "result": result,
            "submission_id": "5d646076-89f2-4bd3-b080-22ae9c727e2d",
            "created_at": "2026-11-26T09:00:00.000Z",
        }
        self.events: list[str] = []
        self.claims = 0
        self.deferred_until: str | None = None

    def claim(self, pk, sk, claim_id, now, stale_before):
        self.claims += 1
        if self.status != "pending":
            return NotClaimable(self.status if self.status != "gone" else None)
        self.status = "sending"
        return Claimed({**self.job, "claim_id": claim_id})

    def load(self, job, now):
        return JobData(
            job=job, lead=self.lead, submission=self.submission, intake=self.intake, suppression=self.suppression
        )

    def mark_sent(self, job, now, message_id, template_version):
        self.status = "sent"
        self.events.append(f"sent:{message_id}")

    def mark_failed(self, job, now, reason):
        self.status = "failed"
        self.events.append(f"failed:{reason}")

    def mark_skipped(self, job, now, reason):
        self.status = "skipped"
        self.events.append("skipped")

    def release(self, job, reason, deferred_until=None):
        self.status = "pending"
        self.deferred_until = deferred_until
        self.events.append(f"released:{reason}")


class FakeMailer:
    read_timeout_seconds = SES_TIMEOUT

    def __init__(self, *errors: SendError) -> None:
        self.errors = list(errors)
        self.sent: list[bytes] = []

    def send(self, raw, sender, recipient):
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append(raw)
        return f"ses-{len(self.sent)}"


class FakeQueue:
    def __init__(self) -> None:
        self.messages: list[tuple[JobMessage, int]] = []

    def enqueue(self, message, delay_seconds=0):
        self.messages.append((message, delay_seconds))


@pytest.fixture
def make(content, questionnaire):
    result = score(content, answers_with(questionnaire, item_value=1)).model_dump(mode="json")

    def build(*errors: SendError, status: str = "pending", pacer: Pacer | None = None):
        store, mailer, queue = FakeStore(result, status), FakeMailer(*errors), FakeQueue()
        deliverer = EmailDeliverer(
            store=store,
            mailer=mailer,
            queue=queue,
            templates=email_templates(default_templates_dir()),
            content=content,
            identity=SenderIdentity("pijntest@pijnresetcoach.nl", "Pijn Reset Methode", "coach@pijnresetcoach.nl"),
            links=EmailLinks(
                "https://www.pijnresetcoach.nl/pijntest",
                "https://api.example.nl",
                lambda purpose, lead_id, expires, ref=None: f"{purpose}-{lead_id}-{expires}-{ref}",
            ),
            pacer=pacer or Pacer(1000, clock=lambda: 0.0, sleep=lambda _: None),
            claim_stale=timedelta(minutes=2),
            delay_policy=lambda error_class, attempt: retry_delay(error_class, attempt, jitter=lambda: 1.0),
            clock=FakeClock(),
        )
        return deliverer, store, mailer, queue

    return build


def test_a_pending_job_is_sent_and_marked(make):
    deliverer, store, mailer, _ = make()
    assert deliverer.deliver(MESSAGE).outcome == "sent"
    assert len(mailer.sent) == 1
    assert store.events == ["sent:ses-1"]


@pytest.mark.parametrize("status", ["sent", "failed", "skipped"])
def test_a_finished_job_is_never_sent_again(make, status):
    deliverer, _, mailer, _ = make(status=status)
    delivery = deliverer.deliver(MESSAGE)
    assert (delivery.outcome, delivery.reason) == ("already_done", status)
    assert mailer.sent == []


def test_a_job_another_sender_holds_comes_back_later(make):
    deliverer, _, mailer, _ = make(status="sending")
    with pytest.raises(RetryLater):
        deliverer.deliver(MESSAGE)
    assert mailer.sent == []


def test_a_vanished_job_is_acknowledged(make):
    deliverer, _, _, _ = make(status="gone")
    assert deliverer.deliver(MESSAGE).outcome == "gone"


def test_throttling_releases_the_job_and_requeues_with_backoff(make):
    deliverer, store, mailer, queue = make(SendError("TooManyRequestsException", "Maximum sending rate exceeded."))
    delivery = deliverer.deliver(MESSAGE)
    assert (delivery.outcome, delivery.error_class) == ("deferred", "throttled")
    assert store.status == "pending"
    assert queue.messages == [(MESSAGE.next_attempt(), 4)]
    assert mailer.sent == []


QUOTA = SendError("Throttling", "Daily message quota exceeded.")


def test_the_daily_quota_waits_hours_carried_by_the_message(make):
    deliverer, store, mailer, queue = make(QUOTA)
    delivery = deliverer.deliver(MESSAGE)
    assert (delivery.outcome, delivery.error_class) == ("deferred", "quota_exceeded")
    wait = timedelta(seconds=QUOTA_WAIT_SECONDS + QUOTA_JITTER_SECONDS)  # the fixture's jitter is 1.0
    assert queue.messages == [(MESSAGE.next_attempt(NOW + wait), MAX_DELAY_SECONDS)]
    assert (store.status, store.deferred_until) == ("pending", iso(NOW + wait))
    assert mailer.sent == []


def test_the_quota_wait_is_hours_with_up_to_an_hour_of_jitter():
    shortest = retry_delay("quota_exceeded", 0, jitter=lambda: 0.0)
    longest = retry_delay("quota_exceeded", 7, jitter=lambda: 0.999)
    assert 2 * 3600 <= shortest < longest <= 3 * 3600
    assert retry_delay("sending_paused", 3, jitter=lambda: 0.5) == MAX_DELAY_SECONDS, "paused sending: unchanged"


def test_a_message_back_before_its_time_goes_back_on_the_queue_untouched(make):
    deliverer, store, mailer, queue = make(QUOTA)  # SES would refuse, if it were asked
    waiting = MESSAGE.next_attempt(NOW + timedelta(hours=2))
    for minutes, delay in [(0, 900), (100, 900), (110, 600), (119.99, 1)]:
        deliverer.clock = FakeClock(NOW + timedelta(minutes=minutes))
        delivery = deliverer.deliver(waiting)
        assert (delivery.outcome, delivery.error_class) == ("waiting", None)
        assert queue.messages[-1] == (waiting, delay), "the same message: its attempt does not count up"
    assert (store.claims, store.events, mailer.errors, mailer.sent) == (0, [], [QUOTA], [])


def test_after_the_quota_wait_the_email_is_sent_exactly_once(make):
    deliverer, store, mailer, queue = make(QUOTA)
    clock, message = FakeClock(), MESSAGE
    deliverer.clock = clock
    outcomes = []
    for _ in range(20):
        outcomes.append(deliverer.deliver(message).outcome)
        if not queue.messages:
            break
        message, delay = queue.messages.pop()
        clock.now += timedelta(seconds=delay)  # as SQS delays it
    assert outcomes[0] == "deferred"
    assert set(outcomes[1:-1]) == {"waiting"}
    assert 8 <= len(outcomes) - 2 <= 12, "2 to 3 hours in hops of 15 minutes"
    assert outcomes[-1] == "sent"
    assert clock.now - NOW >= timedelta(seconds=QUOTA_WAIT_SECONDS)
    assert (store.claims, len(mailer.sent)) == (2, 1)
    assert deliverer.deliver(message).outcome == "already_done"
    assert len(mailer.sent) == 1


def test_a_message_without_a_wait_and_one_past_it_are_delivered_at_once(make):
    for message in (MESSAGE, MESSAGE.next_attempt(NOW - timedelta(seconds=1))):
        deliverer, _, mailer, queue = make()
        assert deliverer.deliver(message).outcome == "sent"
        assert (len(mailer.sent), queue.messages) == (1, [])


def test_the_job_message_carries_its_wait_through_json():
    waiting = MESSAGE.next_attempt(NOW + timedelta(hours=2))
    assert JobMessage.model_validate_json(waiting.model_dump_json()) == waiting
    assert JobMessage.model_validate_json(json.dumps({"pk": MESSAGE.pk, "sk": MESSAGE.sk})).not_before is None
    assert MESSAGE.next_attempt().not_before is None


def test_a_rejection_fails_the_job_for_good(make):
    deliverer, store, _, queue = make(SendError("MessageRejected", "Email address is not verified."))
    assert deliverer.deliver(MESSAGE).outcome == "failed"
    assert store.events == ["failed:MessageRejected"]
    assert queue.messages == []


def test_an_unknown_error_releases_the_job_for_an_sqs_retry(make):
    deliverer, store, _, queue = make(SendError("InternalFailure", "boom"))
    with pytest.raises(RetryLater):
        deliverer.deliver(MESSAGE)
    assert store.status == "pending"
    assert queue.messages == []


def test_a_crash_while_sending_releases_the_claim(make):
    deliverer, store, mailer, _ = make()

    def explode(*_: Any) -> str:
        raise ConnectionError("network down")

    mailer.send = explode  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        deliverer.deliver(MESSAGE)
    assert store.events == ["released:delivery_error"]


def test_a_job_whose_lead_is_gone_is_skipped(make):
    deliverer, store, mailer, _ = make()
    store.lead = None
    assert deliverer.deliver(MESSAGE).outcome == "skipped"
    assert mailer.sent == []


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        ("TooManyRequestsException", "Maximum sending rate exceeded.", "throttled"),
        ("TooManyRequestsException", "Daily message quota exceeded.", "quota_exceeded"),
        ("Throttling", "Daily message quota exceeded", "quota_exceeded"),
        ("LimitExceededException", "Maximum sending rate exceeded.", "throttled"),
        ("SendingPausedException", "", "sending_paused"),
        ("AccountSuspendedException", "", "sending_paused"),
        ("MessageRejected", "", "rejected"),
        ("BadRequestException", "Illegal address", "rejected"),
        ("InternalFailure", "", "transient"),
        ("ServiceUnavailable", "", "transient"),
    ],
)
def test_classify(code, message, expected):
    assert classify(SendError(code, message)) == expected


def test_throttling_backoff_grows_and_is_capped():
    delays = [retry_delay("throttled", attempt, jitter=lambda: 1.0) for attempt in range(12)]
    assert delays[:4] == [4, 8, 16, 32]
    assert delays == sorted(delays)
    assert max(delays) == MAX_DELAY_SECONDS
    assert retry_delay("throttled", 0, jitter=lambda: 0.0) == 2


def test_queue_delay_is_whole_seconds_rounded_up_and_at_most_what_sqs_allows():
    assert [queue_delay(s) for s in (-5, 0, 0.1, 899.5, 900, 7200)] == [0, 0, 1, 900, 900, 900]


@pytest.mark.parametrize(
    ("seconds_left", "pacing_wait", "expected"),
    [
        (30, 0, True),
        (SEND_MARGIN, 0, True),
        (SEND_MARGIN - 0.01, 0, False),
        (20, 10, False),
        (SEND_MARGIN + 10, 10, True),
    ],
)
def test_a_send_starts_only_with_time_for_its_pacing_wait_and_a_margin(seconds_left, pacing_wait, expected):
    assert time_for_a_send(seconds_left, pacing_wait, send_margin(SES_TIMEOUT)) is expected


def test_the_send_margin_is_the_mailer_s_own_ses_timeout_and_the_calls_around_it(make):
    deliverer, _, mailer, _ = make()
    assert deliverer.send_margin_seconds == SEND_MARGIN
    mailer.read_timeout_seconds = 20.0  # a mailer that waits longer for SES needs more time left to start
    assert deliverer.send_margin_seconds == 20.0 + SEND_OVERHEAD_SECONDS
    assert deliverer.deliver(MESSAGE, seconds_left=20.0 + SEND_OVERHEAD_SECONDS - 0.01).outcome == "handed_back"
    assert deliverer.deliver(MESSAGE, seconds_left=20.0 + SEND_OVERHEAD_SECONDS).outcome == "sent"


class FakeInvocation:
    """A monotonic clock the pacer sleeps on, and a Lambda invocation's remaining time by it."""

    def __init__(self, timeout: float) -> None:
        self.now = 0.0
        self.deadline = timeout
        self.sends_at: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def seconds_left(self) -> float:
        return self.deadline - self.now


def test_a_slow_pace_hands_back_what_the_invocation_has_no_time_for_and_sends_each_once(make):
    invocation = FakeInvocation(timeout=30)
    pacer = Pacer(0.1, clock=lambda: invocation.now, sleep=invocation.sleep)  # one send per 10 s
    deliverer, store, mailer, queue = make(pacer=pacer)
    original_send = mailer.send

    def send(raw, sender, recipient):
        invocation.sends_at.append(invocation.now)
        invocation.now += 0.2  # SES's answer
        return original_send(raw, sender, recipient)

    mailer.send = send  # type: ignore[method-assign]
    batch = [JobMessage(pk=MESSAGE.pk, sk=f"EMAIL#result#{n}") for n in range(4)]
    outcomes = []
    for message in batch:
        store.status = "pending"  # the fake store holds one job: each message stands for another
        outcomes.append(deliverer.deliver(message, invocation.seconds_left()).outcome)
    assert outcomes == ["sent", "sent", "handed_back", "handed_back"]
    assert invocation.sends_at == [0.0, 10.0]
    assert all(invocation.deadline - at >= SEND_MARGIN for at in invocation.sends_at)
    assert queue.messages == [(batch[2], 10), (batch[3], 10)], "back on the queue as they were, after one interval"
    assert store.claims == 2, "a handed-back record is never claimed"


def test_the_pacer_tells_how_long_it_would_wait():
    now = [0.0]
    pacer = Pacer(0.5, clock=lambda: now[0], sleep=lambda seconds: None)
    assert pacer.pending_wait() == 0
    pacer.wait()
    now[0] = 0.5
    assert pacer.pending_wait() == pytest.approx(1.5)
    now[0] = 3
    assert pacer.pending_wait() == 0


def test_the_pacer_keeps_to_its_rate():
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(5, clock=lambda: now[0], sleep=sleep)
    for _ in range(6):
        pacer.wait()
    assert now[0] == pytest.approx(1.0)
    assert len(slept) == 5


def test_a_suppressed_address_gets_no_email_at_all(make):
    deliverer, store, mailer, _ = make()
    store.suppression = {"scope": "all", "reason": "complaint", "at": "2026-11-01T00:00:00.000Z"}
    delivery = deliverer.deliver(MESSAGE)
    assert (delivery.outcome, delivery.reason) == ("skipped", "suppressed")
    assert mailer.sent == []


@pytest.mark.parametrize(
    ("lead", "reason"),
    [
        ({}, "not_confirmed"),
        ({"marketing_confirmed_at": "2026-11-02"}, None),
        ({"marketing_confirmed_at": "2026-11-02", "unsubscribed_at": "2026-11-03"}, "unsubscribed"),
        ({"marketing_confirmed_at": "2026-11-04", "unsubscribed_at": "2026-11-03"}, None),
        ({"marketing_confirmed_at": "2026-11-02", "intake_requested_at": "2026-11-03"}, "intake_requested"),
        ({"marketing_confirmed_at": "2026-11-02", "urgent_flag_at": "2026-11-03"}, "urgent_flag"),
        # What a form alone sets only pauses them: an unverified urgent flag newer than the confirmation...
        ({"marketing_confirmed_at": "2026-11-02", "unverified_urgent_at": "2026-11-03"}, "urgent_flag_unverified"),
        ({"marketing_confirmed_at": "2026-11-04", "unverified_urgent_at": "2026-11-03"}, None),
        # ... and an intake while it is open (until the coach handles it, at most until it expires).
        ({"marketing_confirmed_at": "2026-11-02", "open_intake_until": int(NOW.timestamp()) + 60}, "intake_open"),
        ({"marketing_confirmed_at": "2026-11-02", "open_intake_until": int(NOW.timestamp()) - 60}, None),
    ],
)
def test_a_follow_up_is_sent_only_to_a_confirmed_lead_who_did_not_withdraw(make, lead, reason):
    deliverer, store, mailer, _ = make()
    store.job = {**store.job, "kind": "followup_breathing", "submission_sk": None}
    store.lead = {"email": "anna@example.nl", "name": "Anna", "lead_id": "a" * 32, **lead}
    delivery = deliverer.deliver(MESSAGE)
    assert delivery.reason == reason
    assert len(mailer.sent) == (1 if reason is None else 0)
    if reason is None:
        raw = mailer.sent[0].decode()
        assert "List-Unsubscribe: <https://api.example.nl/unsubscribe?token=unsubscribe-" in raw
        assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw


def test_a_marketing_marker_kept_after_erasure_blocks_follow_ups_until_a_new_confirmation(make):
    deliverer, store, mailer, _ = make()
    store.job = {**store.job, "kind": "followup_patterns", "submission_sk": None}
    store.suppression = {"scope": "marketing", "at": "2026-11-10T00:00:00.000Z"}
    store.lead = {**(store.lead or {}), "marketing_confirmed_at": "2026-11-01T00:00:00.000Z"}
    assert deliverer.deliver(MESSAGE).reason == "unsubscribed"
    later, store2, mailer2, _ = make()
    store2.job = {**store2.job, "kind": "followup_patterns", "submission_sk": None}
    store2.suppression = {"scope": "marketing", "at": "2026-11-10T00:00:00.000Z"}
    store2.lead = {**(store2.lead or {}), "marketing_confirmed_at": "2026-11-20T00:00:00.000Z"}
    assert later.deliver(MESSAGE).outcome == "sent"
    assert mailer.sent == []
    assert len(mailer2.sent) == 1


def test_the_result_email_goes_out_whatever_the_marketing_state(make):
    deliverer, store, _, _ = make()
    store.lead = {**(store.lead or {}), "unsubscribed_at": "2026-11-03", "urgent_flag_at": "2026-11-03"}
    assert deliverer.deliver(MESSAGE).outcome == "sent"


def test_a_lead_s_suppression_does_not_stop_the_coach_s_own_notification(make):
    deliverer, store, mailer, _ = make()
    store.job = {**store.job, "kind": "intake_coach"}
    store.suppression = {"scope": "all", "reason": "bounce", "at": "2026-11-01T00:00:00.000Z"}
    store.intake = {
        "request_id": "5d646076-89f2-4bd3-b080-22ae9c727e2c",
        "name": "Anna",
        "email": "anna@example.nl",
        "preferred_contact": "email",
        "created_at": "2026-11-27T10:00:00.000Z",
    }
    assert deliverer.deliver(MESSAGE).outcome == "sent"
    assert b"To: coach@pijnresetcoach.nl" in mailer.sent[0]
