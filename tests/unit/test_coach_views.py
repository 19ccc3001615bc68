"""The dashboard's rules (logic/coach_views.py, logic/csv_export.py): the states that stand out, the date range
as the month index reads it, and the CSV as Dutch Excel opens it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pijnreset.logic import coach_views, csv_export

NOW = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)


def test_a_dutch_day_range_is_its_utc_bounds_and_months_newest_first():
    window = coach_views.window(date(2026, 11, 1), date(2026, 12, 2), NOW)
    assert (window.start, window.end) == ("2026-10-31T23:00:00.000Z", "2026-12-02T23:00:00.000Z")
    assert window.months == ("2026-12", "2026-11", "2026-10")


def test_the_default_range_is_this_month_and_the_twelve_before():
    window = coach_views.window(None, None, NOW)
    assert window.start == "2025-11-30T23:00:00.000Z"
    assert len(window.months) == 14  # the first Dutch midnight is in the UTC month before


@pytest.mark.parametrize(
    ("first", "last", "problem"),
    [(date(2026, 12, 2), date(2026, 1, 1), "after_to"), (date(1990, 1, 1), None, "range_too_long")],
)
def test_a_bad_range_names_from(first, last, problem):
    with pytest.raises(coach_views.BadRange) as raised:
        coach_views.window(first, last, NOW)
    assert (raised.value.field, raised.value.problem) == ("from", problem)


@pytest.mark.parametrize(
    ("lead", "state"),
    [
        ({}, "none"),
        ({"marketing_requested_at": "2026-01-01"}, "requested"),
        ({"marketing_requested_at": "2026-01-01", "marketing_confirmed_at": "2026-01-02"}, "confirmed"),
        ({"marketing_confirmed_at": "2026-01-02", "unsubscribed_at": "2026-02-01"}, "unsubscribed"),
        ({"unsubscribed_at": "2026-02-01", "marketing_requested_at": "2026-03-01"}, "requested"),
    ],
)
def test_the_latest_of_request_confirmation_and_unsubscribe_is_the_opt_in_state(lead, state):
    assert coach_views.optin_state(lead) == state


def test_an_urgent_flag_at_any_test_stands_out_verified_or_not():
    assert coach_views.is_urgent({"unverified_urgent_at": "x", "latest_triage": "none"})
    assert coach_views.is_urgent({"urgent_flag_at": "x"})
    assert not coach_views.is_urgent({"latest_triage": "see_gp"})


def test_an_open_intake_pauses_the_follow_ups_and_a_genuine_one_stops_them():
    confirmed = {"marketing_requested_at": "a", "marketing_confirmed_at": "b"}
    open_until = int(NOW.timestamp()) + 60
    assert coach_views.followup_state(confirmed, [], NOW).state == "active"
    assert coach_views.followup_state({**confirmed, "open_intake_until": open_until}, [], NOW).state == "paused"
    assert coach_views.followup_state({**confirmed, "intake_requested_at": "c"}, [], NOW).state == "stopped"


def test_the_csv_has_a_bom_semicolons_crlf_and_no_formula_runs():
    text = csv_export.document(["a", "b"], [{"a": "=1+1", "b": "x;y"}, {"a": True, "b": None}])
    assert text == '\ufeffa;b\r\n\'=1+1;"x;y"\r\nja;\r\n'
    assert csv_export.cell("-5") == "'-5"
    assert csv_export.cell(["weekday_evening", "saturday"]) == "weekday_evening,saturday"
