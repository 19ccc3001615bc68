"""The funnel's counts: exact after started, completed, replayed, bot, opted-in, intake and erased traffic, by
source and day; a crafted URL cannot grow them past the day's cap; read with Query only (dal/funnel.py)."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from datetime import UTC, date, datetime

import boto3
import pytest
from pijnreset.dal.funnel import funnel_counts
from pijnreset.logic.funnel import DISTINCT_SOURCES_PER_DAY, OTHER, funnel_day
from pijnreset.settings import SubmitSettings

from tests.support.aws import scan_all
from tests.support.faults import aws_failing
from tests.support.payloads import changed, fresh, intake_request, resolved, started_a_minute_ago, submission


def _started(source: dict | None = None, **extra) -> dict:
    body = {"questionnaire_version": "pijntest-v1", "started_at": started_a_minute_ago(), **extra}
    return {**body, "source": source} if source is not None else body


def _counts(by: str = "source") -> dict:
    today = funnel_day(datetime.now(UTC))
    rows = funnel_counts(boto3.client("dynamodb"), os.environ["TABLE_NAME"], today, today, by)  # type: ignore[arg-type]
    return {row.group: {step: n for step, n in row.counts.items() if n} for row in rows}


@pytest.fixture
def version(questionnaire):
    return questionnaire.version


def test_the_beacon_counts_a_start_with_nothing_of_the_visitor(api, aws_calls, version):
    response = api.post("/pijntest/started", json_body=_started({"utm_source": " Instagram ", "utm_medium": "Social"}))
    assert response.status == 204
    assert response.body in ("", b"", None)
    assert "set-cookie" not in {name.lower() for name in response.headers}
    assert aws_calls.of("dynamodb") == ["TransactWriteItems"]
    (counter,) = [item for item in scan_all(os.environ["TABLE_NAME"]) if item["sk"].startswith("COUNT#")]
    assert (counter["source"], counter["medium"], counter["campaign"], counter["started"]) == (
        "instagram",
        "social",
        "(none)",
        1,
    )
    assert set(counter) == {
        "pk",
        "sk",
        "entity",
        "day",
        "version",
        "source",
        "medium",
        "campaign",
        "expires_at",
        "started",
    }


def test_the_beacon_refuses_an_unknown_version_naming_the_field(api):
    response = api.post("/pijntest/started", json_body=_started(questionnaire_version="pijntest-v0"))
    assert response.status == 422
    assert [problem["field"] for problem in response.json()["fields"]] == ["questionnaire_version"]
    assert _counts() == {}


def test_counts_are_exact_after_a_mix_of_traffic(api, cli, pollers, questionnaire, version):
    newsletter = {"utm_source": "nieuwsbrief", "utm_medium": "email"}
    for _ in range(3):
        assert api.post("/pijntest/started", json_body=_started(newsletter)).status == 204
    assert api.post("/pijntest/started", json_body=_started()).status == 204
    assert api.post("/pijntest/started", json_body=_started(newsletter, website="https://spam.example")).status == 204

    body = submission(questionnaire)  # nieuwsbrief/email
    assert api.post("/pijntest", json_body=body).status == 201
    assert api.post("/pijntest", json_body=resolved(body)).status == 200, "a replay"
    opted_in = changed(fresh(body), "consent.marketing", True)
    assert api.post("/pijntest", json_body=opted_in).status == 201
    bot = changed(fresh(body), "website", "https://spam.example")
    assert api.post("/pijntest", json_body=bot).status == 201
    assert api.post("/intake", json_body=intake_request()).status == 202

    pollers.drain()
    expected = {
        "nieuwsbrief/email": {"started": 3, "completed": 2, "lead": 1, "optin_requested": 1},
        "(none)/(none)": {"started": 1, "intake_requested": 1},
    }
    assert _counts() == expected
    assert cli("erase", "--email", "anna.de.vries@example.nl", "--yes", "--table", os.environ["TABLE_NAME"])[0] == 0
    assert _counts() == expected, "an erasure keeps the counts: they hold nothing of the person"
    assert _counts("none") == {
        "all": {"started": 4, "completed": 2, "lead": 1, "optin_requested": 1, "intake_requested": 1}
    }


def test_the_beacon_counts_a_client_in_its_own_hourly_bound(api, version):
    bound = SubmitSettings.from_env().cap_limits().per_client_per_hour
    for _ in range(bound):
        assert api.post("/pijntest/started", json_body=_started()).status == 204
    refused = api.post("/pijntest/started", json_body=_started())
    assert refused.status == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert _counts() == {"(none)/(none)": {"started": bound}}


def test_a_crafted_url_cannot_grow_the_counters_past_the_days_cap(api, version, monkeypatch):
    assert api.post("/pijntest/started", json_body=_started({"utm_campaign": "c0"})).status == 204
    door = sys.modules["pijnreset.handlers.submit"].door
    monkeypatch.setattr(door, "limits", replace(door.limits, per_client_per_hour=1000))  # one client here
    for index in range(DISTINCT_SOURCES_PER_DAY + 5):
        assert api.post("/pijntest/started", json_body=_started({"utm_campaign": f"c{index}"})).status == 204
    counts = _counts("campaign")
    assert len(counts) == DISTINCT_SOURCES_PER_DAY + 1
    assert counts[OTHER] == {"started": 5}
    assert api.post("/pijntest/started", json_body=_started({"utm_campaign": "c0"})).status == 204
    assert _counts("campaign")["c0"] == {"started": 3}, "a known source still counts as itself"


def test_funnel_counts_reads_with_query_only(api, aws_calls, version):
    assert api.post("/pijntest/started", json_body=_started()).status == 204
    aws_calls.clear()
    rows = funnel_counts(boto3.client("dynamodb"), os.environ["TABLE_NAME"], date(2026, 1, 30), date(2026, 3, 2))
    assert rows == []
    assert aws_calls.of("dynamodb") == ["Query"] * 3  # one per month: January, February, March


def test_a_started_count_that_meets_a_concurrent_one_is_written_again_once(api, version):
    with aws_failing("TransactWriteItems", "cancelled:TransactionConflict", times=1) as failed:
        assert api.post("/pijntest/started", json_body=_started()).status == 204
    assert failed == ["TransactWriteItems"]
    assert _counts() == {"(none)/(none)": {"started": 1}}


def _unsubscribe_link(email: str) -> str:
    from pijnreset.logic.identity import lead_id_for
    from pijnreset.logic.tokens import sign

    from tests.support.aws import TEST_TOKEN_KEY

    token = sign(TEST_TOKEN_KEY.encode(), "unsubscribe", lead_id_for(email), int(datetime.now(UTC).timestamp()) + 3600)
    return f"/unsubscribe?token={token}"


def _link(outbox, path: str) -> str:
    from tests.support.links import action_links

    return next(action_links(email)[path] for email in outbox() if path in action_links(email))


def test_leads_confirmations_and_unsubscribes_count_once_under_the_source_that_brought_them(
    api, pollers, outbox, questionnaire, cli
):
    newsletter = submission(questionnaire)  # nieuwsbrief/email
    opted_in = changed(newsletter, "consent.marketing", True)
    assert api.post("/pijntest", json_body=opted_in).status == 201
    assert api.post("/pijntest", json_body=resolved(opted_in)).status == 200, "a replay"
    pollers.drain()
    pollers.drain()  # a redelivered stream record counts nothing (the lead is marked counted)
    assert _counts() == {"nieuwsbrief/email": {"completed": 1, "lead": 1, "optin_requested": 1}}

    confirm = _link(outbox, "/confirm")
    assert api.post(confirm).status == 200
    assert api.post(confirm).status == 200, "confirmed before: counts nothing"
    assert api.post("/intake", json_body=intake_request()).status == 202  # the same person, no source
    pollers.drain()
    unsubscribe = _unsubscribe_link("anna.de.vries@example.nl")  # what every follow-up email carries
    assert api.post(unsubscribe).status == 200
    assert api.post(unsubscribe).status == 200, "again: nothing new"
    expected = {
        "nieuwsbrief/email": {
            "completed": 1,
            "lead": 1,
            "optin_requested": 1,
            "optin_confirmed": 1,
            "unsubscribed": 1,
        },
        "(none)/(none)": {"intake_requested": 1},
    }
    assert _counts() == expected, "a returning person is no new lead"
    assert cli("erase", "--email", "anna.de.vries@example.nl", "--yes", "--table", os.environ["TABLE_NAME"])[0] == 0
    pollers.drain()
    assert _counts() == expected, "an erasure keeps the counts"


def test_a_lead_erased_before_the_relay_counts_it_still_counts_once(api, pollers, questionnaire, cli):
    assert api.post("/pijntest", json_body=submission(questionnaire)).status == 201
    assert cli("erase", "--email", "anna.de.vries@example.nl", "--yes", "--table", os.environ["TABLE_NAME"])[0] == 0
    pollers.drain()
    assert _counts() == {"nieuwsbrief/email": {"completed": 1, "lead": 1}}, "the erasure counted it, the relay not"


def test_a_booking_counts_through_with_booked_in_its_own_transaction(stack):
    from pijnreset.dal.funnel import with_booked

    client = boto3.client("dynamodb")
    now = datetime.now(UTC)
    items, registry = with_booked(os.environ["TABLE_NAME"], [], now, "pijntest-v1", {"utm_source": "Instagram"})
    assert registry == 1
    client.transact_write_items(TransactItems=items)
    assert _counts() == {"instagram/(none)": {"booked": 1}}
