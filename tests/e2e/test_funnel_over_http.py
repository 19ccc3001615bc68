"""The funnel's "done when", on the local stack over HTTP: after a mix of started, completed, replayed, bot,
opted-in, confirmed, intake and erased traffic, GET /coach/api/funnel (with a real token from the local pool)
answers the exact counts by source and week; its CSV and its checks of bad input too."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from pijnreset.logic.funnel import STEPS, funnel_day

from infra.samples import changed, for_stack, intake_request, started_a_minute_ago, submission
from tests.support.challenge import over_http
from tests.support.links import action_links
from tests.support.local_stack import RunningStack, local_stack

ANNA = "anna.de.vries@example.nl"
NEWSLETTER = {"utm_source": "nieuwsbrief", "utm_medium": "email"}
INSTAGRAM = {"utm_source": "Instagram", "utm_medium": "Social", "utm_campaign": "Lente 2027"}


@pytest.fixture(scope="module")
def stack() -> Iterator[RunningStack]:
    with local_stack() as running:
        yield running
        assert running.stop() == 0


@pytest.fixture(scope="module")
def tokens(stack: RunningStack) -> dict[str, str]:
    found = {}
    for group in ("coach", "assistant"):
        response = requests.post(f"{stack.url}/_dev/coach-session", json={"group": group}, timeout=10)
        assert response.status_code == 200, response.text
        found[group] = response.json()["access_token"]
    return found


def _post(stack: RunningStack, path: str, body: Any = None) -> requests.Response:
    return requests.post(f"{stack.url}{path}", json=body, timeout=15)


def _started(stack: RunningStack, source: dict[str, str] | None, **extra: Any) -> None:
    body = {"questionnaire_version": "pijntest-v1", "started_at": started_a_minute_ago(), **extra}
    if source is not None:
        body["source"] = source
    assert _post(stack, "/pijntest/started", body).status_code == 204


def _link(stack: RunningStack, path: str, to: str) -> str:
    (email,) = stack.emails(lambda e: to in e["to"].lower() and path in action_links(e), timeout=30)
    return action_links(email)[path]


def _report(stack: RunningStack, token: str | None, path: str = "/coach/api/funnel", **params: str):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{stack.url}{path}", params=params, headers=headers, timeout=15)


def _nonzero(entry: dict[str, Any]) -> dict[str, int]:
    return {step: n for step, n in entry["counts"].items() if n}


def _counts_by_source(stack: RunningStack, token: str, week: dict[str, str]) -> dict[str, dict[str, int]]:
    response = _report(stack, token, by="source", group="week", **week)
    assert response.status_code == 200, response.text
    return {group["group"]: _nonzero(group) for group in response.json()["groups"]}


def test_exact_counts_by_source_and_week_after_a_mix_of_traffic(stack, tokens, questionnaire):
    for _ in range(3):
        _started(stack, NEWSLETTER)
    _started(stack, INSTAGRAM)
    _started(stack, NEWSLETTER, website="https://spam.example")  # a bot: 204, nothing counted

    anna = changed(for_stack(submission(questionnaire), stack.url), "consent.marketing", True)  # nieuwsbrief
    assert _post(stack, "/pijntest", anna).status_code == 201
    assert _post(stack, "/pijntest", anna).status_code == 200, "a replay"
    bram = changed(for_stack(submission(questionnaire), stack.url), "contact.email", "bram@example.nl")
    bram = changed(bram, "source", INSTAGRAM)
    assert _post(stack, "/pijntest", bram).status_code == 201
    bot = changed(for_stack(submission(questionnaire), stack.url), "website", "https://spam.example")
    bot = changed(bot, "contact.email", "bot@example.nl")
    assert _post(stack, "/pijntest", bot).status_code == 201
    assert (
        _post(stack, "/intake", for_stack(intake_request(), stack.url)).status_code == 202
    )  # Anna again: no new lead, no source

    confirm = _link(stack, "/confirm", ANNA)
    assert _post(stack, confirm).status_code == 200
    assert _post(stack, confirm).status_code == 200, "confirmed before: counted once"

    today = funnel_day(datetime.now(UTC))
    week = {"from": (today - timedelta(days=6)).isoformat(), "to": today.isoformat()}
    expected = {
        "nieuwsbrief/email": {"started": 3, "completed": 1, "lead": 1, "optin_requested": 1, "optin_confirmed": 1},
        "instagram/social": {"started": 1, "completed": 1, "lead": 1},
        "(none)/(none)": {"intake_requested": 1},
    }
    deadline = time.monotonic() + 30  # the relay counts the leads from the stream, within a second or so
    while _counts_by_source(stack, tokens["coach"], week) != expected and time.monotonic() < deadline:
        time.sleep(0.3)
    assert _counts_by_source(stack, tokens["coach"], week) == expected

    erase = {"email": ANNA, "altcha": over_http(stack.url)}
    assert _post(stack, "/privacy/erase", erase).status_code == 202
    assert _post(stack, _link(stack, "/privacy/erase/confirm", ANNA)).status_code == 200
    assert _counts_by_source(stack, tokens["assistant"], week) == expected, "an erasure keeps the counts"

    report = _report(stack, tokens["coach"], by="campaign", group="week", **week).json()
    (this_week,) = [period for period in report["periods"] if period["start"] <= today.isoformat() <= period["end"]]
    assert [(group["group"], group["counts"]["started"]) for group in this_week["groups"]] == [
        ("(none)", 3),
        ("lente-2027", 1),
    ]
    assert report["total"]["counts"]["started"] == 4
    assert report["total"]["conversion"]["completed"] == 0.5
    assert report["steps"] == list(STEPS)

    csv = _report(stack, tokens["assistant"], "/coach/api/funnel.csv", by="source", **week)
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeffPeriode;Van;Tot en met;Bron;Test begonnen;")
    assert f"{today.isoformat()};{today.isoformat()};{today.isoformat()};nieuwsbrief/email;3;1;1;1;1;0;0;0" in text
    assert "anna" not in text.lower()
    assert "bram" not in text.lower()

    # The coach's weekly digest of this week, as next Monday's schedule would send it: it lands in the outbox.
    lever = requests.post(f"{stack.url}/_dev/weekly-digest?days=7", timeout=30)
    assert lever.status_code == 200, lever.text
    assert lever.json()["sent"] == 1
    (digest,) = stack.emails(lambda email: email["subject"].startswith("Je week in cijfers"))
    assert digest["to"] == "coach@pijnresetcoach.nl"
    assert "Test begonnen: 4 (week ervoor 0, verschil +4)" in digest["text"]
    assert "Aanmelding bevestigd: 1" in digest["text"]
    for personal in ("anna", "bram", "vries", "@example.nl"):
        assert personal not in (digest["text"] + digest["html"]).lower()


@pytest.mark.parametrize(
    ("params", "field", "kind"),
    [
        ({"from": "2026-02-30"}, "from", "date_invalid"),
        ({"from": "2026-12-02", "to": "2026-12-01"}, "to", "range_reversed"),
        ({"from": "2024-01-01", "to": "2026-01-01"}, "to", "range_too_long"),
        ({"by": "city"}, "by", "literal_error"),
        ({"group": "month"}, "group", "literal_error"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(stack, tokens, params, field, kind):
    response = _report(stack, tokens["coach"], **params)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_query"
    assert [(problem["field"], problem["type"]) for problem in response.json()["fields"]] == [(field, kind)]


@pytest.mark.parametrize("path", ["/coach/api/funnel", "/coach/api/funnel.csv"])
def test_without_a_token_the_authorizer_refuses(stack, path):
    assert _report(stack, None, path).status_code == 401
    assert _report(stack, "not-a-token", path).status_code == 401
