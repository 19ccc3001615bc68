"""The caps over HTTP on the local stack: the gateway hands the TCP peer's address to the handlers as
requestContext.http.sourceIp, as API Gateway does, and the form shows a client's 429 at its top."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
from pijnreset.api.errors import ApiError
from playwright.sync_api import expect

from tests.support.browser import PijntestPage, origin_of
from tests.support.challenge import over_http
from tests.support.gateway import answer_posts, gateway_answer
from tests.support.local_stack import RunningStack, local_stack
from tests.support.payloads import changed, intake_request, submission
from tests.support.stack_state import emails_sent, items, settle

BOUND = 3


@pytest.fixture(scope="module")
def capped() -> Iterator[RunningStack]:
    with local_stack("--param", f"ClientRequestsPerHour={BOUND}", "--param", "EmailCapPerAddress=1") as running:
        yield running


def _post(stack: RunningStack, path: str, body: dict, origin: str | None = None) -> requests.Response:
    """``body`` with a challenge this stack issued, solved: the caps come after the proof of work."""
    headers = {"Origin": origin} if origin else {}
    body = {**body, "altcha": over_http(stack.url)}
    return requests.post(f"{stack.url}{path}", json=body, headers=headers, timeout=20)


def test_a_client_over_its_bound_gets_429_over_http_with_retry_after_and_nothing_stored(capped, questionnaire):
    page_origin = origin_of(capped.page_url)
    first = _post(capped, "/pijntest", changed(submission(questionnaire), "contact.email", "Eva.Smit@gmail.com"))
    second = _post(capped, "/pijntest", changed(submission(questionnaire), "contact.email", "evasmit+2@googlemail.com"))
    third = _post(capped, "/intake", intake_request(email="femke@example.nl"))
    assert (first.status_code, second.status_code, third.status_code) == (201, 201, 202)
    stored = settle(lambda: items(capped.moto_endpoint))

    refused = _post(capped, "/privacy/erase", {"email": "femke@example.nl"}, origin=page_origin)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert "retry-after" in refused.headers.get("Access-Control-Expose-Headers", "").lower(), "the form can read it"
    assert refused.json() == ApiError(429, "rate_limited").body()
    assert _post(capped, "/pijntest", submission(questionnaire)).status_code == 429
    assert items(capped.moto_endpoint) == stored, "nothing written for a refused request"

    # The two spellings of one Gmail mailbox got one result email between them (EmailCapPerAddress=1).
    sent = settle(lambda: emails_sent(capped.url), lambda found: len(found) >= 3)
    to_eva = [to for to, _ in sent if "eva" in to.lower()]
    assert len(to_eva) == 1, sent
    assert len([item for item in stored if item.get("entity") == "submission"]) == 2
    log = "".join(capped.output)
    assert "127.0.0.1" not in "".join(json.dumps(item) for item in stored), "the IP is not stored"
    assert "eva.smit" not in log.lower()


def test_the_form_shows_the_429_at_its_top_and_does_not_wait_an_hour_to_retry(
    visitor: PijntestPage, demo, questionnaire
):
    from tests.support.answers import answers_with

    visitor.open(demo.page_url)
    visitor.answer_all(answers_with(questionnaire, item_value=1))
    visitor.fill_contact()
    refusal = gateway_answer(demo, 429, "rate_limited", headers={"Retry-After": "1800"})
    answer_posts(visitor.page, demo, "/pijntest", [refusal])
    visitor.page.get_by_role("button", name="Bekijk mijn uitslag").click()

    expect(visitor.alert()).to_contain_text(ApiError(429, "rate_limited").body()["message"])
    expect(visitor.alert()).to_be_focused()
    assert len(visitor.submitted_bodies()) == 1, "no automatic retry: the wait is far longer than a visitor's"
    expect(visitor.page.get_by_label("Je naam")).to_have_value("Anna de Vries")  # nothing typed is lost


def test_the_privacy_form_shows_the_apis_429_message_rather_than_its_own_busy_text(visitor: PijntestPage, demo):
    from tests.e2e.test_privacy_in_browser import an_address, open_privacy_form

    privacy = open_privacy_form(visitor, demo.page_url)
    answer_posts(
        visitor.page,
        demo,
        "/privacy/erase",
        [gateway_answer(demo, 429, "rate_limited", headers={"Retry-After": "900"})],
    )
    address = an_address()
    privacy.email().fill(address)
    privacy.send_button().click()

    expect(privacy.alert()).to_contain_text(ApiError(429, "rate_limited").body()["message"])
    expect(privacy.alert()).to_be_focused()
    expect(privacy.email()).to_have_value(address)
    assert len(privacy.erase_requests(visitor)) == 1
