"""The email pipeline's errors: each raised in one layer and handled in another."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SendError(Exception):
    """SES refused a send: its error code and message, as returned (raised by the SES adapter, ``dal/mailer.py``;
    the deliverer reacts by the class ``logic/email/rules.py`` gives it)."""

    code: str
    message: str


class JobNotRenderable(Exception):
    """The job's email cannot or must not be built: an item it refers to is gone, or a send rule says no. The
    deliverer marks the job skipped, with the exception's text as the reason."""


class RetryLater(Exception):
    """The message should come back later through SQS (its receive count rises; the DLQ catches poison): the
    handler lets it through, so that the batch processor reports the record as failed."""
