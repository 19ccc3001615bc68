"""Delivers one email job exactly once, whatever SES does.

Claim (conditional update) -> load the items it names -> policy (or skip) -> envelope -> render -> MIME
-> send -> mark sent. A redelivered message finds the job sent and sends nothing. SES errors are handled by
class: throttling, a used-up daily quota and paused sending put the job back and its message on the queue
again with a delay; a rejected message fails the job for good; anything else releases the job and lets
SQS retry (then its dead-letter queue).

A wait longer than SQS can delay a message (a used-up daily quota: hours) travels with the message as
``not_before``. A message that arrives before then goes straight back on the queue for the next hop, with
no claim, no DynamoDB read and no SES call; its job stays pending, ``deferred_until`` that time, which
keeps the outbox sweep off it.

A record is started only with time left in the invocation for its pacing wait and its send (see
``time_for_a_send``; the send's margin is the mailer's own SES timeout and the calls around it); otherwise
its message is put back on the queue as it is, with a short delay. Not as a batch item failure: that would
hold it for the queue's visibility timeout and count a receive towards the dead-letter queue, though
nothing went wrong. Nothing is claimed by then, so nothing is undone; should the original be delivered
again as well, the claim still lets only one send through.

Once SES accepted the message, the job is never released: a "sent" mark that fails (DynamoDB throttled)
is tried again a few times, and if it still fails the job stays claimed ("sending") and the message is
done with (outcome "sent_unmarked", alarmed on its metric): releasing it would let the next delivery send
the email a second time. The one window left: the sender crashes (or times out) after SES accepted the
message and before the mark is written; the job then stays "sending" until its claim goes stale, and the
next delivery of its message sends it again. Nothing slow runs between the two calls.

An erasure request whose address is suppressed (a complaint, a hard bounce) cannot get its link; it reaches
the coach instead (``erase_request_coach``, with only the address), who erases with the CLI.

Every outside thing comes in: the table, SES and the queue as ports, the clock the sender goes by, the
pacer's monotonic clock and the pause between tries of the "sent" mark, so that a test can move time.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pijnreset.content.booking import InvitationTexts
from pijnreset.content.emails import EmailTemplates
from pijnreset.content.loader import Content
from pijnreset.logic.email.envelopes import EmailLinks, Sending, builder_for
from pijnreset.logic.email.mime import address, build_message
from pijnreset.logic.email.policy import ERASE_REQUEST_TO_COACH, skip_reason
from pijnreset.logic.email.rules import (
    MAX_DELAY_SECONDS,
    Pacer,
    classify,
    queue_delay,
    retry_delay,
    send_margin,
    time_for_a_send,
)
from pijnreset.logic.followups import confirmation_of
from pijnreset.models.email import Delivery, ErrorClass, JobData, SenderIdentity
from pijnreset.models.email_errors import JobNotRenderable, RetryLater, SendError
from pijnreset.models.jobs import Claimed, JobMessage, NotClaimable
from pijnreset.timestamps import iso


def utc_now() -> datetime:
    """The time the sender goes by, unless it is given another clock."""
    return datetime.now(UTC)


class JobStore(Protocol):
    def claim(self, pk: str, sk: str, claim_id: str, now: str, stale_before: str) -> Claimed | NotClaimable: ...
    def load(self, job: dict[str, Any], now: datetime) -> JobData: ...
    def mark_sent(self, job: dict[str, Any], now: str, message_id: str, template_version: str) -> None: ...
    def mark_failed(self, job: dict[str, Any], now: str, reason: str) -> None: ...
    def mark_skipped(self, job: dict[str, Any], now: str, reason: str) -> None: ...
    def release(self, job: dict[str, Any], reason: str, deferred_until: str | None = None) -> None: ...


class Mailer(Protocol):
    @property
    def read_timeout_seconds(self) -> float:
        """The longest a send waits for SES's answer; a send starts only with this, and a margin, left."""
        ...

    def send(self, raw: bytes, sender: str, recipient: str) -> str:
        """Sends the raw MIME message and returns SES's message id, or raises SendError."""
        ...


class Queue(Protocol):
    def enqueue(self, message: JobMessage, delay_seconds: int = 0) -> None: ...


@dataclass
class EmailDeliverer:
    """Delivers the job of one queue message at a time (see the module's docstring for how)."""

    store: JobStore
    mailer: Mailer
    queue: Queue
    templates: EmailTemplates
    content: Content
    identity: SenderIdentity
    links: EmailLinks
    pacer: Pacer
    claim_stale: timedelta
    delay_policy: Callable[[ErrorClass, int], int] = retry_delay
    backup_days: int = 7  # how far the table's backups reach back (the erasure email says so)
    video_room_url: str = ""  # the invitation's location of a video intake (VideoRoomUrl)
    invitation: InvitationTexts | None = None  # the invitation's words; None: templates/booking/invitation.yaml
    mark_attempts: int = 4  # tries of the "sent" mark once SES accepted the email
    pause: Callable[[float], None] = time.sleep
    clock: Callable[[], datetime] = utc_now

    @property
    def send_margin_seconds(self) -> float:
        """The time a send needs besides its pacing wait: the mailer's SES timeout and the calls around it."""
        return send_margin(self.mailer.read_timeout_seconds)

    def deliver(self, message: JobMessage, seconds_left: float = math.inf) -> Delivery:
        """Delivers the job of ``message`` now, by the clock; ``seconds_left``: how long the invocation may still
        run."""
        now = self.clock()
        if message.not_before is not None and now < message.not_before:
            self.queue.enqueue(message, queue_delay((message.not_before - now).total_seconds()))
            return Delivery("waiting", reason="not_before")
        if not time_for_a_send(seconds_left, self.pacer.pending_wait(), self.send_margin_seconds):
            self.queue.enqueue(message, queue_delay(self.pacer.interval))
            return Delivery("handed_back", reason="out_of_time")
        claim = self.store.claim(message.pk, message.sk, str(uuid.uuid4()), iso(now), iso(now - self.claim_stale))
        if not isinstance(claim, Claimed):
            if claim.status is None:
                return Delivery("gone", reason="job_not_found")
            if claim.status == "sending":
                raise RetryLater("another sender holds a fresh claim on this job")
            return Delivery("already_done", reason=claim.status)
        job = claim.job
        kind = str(job["kind"])
        try:
            return self._deliver_claimed(message, job, kind, now)
        except Exception:
            # Whatever went wrong, the job must not stay claimed: the message's next delivery retries it.
            self.store.release(job, "delivery_error")
            raise

    def _deliver_claimed(self, message: JobMessage, job: dict[str, Any], kind: str, now: datetime) -> Delivery:
        data = self.store.load(job, now)
        try:
            if data.lead is None:
                raise JobNotRenderable("lead or submission gone")
            scheduled_by = confirmation_of(str(job["followup_sk"])) if job.get("followup_sk") else None
            reason = skip_reason(kind, self.templates.category(kind), data.lead, data.suppression, scheduled_by, now)
            if reason == "suppressed" and kind == "erase_confirm":
                kind, reason = ERASE_REQUEST_TO_COACH, None  # no link can reach them: the coach erases
            if reason is not None:
                raise JobNotRenderable(reason)
            sending = Sending(
                self.content, self.links, self.identity, now, self.backup_days, self.video_room_url, self.invitation
            )
            envelope = builder_for(kind)(data, sending)
        except JobNotRenderable as skipped:
            self.store.mark_skipped(job, iso(now), str(skipped))
            return Delivery("skipped", kind, reason=str(skipped))

        rendered = self.templates.render(kind, envelope.variant, {"brand": self.identity.name, **envelope.context})
        raw = build_message(
            sender=address(self.identity.address, self.identity.name),
            recipient=address(envelope.recipient_email, envelope.recipient_name),
            reply_to=address(envelope.reply_to_email or self.identity.coach_address, envelope.reply_to_name),
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            sent_at=now,
            extra_headers=envelope.headers,
            attachments=envelope.attachments,
        )
        self.pacer.wait()
        try:
            message_id = self.mailer.send(raw, self.identity.address, envelope.recipient_email)
        except SendError as error:
            return self._after_refusal(message, job, kind, error, now)
        if not self._marked_sent(job, iso(now), message_id, rendered.version):
            return Delivery("sent_unmarked", kind, reason="mark_failed")
        return Delivery("sent", kind)

    def _marked_sent(self, job: dict[str, Any], now: str, message_id: str, version: str) -> bool:
        """Writes the "sent" mark, trying again on an error instead of releasing the claim (the email is out)."""
        for attempt in range(self.mark_attempts):
            try:
                self.store.mark_sent(job, now, message_id, version)
                return True
            except Exception:  # any DynamoDB error: the claim must hold, whatever it was
                if attempt + 1 < self.mark_attempts:
                    self.pause(0.2 * 2**attempt)
        return False

    def _after_refusal(
        self, message: JobMessage, job: dict[str, Any], kind: str, error: SendError, now: datetime
    ) -> Delivery:
        error_class = classify(error)
        if error_class == "rejected":
            self.store.mark_failed(job, iso(now), error.code)
            return Delivery("failed", kind, reason=error.code, error_class=error_class)
        if error_class == "transient":
            raise RetryLater(f"SES error {error.code}")  # released by deliver()
        wait = self.delay_policy(error_class, message.attempt)
        until = now + timedelta(seconds=wait)
        self.store.release(job, error.code, deferred_until=iso(until))
        self.queue.enqueue(message.next_attempt(until if wait > MAX_DELAY_SECONDS else None), queue_delay(wait))
        return Delivery("deferred", kind, reason=error.code, error_class=error_class)
