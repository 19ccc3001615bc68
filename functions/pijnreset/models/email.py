"""What the email pipeline passes between its layers: a job with its items, what to send to whom, the outcome.

Plain values without behaviour: the data layer returns ``JobData``, the envelope builders
(``logic/email/envelopes.py``) turn it into an ``Envelope``, and the deliverer hands the handler a
``Delivery`` to count and log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# How the sender treats an error SES answered with (``logic/email/rules.py`` tells which class it is).
ErrorClass = Literal["throttled", "quota_exceeded", "sending_paused", "rejected", "transient"]

# waiting: came back before its not_before and went back on the queue; handed_back: no time left in this
# invocation to send it, back on the queue. Neither touched the job or SES.
# sent_unmarked: SES accepted it, but the "sent" mark could not be written; the job stays claimed.
Outcome = Literal[
    "sent", "sent_unmarked", "already_done", "gone", "failed", "deferred", "skipped", "waiting", "handed_back"
]


@dataclass(frozen=True)
class JobData:
    """A claimed job with the live items it refers to (None: the job names none, it is gone, or it expired)."""

    job: dict[str, Any]
    lead: dict[str, Any] | None
    submission: dict[str, Any] | None = None
    intake: dict[str, Any] | None = None
    suppression: dict[str, Any] | None = None


@dataclass(frozen=True)
class SenderIdentity:
    """Who the emails come from, and the coach's own address."""

    address: str
    name: str
    coach_address: str  # the Reply-To of visitors' emails, and the recipient of the coach's own


@dataclass(frozen=True)
class Attachment:
    """A file the email carries: ``content_type`` is the MIME type, ``params`` its parameters (method=REQUEST)."""

    filename: str
    content_type: str
    content: bytes
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Envelope:
    """One email of a job before rendering: to whom, which template variant, what it shows, extra headers."""

    recipient_email: str
    recipient_name: str
    variant: str
    context: dict[str, Any]
    # Where replies go; None: to the coach, as for every email a visitor gets.
    reply_to_email: str | None = None
    reply_to_name: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Delivery:
    """What became of one message of the email queue; the handler turns it into one metric and one log line."""

    outcome: Outcome
    kind: str | None = None
    reason: str | None = None
    error_class: ErrorClass | None = None
