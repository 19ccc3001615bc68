"""The coach's weekly digest (pure): which weeks it compares, and what it shows. Numbers only, never a person.

Sent on Monday morning for the week before it (Monday to Sunday, the coach's days in ``Europe/Amsterdam``),
against the week before that: the funnel's counts with their change, the open intakes, the red flags raised
(stored Pijntests with an urgent triage) and how many messages wait on each dead-letter queue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pijnreset.logic.funnel import STEPS, Step, funnel_day

# The report's rows, in the funnel's order; the red flags have a section of their own.
DIGEST_STEPS: tuple[Step, ...] = tuple(step for step in STEPS if step != "red_flag")


@dataclass(frozen=True)
class DigestWeeks:
    last_from: date
    last_to: date
    before_from: date
    before_to: date

    @property
    def label(self) -> str:
        """The ISO week the digest is about (``2026-W48``): its one-per-week key."""
        year, week, _ = self.last_from.isocalendar()
        return f"{year}-W{week:02d}"


def digest_weeks(now: datetime) -> DigestWeeks:
    """The whole week before the one ``now`` falls in (Amsterdam), and the week before that."""
    today = funnel_day(now)
    this_monday = today - timedelta(days=today.weekday())
    last_monday = this_monday - timedelta(days=7)
    before_monday = last_monday - timedelta(days=7)
    return DigestWeeks(last_monday, this_monday - timedelta(days=1), before_monday, last_monday - timedelta(days=1))


def change(now: int, before: int) -> str:
    """``+3``, ``-2`` or ``0``, with the relative change when the week before had any (``+50%``)."""
    difference = now - before
    sign = "+" if difference > 0 else ""
    if before == 0 or difference == 0:
        return f"{sign}{difference}"
    return f"{sign}{difference} ({sign}{round(100 * difference / before)}%)"


def digest_view(
    weeks: DigestWeeks,
    last: Mapping[str, int],
    before: Mapping[str, int],
    labels: Mapping[str, str],
    open_intakes: int,
    dead_letters: Mapping[str, int],
) -> dict[str, Any]:
    """The email's context: only counts and the labels of templates/funnel/ (``dead_letters``: a queue's
    description → the messages on it)."""
    return {
        "week": weeks.label,
        "last_from": weeks.last_from.isoformat(),
        "last_to": weeks.last_to.isoformat(),
        "before_from": weeks.before_from.isoformat(),
        "before_to": weeks.before_to.isoformat(),
        "rows": [
            {
                "label": labels[step],
                "count": last.get(step, 0),
                "before": before.get(step, 0),
                "change": change(last.get(step, 0), before.get(step, 0)),
            }
            for step in DIGEST_STEPS
        ],
        "red_flags": last.get("red_flag", 0),
        "red_flags_before": before.get("red_flag", 0),
        "open_intakes": open_intakes,
        "dead_letters": [{"queue": name, "messages": count} for name, count in dead_letters.items()],
        "dead_letters_total": sum(dead_letters.values()),
    }
