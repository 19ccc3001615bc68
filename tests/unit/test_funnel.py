"""What a request counts in (logic/funnel.py): the Dutch day, a normalised source, nothing of a person."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pijnreset.dal.funnel import counter_sk, funnel_items, funnel_pk, overflowed, with_funnel
from pijnreset.logic.funnel import (
    NONE,
    OVERFLOW,
    SOURCE_VALUE_LENGTH,
    funnel_day,
    funnel_source,
    normalised,
    plan_count,
)


@pytest.mark.parametrize(
    ("given", "counted"),
    [
        (" Instagram ", "instagram"),
        ("Nieuwsbrief Maart 2027", "nieuwsbrief-maart-2027"),
        ("fb_ads.v2", "fb_ads.v2"),
        ("<script>alert(1)</script>", "script-alert-1-script"),
        ("#FUNNEL#x", "funnel-x"),
        ("   ", NONE),
        ("", NONE),
        ("€€€", NONE),
        (None, NONE),
        (42, NONE),
        ("a" * 500, "a" * SOURCE_VALUE_LENGTH),
    ],
)
def test_a_source_value_is_lower_case_limited_and_never_a_key_separator(given, counted):
    assert normalised(given) == counted


def test_only_the_three_utm_fields_are_counted():
    source = funnel_source(
        {"utm_source": "Google", "utm_medium": "CPC", "utm_term": "rugpijn", "referrer": "https://x.example/?e=a@b.nl"}
    )
    assert (source.source, source.medium, source.campaign) == ("google", "cpc", NONE)


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2026, 12, 31, 22, 59, tzinfo=UTC), date(2026, 12, 31)),
        (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), date(2027, 1, 1)),  # midnight in Amsterdam (CET)
        (datetime(2026, 6, 30, 21, 59, tzinfo=UTC), date(2026, 6, 30)),
        (datetime(2026, 6, 30, 22, 0, tzinfo=UTC), date(2026, 7, 1)),  # midnight in Amsterdam (CEST)
    ],
)
def test_a_moment_counts_on_the_coachs_day(moment, day):
    assert funnel_day(moment) == day


def test_a_count_adds_each_step_once_to_one_counter_and_its_source_to_the_registry():
    count = plan_count(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "pijntest-v1", {"utm_source": "X"}, "completed")
    counter, registry = funnel_items("leads", count)
    assert counter["Update"]["Key"] == {
        "pk": {"S": "FUNNEL#2027-01"},
        "sk": {"S": "COUNT#2027-01-01#pijntest-v1#x#(none)#(none)"},
    }
    assert counter["Update"]["UpdateExpression"].endswith("ADD #completed :one")
    assert "ConditionExpression" not in counter["Update"], "a count never fails a form"
    assert registry["Update"]["ExpressionAttributeValues"][":value"] == {"SS": ["x#(none)#(none)"]}
    assert "size(seen) < :cap" in registry["Update"]["ConditionExpression"]


def test_an_overflowed_count_needs_no_registry_and_a_failed_registry_is_recognised():
    count = plan_count(datetime(2026, 5, 1, tzinfo=UTC), "v1", None, "started").overflowed()
    assert count.source == OVERFLOW
    items, registry = with_funnel("leads", [{"Put": {}}], count)
    assert (len(items), registry) == (2, None)
    items, registry = with_funnel("leads", [{"Put": {}}], plan_count(datetime(2026, 5, 1, tzinfo=UTC), "v1", None))
    assert registry == 2
    assert overflowed(["None", "None", "ConditionalCheckFailed"], registry)
    assert not overflowed(["ConditionalCheckFailed", "None", "None"], registry)


def test_keys_sort_by_day_within_a_month():
    day = date(2026, 3, 9)
    assert funnel_pk(day) == "FUNNEL#2026-03"
    assert counter_sk(day, "v1", OVERFLOW) < counter_sk(date(2026, 3, 10), "v1", OVERFLOW)
