"""The funnel report (GET /coach/api/funnel, its CSV, the weekly digest): what the query asks, the counts summed
per period and group, and the conversion between steps (pure; dal/funnel.py reads the rows).

A query names ``from``/``to`` (Dutch calendar days, both included; at most ``MAX_RANGE_DAYS``), ``by``
(source, campaign or none) and ``group`` (day or week: ISO weeks, Monday to Sunday, the coach's). Counts of all
questionnaire versions are summed. ``conversion[step]`` is the step's count divided by the count of the step
before it in ``FUNNEL_ORDER`` (None when that is 0); ``unsubscribed`` has none. docs/funnel.md shows the shape.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any, Literal, get_args

from pijnreset.logic.answers import FieldProblem
from pijnreset.logic.funnel import STEPS, FunnelRow, Grouping, Step

Period = Literal["day", "week"]
MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 28
# The steps a visitor takes one after another; conversion is each one's share of the one before.
FUNNEL_ORDER: tuple[Step, ...] = STEPS[: STEPS.index("booked") + 1]
CSV_BOM = "\ufeff"


@dataclass(frozen=True)
class ReportQuery:
    from_day: date
    to_day: date
    by: Grouping = "source"
    group: Period = "day"


class QueryProblems(Exception):
    """The query's invalid parameters, each named (the handler's 400)."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__(", ".join(problem.field for problem in problems))
        self.problems = problems


def _day(value: str | None, name: str, problems: list[FieldProblem]) -> date | None:
    """``YYYY-MM-DD`` (nothing else ``date.fromisoformat`` would take, such as ``20261202``)."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    problems.append(FieldProblem(name, "date_invalid"))
    return None


def parse_query(params: Mapping[str, str | None], today: date) -> ReportQuery:
    """The query of ``params`` (``from``, ``to``, ``by``, ``group``; all optional: the last 28 days up to
    ``today``, by source, per day); QueryProblems naming every bad one."""
    problems: list[FieldProblem] = []
    from_day, to_day = _day(params.get("from"), "from", problems), _day(params.get("to"), "to", problems)
    by, group = params.get("by") or "source", params.get("group") or "day"
    if by not in get_args(Grouping):
        problems.append(FieldProblem("by", "literal_error"))
    if group not in get_args(Period):
        problems.append(FieldProblem("group", "literal_error"))
    if problems:
        raise QueryProblems(problems)
    end = to_day or (from_day + timedelta(days=DEFAULT_RANGE_DAYS - 1) if from_day else today)
    start = from_day or end - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if end < start:
        raise QueryProblems([FieldProblem("to", "range_reversed")])
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise QueryProblems([FieldProblem("to", "range_too_long")])
    return ReportQuery(start, end, by, group)  # type: ignore[arg-type]


def period_of(day: date, group: Period) -> tuple[str, date, date]:
    """The label, first and last day of the period ``day`` is in (a day, or its ISO week ``2026-W49``)."""
    if group == "day":
        return day.isoformat(), day, day
    year, week, weekday = day.isocalendar()
    monday = day - timedelta(days=weekday - 1)
    return f"{year}-W{week:02d}", monday, monday + timedelta(days=6)


def _zero() -> dict[Step, int]:
    return dict.fromkeys(STEPS, 0)


def _add(into: dict[Step, int], counts: Mapping[Step, int]) -> None:
    for step in STEPS:
        into[step] += counts.get(step, 0)


def conversion(counts: Mapping[Step, int]) -> dict[str, float | None]:
    """Each step's count as a share of the step before it (rounded to 4 places; None after a 0)."""
    shares: dict[str, float | None] = {}
    for before, step in pairwise(FUNNEL_ORDER):
        shares[step] = round(counts[step] / counts[before], 4) if counts[before] else None
    return shares


def _summed(counts: dict[Step, int]) -> dict[str, Any]:
    return {"counts": dict(counts), "conversion": conversion(counts)}


def funnel_report(rows: Iterable[FunnelRow], query: ReportQuery) -> dict[str, Any]:
    """The report's JSON body: the whole range's totals, per group, and per period (and group in it)."""
    total = _zero()
    groups: dict[str, dict[Step, int]] = defaultdict(_zero)
    periods: dict[tuple[str, date, date], dict[str, dict[Step, int]]] = defaultdict(lambda: defaultdict(_zero))
    for row in rows:
        if not query.from_day <= row.day <= query.to_day:
            continue
        _add(total, row.counts)
        _add(groups[row.group], row.counts)
        _add(periods[period_of(row.day, query.group)][row.group], row.counts)
    by_period = []
    for (label, start, end), in_period in sorted(periods.items(), key=lambda entry: entry[0][1]):
        period_total = _zero()
        for counts in in_period.values():
            _add(period_total, counts)
        by_period.append(
            {
                "period": label,
                "start": start.isoformat(),
                "end": end.isoformat(),
                **_summed(period_total),
                "groups": [{"group": name, **_summed(counts)} for name, counts in sorted(in_period.items())],
            }
        )
    return {
        "from": query.from_day.isoformat(),
        "to": query.to_day.isoformat(),
        "by": query.by,
        "group": query.group,
        "steps": list(STEPS),
        "total": _summed(total),
        "groups": [{"group": name, **_summed(counts)} for name, counts in sorted(groups.items())],
        "periods": by_period,
    }


def funnel_csv(report: Mapping[str, Any], step_labels: Mapping[str, str], columns: Mapping[str, str]) -> str:
    """The report's periods × groups as CSV for a spreadsheet: ``;``-separated, a UTF-8 BOM first (so Excel
    reads it as UTF-8), Dutch column titles from templates/funnel/."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [columns["period"], columns["start"], columns["end"], columns["group"], *(step_labels[s] for s in STEPS)]
    )
    for period in report["periods"]:
        for group in period["groups"]:
            writer.writerow(
                [period["period"], period["start"], period["end"], _cell(group["group"])]
                + [group["counts"][step] for step in STEPS]
            )
    return CSV_BOM + out.getvalue()


def _cell(value: str) -> str:
    """A spreadsheet never runs a cell as a formula (CSV injection): counted values are [a-z0-9._-()/]
    already, and this guard keeps it so whatever the normalisation becomes."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value
