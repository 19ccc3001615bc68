"""How the sender treats SES: errors by class (never by botocore's retry rules), waits, and its send rate.

botocore's standard retry mode counts SES's "Daily message quota exceeded" as plain throttling and would
hammer it; the sender's SES client does not retry, and this module decides instead. The pacer keeps each
sender under its share of the account's send rate, and ``time_for_a_send`` keeps a send from starting
without the time to finish it.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable

from pijnreset.models.email import ErrorClass
from pijnreset.models.email_errors import SendError

# SQS can delay a message by at most 15 minutes; a longer wait is several such hops.
MAX_DELAY_SECONDS = 900
THROTTLE_BASE_SECONDS = 4
# SES counts the daily quota over a rolling 24 hours, so capacity comes back bit by bit as the sends of a
# day earlier age out, not at midnight. Trying again after 2 hours lets some of it come back without
# holding a visitor's result back for a day; up to an hour of jitter spreads a backlog out, so that it
# does not all return at once and spend what came back in one burst (each early try costs one refused
# SES call per job, no email).
QUOTA_WAIT_SECONDS = 2 * 3600
QUOTA_JITTER_SECONDS = 3600

# A send starts only with time left for all of it: SES's slowest answer (the mailer's own timeout) plus this
# much for the calls around it: the claim, the reads and rendering, and the "sent" mark (a timeout between
# SES's answer and that mark is the one way an email could go out twice).
SEND_OVERHEAD_SECONDS = 3

_THROTTLING_CODES = {"Throttling", "ThrottlingException", "TooManyRequestsException", "LimitExceededException"}
_PAUSED_CODES = {"SendingPausedException", "AccountSuspendedException", "MailFromDomainNotVerifiedException"}
_REJECTED_CODES = {"MessageRejected", "BadRequestException", "InvalidParameterValue"}


def classify(error: SendError) -> ErrorClass:
    """What kind of refusal SES's error code (and, for throttling, its message) stands for."""
    if error.code in _THROTTLING_CODES:
        return "quota_exceeded" if "daily" in error.message.lower() else "throttled"
    if error.code in _PAUSED_CODES:
        return "sending_paused"
    if error.code in _REJECTED_CODES:
        return "rejected"
    return "transient"


def retry_delay(error_class: ErrorClass, attempt: int, jitter: Callable[[], float] = random.random) -> int:
    """Seconds to wait before SES is tried again for a job. Throttling backs off exponentially with jitter;
    a used-up daily quota waits hours (longer than SQS can delay a message: see ``queue_delay``); paused
    sending waits the longest SQS allows, again and again, until SES sends again."""
    if error_class == "throttled":
        exponential = THROTTLE_BASE_SECONDS * 2 ** min(attempt, 10)
        return int(min(MAX_DELAY_SECONDS, exponential * (0.5 + jitter() / 2)))
    if error_class == "quota_exceeded":
        return QUOTA_WAIT_SECONDS + int(QUOTA_JITTER_SECONDS * jitter())
    return MAX_DELAY_SECONDS


def queue_delay(wait_seconds: float) -> int:
    """The SQS delay for the next hop of a wait: all of it, or the most SQS allows (whole seconds, rounded
    up, so that a message never arrives before its time)."""
    return max(0, min(MAX_DELAY_SECONDS, math.ceil(wait_seconds)))


def send_margin(ses_timeout: float) -> float:
    """The time a send needs besides its pacing wait: SES's slowest answer and the calls around it."""
    return ses_timeout + SEND_OVERHEAD_SECONDS


def time_for_a_send(seconds_left: float, pacing_wait: float, margin: float) -> bool:
    """Whether an invocation with ``seconds_left`` may still start a send that must first wait
    ``pacing_wait`` for the pacer, with ``margin`` (see ``send_margin``) to spare for the send itself."""
    return seconds_left >= pacing_wait + margin


class Pacer:
    """Keeps one sender under its share of the SES send rate: at most ``rate`` sends per second."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0

    def pending_wait(self) -> float:
        """How long ``wait`` would sleep if called now."""
        return max(0.0, self._next - self._clock())

    def wait(self) -> None:
        """Sleeps until the next send is due by the rate, and books the slot after it."""
        now = self._clock()
        if now < self._next:
            self._sleep(self._next - now)
            now = self._next
        self._next = now + self.interval
