"""The funnel report (logic/funnel_report.py): the query's checks name the field, counts are summed per period
and group, conversion is each step's share of the one before, and the CSV opens in a Dutch spreadsheet."""

from __future__ import annotations

from datetime import date

import pytest
from pijnreset.content.funnel import load_funnel_words
from pijnreset.content.loader import default_templates_dir
from pijnreset.dal.funnel import counter_sk, parse_counter
from pijnreset.logic.funnel import STEPS, FunnelRow, FunnelSource
from pijnreset.logic.funnel_report import (
    CSV_BOM,
    MAX_RANGE_DAYS,
    QueryProblems,
    ReportQuery,
    funnel_csv,
    funnel_report,
    parse_query,
    period_of,
)

TODAY = date(2026, 12, 2)


def _problems(**params: str) -> list[tuple[str, str]]:
    with pytest.raises(QueryProblems) as raised:
        parse_query(params, TODAY)
    return [(problem.field, problem.type) for problem in raised.value.problems]


def test_the_defaults_are_the_last_28_days_by_source_per_day():
    assert parse_query({}, TODAY) == ReportQuery(date(2026, 11, 5), TODAY, "source", "day")
    assert parse_query({"from": "2026-11-01"}, TODAY).to_day == date(2026, 11, 28)


@pytest.mark.parametrize(
    ("params", "problems"),
    [
        ({"from": "2026-13-01"}, [("from", "date_invalid")]),
        ({"from": "20261201"}, [("from", "date_invalid")]),
        ({"to": "gisteren", "by": "city"}, [("to", "date_invalid"), ("by", "literal_error")]),
        ({"group": "month"}, [("group", "literal_error")]),
        ({"from": "2026-12-02", "to": "2026-12-01"}, [("to", "range_reversed")]),
        ({"from": "2025-01-01", "to": "2026-12-01"}, [("to", "range_too_long")]),
    ],
)
def test_a_bad_query_names_each_bad_field(params, problems):
    assert _problems(**params) == problems


def test_the_longest_range_is_allowed():
    query = parse_query({"from": "2025-12-02", "to": "2026-12-02"}, TODAY)
    assert (query.to_day - query.from_day).days + 1 == MAX_RANGE_DAYS


def test_weeks_are_iso_weeks_monday_to_sunday():
    assert period_of(date(2026, 12, 2), "week") == ("2026-W49", date(2026, 11, 30), date(2026, 12, 6))
    assert period_of(date(2027, 1, 1), "week") == ("2026-W53", date(2026, 12, 28), date(2027, 1, 3))


def _row(day: date, group: str, **counts: int) -> FunnelRow:
    return FunnelRow(day, group, "pijntest-v1", counts)  # type: ignore[arg-type]


ROWS = [
    _row(date(2026, 11, 30), "instagram/social", started=4, completed=2, lead=1),
    _row(date(2026, 12, 1), "instagram/social", started=6, completed=3, lead=2, optin_requested=1),
    _row(date(2026, 12, 7), "nieuwsbrief/email", started=2, completed=2, lead=0, intake_requested=1),
    _row(date(2026, 12, 20), "nieuwsbrief/email", started=99),  # outside the range
]


def test_the_report_sums_per_week_and_group_with_conversion():
    query = ReportQuery(date(2026, 11, 30), date(2026, 12, 13), "source", "week")
    report = funnel_report(ROWS, query)
    assert report["total"]["counts"] == {
        **dict.fromkeys(STEPS, 0),
        "started": 12,
        "completed": 7,
        "lead": 3,
        "optin_requested": 1,
        "intake_requested": 1,
    }
    assert report["total"]["conversion"]["completed"] == round(7 / 12, 4)
    assert report["total"]["conversion"]["optin_confirmed"] == 0.0
    assert report["total"]["conversion"]["intake_requested"] is None, "after a 0 there is no share"
    assert "unsubscribed" not in report["total"]["conversion"]
    assert [(p["period"], p["start"], p["end"], p["counts"]["started"]) for p in report["periods"]] == [
        ("2026-W49", "2026-11-30", "2026-12-06", 10),
        ("2026-W50", "2026-12-07", "2026-12-13", 2),
    ]
    assert [g["group"] for g in report["groups"]] == ["instagram/social", "nieuwsbrief/email"]
    assert report["periods"][0]["groups"][0]["counts"]["lead"] == 3


def test_the_csv_has_a_bom_semicolons_and_dutch_column_titles():
    words = load_funnel_words(default_templates_dir())
    query = ReportQuery(date(2026, 11, 30), date(2026, 12, 13), "source", "day")
    text = funnel_csv(funnel_report(ROWS, query), words.steps, words.columns)
    assert text.startswith(CSV_BOM)
    header, first, *_ = text[1:].split("\r\n")
    assert header.split(";")[:5] == ["Periode", "Van", "Tot en met", "Bron", "Test begonnen"]
    assert first.split(";")[:7] == ["2026-11-30", "2026-11-30", "2026-11-30", "instagram/social", "4", "2", "1"]


def test_the_words_name_every_counted_step():
    assert set(load_funnel_words(default_templates_dir()).steps) == set(STEPS)


def test_a_counter_s_key_reads_back_as_its_day_version_and_source():
    source = FunnelSource("instagram", "(none)", "black-friday.v2")
    assert parse_counter(counter_sk(date(2026, 12, 2), "pijntest-v1", source)) == (
        date(2026, 12, 2),
        "pijntest-v1",
        source,
    )
