"""How the sender reacts to what SES says: by class of error, never by botocore's retry rules.

botocore's standard retry mode counts SES's "Daily message quota exceeded" as plain throttling and would
hammer it; the sender's SES client does not retry, and this module decides instead.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

# SQS can delay a message by at most 15 minutes; a longer wait is several such hops.
MAX_DELAY_SECONDS = 900
THROTTLE_BASE_SECONDS = 4

ErrorClass = Literal["throttled", "quota_exceeded", "sending_paused", "rejected", "transient"]

_THROTTLING_CODES = {"Throttling", "ThrottlingException", "TooManyRequestsException", "LimitExceededException"}
_PAUSED_CODES = {"SendingPausedException", "AccountSuspendedException", "MailFromDomainNotVerifiedException"}
_REJECTED_CODES = {"MessageRejected", "BadRequestException", "InvalidParameterValue"}


@dataclass(frozen=True)
class SendError(Exception):
    """SES refused a send: its error code and message, as returned."""

    code: str
    message: str


def classify(error: SendError) -> ErrorClass:
    if error.code in _THROTTLING_CODES:
        return "quota_exceeded" if "daily" in error.message.lower() else "throttled"
    if error.code in _PAUSED_CODES:
        return "sending_paused"
    if error.code in _REJECTED_CODES:
        return "rejected"
    return "transient"


def retry_delay(error_class: ErrorClass, attempt: int, jitter: Callable[[], float] = random.random) -> int:
    """Seconds to wait before the next try. Throttling backs off exponentially with jitter; a used-up daily
    quota or paused sending waits the longest SQS allows, again and again, until SES sends again."""
    if error_class == "throttled":
        exponential = THROTTLE_BASE_SECONDS * 2 ** min(attempt, 10)
        return int(min(MAX_DELAY_SECONDS, exponential * (0.5 + jitter() / 2)))
    return MAX_DELAY_SECONDS


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

    def wait(self) -> None:
        now = self._clock()
        if now < self._next:
            self._sleep(self._next - now)
            now = self._next
        self._next = now + self.interval
