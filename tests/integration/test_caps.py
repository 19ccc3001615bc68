"""The caps through the handlers: per mailbox a day, per client an hour, and the forms' daily email ceiling."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest
from pijnreset.logic.caps import CAP_PREFIX
from pijnreset.settings import SubmitSettings

from tests.support.api import ApiResponse
from tests.support.payloads import changed, erasure_request, intake_request, submission

LIMITS = SubmitSettings.from_env().cap_limits()
CLIENT_IP = "198.51.100.7"


def send(api, path: str, body: dict, source_ip: str = CLIENT_IP) -> ApiResponse:
    """A POST from ``source_ip``, as API Gateway's requestContext.http.sourceIp would carry it."""
    response = api.gateway.handle(
        "POST", path, "", [("content-type", "application/json")], json.dumps(body).encode(), source_ip=source_ip
    )
    return ApiResponse(response.status, {k.lower(): v for k, v in response.headers}, response.body)


def to(questionnaire, email: str, **changes) -> dict:
    body = changed(submission(questionnaire), "contact.email", email)
    for path, value in changes.items():
        body = changed(body, path, value)
    return body


def metrics_emitted(capsys) -> list[str]:
    """The metric names the handlers flushed (CloudWatch EMF lines on stdout) since the last call."""
    names = []
    for line in capsys.readouterr().out.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            document = json.loads(line)
            names += [metric["Name"] for entry in document["_aws"]["CloudWatchMetrics"] for metric in entry["Metrics"]]
    return names


def caps_logged(log_lines) -> list[str]:
    """The mailbox caps the handlers logged (no longer metrics: only the daily ceiling is alarmed)."""
    return [line["cap"] for line in log_lines("email capped")]


def entities(items, entity: str) -> list[dict]:
    return [item for item in items if item["entity"] == entity]


@pytest.fixture
def limits(monkeypatch):
    """Sets the caps of every form handler for one test (the template's defaults otherwise)."""
    from pijnreset.handlers import erase_request, intake, submit

    def use(**changes) -> None:
        for handler in (submit, intake, erase_request):
            monkeypatch.setattr(handler.door, "limits", replace(LIMITS, **changes))

    return use


def test_the_defaults_are_beyond_a_real_visitor_and_bound_an_attacker():
    assert LIMITS.per_address_per_day == 5
    assert LIMITS.per_client_per_hour == 30
    assert LIMITS.daily_emails == 25_000  # half of the default SES quota of 50,000


def test_past_its_daily_cap_a_mailbox_gets_no_more_result_emails_yet_every_test_is_stored_and_answered(
    api, questionnaire, table_items, aws_calls, log_lines
):
    address = "anna.de.vries@example.nl"
    for n in range(LIMITS.per_address_per_day):
        assert send(api, "/pijntest", to(questionnaire, address), source_ip=f"198.51.100.{n}").status == 201
    assert len(entities(table_items(), "email_job")) == LIMITS.per_address_per_day
    assert caps_logged(log_lines) == []
    aws_calls.clear()

    over = to(questionnaire, address)
    response = send(api, "/pijntest", over, source_ip="198.51.100.99")
    calls = [call for call in aws_calls.calls if call[0] == "dynamodb"]

    assert response.status == 201, "answered exactly as usual"
    assert response.json()["result"]["category"]
    items = table_items()
    assert len(entities(items, "submission")) == LIMITS.per_address_per_day + 1, "stored as usual"
    assert len(entities(items, "email_job")) == LIMITS.per_address_per_day, "only no further email job"
    # The one extra call only a request over a cap pays: the transaction again, without the capped email.
    assert calls == [("dynamodb", "TransactWriteItems")] * 2
    assert caps_logged(log_lines) == ["address_result"]

    replay = send(api, "/pijntest", over, source_ip="198.51.100.99")
    assert (replay.status, replay.body) == (200, response.body), "a retry gets the same answer"


def test_gmail_dots_tags_case_and_googlemail_are_one_mailbox(api, questionnaire, table_items, log_lines):
    spellings = [
        "Anna.Vries@gmail.com",
        "annavries+pijn@gmail.com",
        "a.n.n.a.v.r.i.e.s@GMAIL.com",
        "anna.vries+x.y@googlemail.com",
        "AnnaVries@Googlemail.com",
        "anna.vries+zesde@gmail.com",
    ]
    assert len(spellings) == LIMITS.per_address_per_day + 1
    for n, email in enumerate(spellings):
        assert send(api, "/pijntest", to(questionnaire, email), source_ip=f"203.0.113.{n}").status == 201
    jobs = entities(table_items(), "email_job")
    assert len(jobs) == LIMITS.per_address_per_day
    assert caps_logged(log_lines) == ["address_result"]

    # Dots are only ignored where the provider ignores them: elsewhere they make another mailbox.
    assert send(api, "/pijntest", to(questionnaire, "anna.vries@example.nl"), source_ip="203.0.113.50").status == 201
    assert len(entities(table_items(), "email_job")) == LIMITS.per_address_per_day + 1


def test_each_kind_of_email_has_its_own_cap(api, questionnaire, table_items):
    address = "bram@example.nl"
    for n in range(LIMITS.per_address_per_day):
        body = to(questionnaire, address, **{"consent.marketing": n == 0})
        assert send(api, "/pijntest", body, source_ip=f"192.0.2.{n}").status == 201
    opted = to(questionnaire, address, **{"consent.marketing": True})
    assert send(api, "/pijntest", opted, source_ip="192.0.2.77").status == 201
    kinds = sorted(job["kind"] for job in entities(table_items(), "email_job"))
    assert kinds == ["optin_confirm"] * 2 + ["result"] * LIMITS.per_address_per_day, "the opt-in still had room"


def test_intakes_past_the_cap_are_kept_for_the_coach_without_more_emails(api, table_items, log_lines):
    for n in range(LIMITS.per_address_per_day + 1):
        assert send(api, "/intake", intake_request(email="carla@example.nl"), source_ip=f"192.0.2.{n}").status == 202
    items = table_items()
    assert len(entities(items, "intake")) == LIMITS.per_address_per_day + 1, "every request is there for the coach"
    kinds = sorted(job["kind"] for job in entities(items, "email_job"))
    assert kinds == sorted(["intake_coach", "intake_confirmation"] * LIMITS.per_address_per_day)
    assert "address_intake" in caps_logged(log_lines)


def test_a_client_over_its_hourly_bound_gets_429_with_retry_after_and_nothing_is_written(
    api, questionnaire, table_items, cap_counters
):
    bound = LIMITS.per_client_per_hour
    # Across the three forms, each to another address so that no mailbox cap is met.
    for n in range(bound):
        if n % 3 == 0:
            status = send(api, "/pijntest", to(questionnaire, f"bezoeker{n}@example.nl")).status
        elif n % 3 == 1:
            status = send(api, "/intake", intake_request(email=f"bezoeker{n}@example.nl")).status
        else:
            status = send(api, "/privacy/erase", erasure_request(f"bezoeker{n}@example.nl")).status
        assert status in (201, 202), n
    before, counters = table_items(), cap_counters()

    for path, body in [
        ("/pijntest", to(questionnaire, "nog.een@example.nl")),
        ("/intake", intake_request(email="nog.een@example.nl")),
        ("/privacy/erase", erasure_request("bezoeker0@example.nl")),  # a known address: the same answer
        ("/privacy/erase", erasure_request("onbekend@example.nl")),
    ]:
        refused = send(api, path, body)
        assert refused.status == 429, path
        seconds = int(refused.headers["retry-after"])
        assert 1 <= seconds <= 3600
        assert refused.json()["error"] == "rate_limited"
        assert "te veel formulieren" in refused.json()["message"]
        assert refused.json()["fields"] == []
    assert table_items() == before, "nothing written"
    assert cap_counters() == counters

    assert send(api, "/pijntest", to(questionnaire, "nog.een@example.nl"), source_ip="198.51.100.200").status == 201


def test_the_daily_ceiling_stops_new_email_jobs_and_is_reported_before_it_is_reached(
    api, questionnaire, table_items, limits, capsys, log_lines
):
    limits(daily_emails=10)  # one counter item; reported from 8
    for n in range(7):
        assert send(api, "/pijntest", to(questionnaire, f"p{n}@example.nl"), source_ip=f"192.0.2.{n}").status == 201
    assert "EmailDailyCeilingNear" not in metrics_emitted(capsys)

    assert send(api, "/intake", intake_request(email="p7@example.nl"), source_ip="192.0.2.7").status == 202
    assert "EmailDailyCeilingNear" in metrics_emitted(capsys), "9 of 10: near, and both intake emails written"
    assert send(api, "/pijntest", to(questionnaire, "p8@example.nl"), source_ip="192.0.2.8").status == 201
    assert len(entities(table_items(), "email_job")) == 10

    over = send(api, "/pijntest", to(questionnaire, "p9@example.nl"), source_ip="192.0.2.9")
    assert over.status == 201
    assert send(api, "/privacy/erase", erasure_request("p0@example.nl"), source_ip="192.0.2.10").status == 202
    assert "EmailCapped_daily" in metrics_emitted(capsys), "an alarmed metric"
    assert [line["outcome"] for line in log_lines("erasure requested")] == ["capped"]
    items = table_items()
    assert len(entities(items, "email_job")) == 10, "no new email job past the ceiling, of any form"
    assert len(entities(items, "submission")) == 9


def test_the_counters_hold_no_address_or_ip_and_expire_within_two_days(api, questionnaire, cap_counters):
    address = "Dirk.Jansen+pijn@Gmail.com"
    assert send(api, "/pijntest", to(questionnaire, address, **{"consent.marketing": True})).status == 201
    assert send(api, "/privacy/erase", erasure_request(address)).status == 202
    counters = cap_counters()
    kinds = [item["pk"].split("#")[1] for item in counters]
    assert (kinds.count("ADDRESS"), kinds.count("CLIENT")) == (3, 1), "result, opt-in, erasure link; one client"
    assert sum(item["count"] for item in counters if item["pk"] == "CAP#DAILY") == 3, "three email jobs today"
    dumped = json.dumps(counters).lower()
    for secret in ("dirk", "jansen", "gmail", CLIENT_IP):
        assert secret not in dumped
    for item in counters:
        assert item["pk"].startswith(CAP_PREFIX)
        assert set(item) == {"pk", "sk", "entity", "count", "expires_at"}
        assert 0 < item["expires_at"] - time.time() <= 2 * 24 * 3600
