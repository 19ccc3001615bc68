"""The funnel's counts: which day, which source and which steps a request counts in (pure; dal/funnel.py
stores them).

Nothing of a person is counted: a count is a number per Dutch day (``Europe/Amsterdam``, the coach's day) ×
normalised ``utm_source``/``utm_medium``/``utm_campaign`` × questionnaire version. A source value is lower-cased,
trimmed, reduced to ``[a-z0-9._-]`` and cut to ``SOURCE_VALUE_LENGTH``; a missing one is ``NONE``. At most
``DISTINCT_SOURCES_PER_DAY`` distinct sources are counted per day; the rest count under ``OTHER``, so a crafted
URL cannot grow the counters without bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, get_args

from pijnreset.timestamps import COACH_TIME_ZONE

Step = Literal[
    "started",
    "completed",
    "lead",
    "optin_requested",
    "optin_confirmed",
    "intake_requested",
    "booked",
    "unsubscribed",
    "red_flag",
]
# The funnel's order is the Literal's; ``unsubscribed`` and ``red_flag`` (a stored Pijntest with an urgent
# triage) are no steps forward: they are reported beside the others.
STEPS: tuple[Step, ...] = get_args(Step)
Grouping = Literal["source", "campaign", "none"]

SOURCE_VALUE_LENGTH = 40
DISTINCT_SOURCES_PER_DAY = 50
NONE = "(none)"  # parentheses never survive normalisation, so these two never collide with a visitor's value
OTHER = "(other)"
_NOT_ALLOWED = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True)
class FunnelSource:
    source: str
    medium: str
    campaign: str

    @property
    def overflow(self) -> bool:
        return self.source == OTHER


OVERFLOW = FunnelSource(OTHER, OTHER, OTHER)


def normalised(value: object) -> str:
    """One ``utm_*`` value as it is counted: lower-case, ``[a-z0-9._-]`` (runs of anything else become ``-``)."""
    if not isinstance(value, str):
        return NONE
    cleaned = _NOT_ALLOWED.sub("-", value.strip().lower()).strip("-")[:SOURCE_VALUE_LENGTH]
    return cleaned or NONE


def funnel_source(source: dict[str, object] | None) -> FunnelSource:
    """The counted source of a request's ``source`` (the form's Source fields)."""
    given = source or {}
    return FunnelSource(
        normalised(given.get("utm_source")), normalised(given.get("utm_medium")), normalised(given.get("utm_campaign"))
    )


def funnel_day(moment: datetime) -> date:
    """The day a moment counts on: the coach's (Dutch) calendar day."""
    return moment.astimezone(COACH_TIME_ZONE).date()


@dataclass(frozen=True)
class FunnelCount:
    """What one request adds to the counts: ``steps`` once each, on ``day``, for ``source`` and ``version``."""

    day: date
    version: str
    source: FunnelSource
    steps: tuple[Step, ...]

    def overflowed(self) -> FunnelCount:
        return FunnelCount(self.day, self.version, OVERFLOW, self.steps)


@dataclass(frozen=True)
class FunnelRow:
    """The counts of one day, one group (a source ``source/medium``, a campaign, or ``all``) and one version."""

    day: date
    group: str
    version: str
    counts: dict[Step, int] = field(default_factory=dict)


def plan_count(moment: datetime, version: str, source: dict[str, object] | None, *steps: Step) -> FunnelCount:
    return FunnelCount(funnel_day(moment), version, funnel_source(source), steps)


def later_count(moment: datetime, version: str, source: FunnelSource, step: Step) -> FunnelCount:
    """A step taken later by a person a request brought (a confirmation, an unsubscribe): counted on the day it
    happens, under the version and source of that request."""
    return FunnelCount(funnel_day(moment), version, source, (step,))


def retry_after_hour(now: datetime) -> int:
    """Seconds until the client's hourly window (logic/caps.py) ends."""
    return max(1, 3600 - (now.minute * 60 + now.second))
