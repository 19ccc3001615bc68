"""What the visitor sees when the API refuses, is busy or cannot be reached, and what the form sends again.

Where the real API cannot be made to fail on demand (503, 409, 413, 415, a dropped connection), the browser's
request is answered in its place with exactly the body the API's error texts give and the CORS headers the
template's gateway adds. Everything else is the real stack.
"""

from __future__ import annotations

from typing import Any

import pytest
from pijnreset.api.errors import ApiError
from playwright.sync_api import expect

from tests.support.answers import answers_with
from tests.support.browser import PijntestPage, screenshot
from tests.support.gateway import Answer, answer_posts, gateway_answer, lost_connection
from tests.support.stack_state import items


@pytest.fixture
def ready_to_send(visitor, demo, questionnaire) -> PijntestPage:
    """A visitor on the contact step with every question answered and the contact details filled in."""
    visitor.open(demo.page_url)
    visitor.answer_all(answers_with(questionnaire, item_value=1))
    visitor.fill_contact()
    return visitor


def on_submit(visitor: PijntestPage, demo: Any, answers: list[Answer]) -> None:
    """Answers the next POST /pijntest with ``answers``, one each; later ones (and every GET) go to the real API."""
    answer_posts(visitor.page, demo, "/pijntest", answers)


def submission_ids(visitor: PijntestPage) -> set[str]:
    return {body["submission_id"] for body in visitor.submitted_bodies()}


def test_a_field_the_api_refuses_is_shown_there_and_sending_again_keeps_the_submission_id(ready_to_send):
    visitor = ready_to_send
    page = visitor.page
    email = page.get_by_label("Je e-mailadres")
    email.fill("anna@voorbeeld.test")  # well-formed, but a reserved domain: only the API knows to refuse it
    refused = visitor.submit()

    assert refused.status == 422
    (problem,) = refused.json()["fields"]
    assert problem["field"] == "contact.email"
    expect(email).to_have_attribute("aria-invalid", "true")
    error_id = email.get_attribute("aria-describedby")
    expect(page.locator(f"#{error_id}")).to_have_text(problem["message"])
    expect(visitor.summary()).to_be_focused()
    expect(visitor.summary()).to_contain_text(problem["message"])
    screenshot(page, "error-422-email")

    email.fill("anna@voorbeeld.nl")
    accepted = visitor.submit()
    assert accepted.status == 201
    expect(visitor.result()).to_be_visible()
    assert len(visitor.submitted_bodies()) == 2
    assert len(submission_ids(visitor)) == 1, "one test, one submission_id, however often it is sent"


def test_a_name_that_is_not_a_name_is_refused_at_the_name_field_in_dutch(ready_to_send):
    visitor = ready_to_send
    page = visitor.page
    name = page.get_by_label("Je naam")
    name.fill("Bezoek www.pijnreset-herstel.example/login")
    refused = visitor.submit()

    assert refused.status == 422
    (problem,) = refused.json()["fields"]
    assert (problem["field"], problem["type"]) == ("contact.name", "name_invalid")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{name.get_attribute('aria-describedby')}")).to_have_text(problem["message"])
    name.fill("Anna de Vries")
    assert visitor.submit().status == 201


def test_an_answer_the_api_refuses_takes_the_visitor_back_to_that_question(ready_to_send, demo):
    visitor = ready_to_send
    refusal = gateway_answer(demo, 422, "validation_failed", [("answers.stress_overload", "invalid_option")])
    on_submit(visitor, demo, [refusal])
    visitor.submit()

    question = next(q for q in visitor.questions if q["id"] == "stress_overload")
    step = visitor.blocks().index(question["block"]) + 1
    expect(visitor.step_heading(step)).to_be_visible()
    group = visitor.group(question)
    expect(group.get_by_text("Kies een van de antwoorden.")).to_be_visible()
    expect(visitor.summary()).to_be_focused()
    expect(visitor.page.get_by_role("alert").filter(has_text="Niet alles is goed ingevuld")).to_have_count(0)


def test_a_busy_api_is_asked_again_after_its_retry_after_with_the_same_submission_id(ready_to_send, demo):
    visitor = ready_to_send
    busy = gateway_answer(demo, 503, "service_unavailable", headers={"Retry-After": "2"})
    on_submit(visitor, demo, [busy])
    with visitor.page.expect_response(lambda response: response.status == 201):
        visitor.page.get_by_role("button", name="Bekijk mijn uitslag").click()
        # Read from the exposed Retry-After header: without it the form would wait its default 5 seconds.
        expect(visitor.form.get_by_role("status")).to_contain_text("We proberen het over 2 seconden opnieuw")

    expect(visitor.result()).to_be_visible()
    assert len(visitor.submitted_bodies()) == 2
    assert len(submission_ids(visitor)) == 1


def test_an_api_that_stays_busy_is_explained_and_the_visitor_can_send_again(ready_to_send, demo):
    visitor = ready_to_send
    busy = gateway_answer(demo, 503, "service_unavailable", headers={"Retry-After": "1"})
    on_submit(visitor, demo, [busy, busy, busy])
    visitor.page.get_by_role("button", name="Bekijk mijn uitslag").click()

    expect(visitor.alert()).to_contain_text(ApiError(503, "service_unavailable").body()["message"])
    expect(visitor.alert()).to_be_focused()
    assert len(visitor.submitted_bodies()) == 3, "the first try and two retries"
    screenshot(visitor.page, "error-503")

    assert visitor.submit().status == 201
    expect(visitor.result()).to_be_visible()
    assert len(submission_ids(visitor)) == 1


def test_a_lost_connection_is_explained_and_sending_again_reuses_the_submission_id(ready_to_send, demo):
    visitor = ready_to_send
    on_submit(visitor, demo, [lost_connection])
    visitor.page.get_by_role("button", name="Bekijk mijn uitslag").click()

    expect(visitor.alert()).to_contain_text("We kunnen de Pijntest nu niet bereiken.")
    expect(visitor.alert()).to_be_focused()
    expect(visitor.page.get_by_role("button", name="Bekijk mijn uitslag")).to_be_enabled()
    screenshot(visitor.page, "error-network")

    assert visitor.submit().status == 201
    assert len(visitor.submitted_bodies()) == 2
    assert len(submission_ids(visitor)) == 1


def test_refusals_of_the_whole_request_are_shown_at_the_top_in_the_apis_words(ready_to_send, demo):
    visitor = ready_to_send
    refusals = [
        (409, "conflict", [("submission_id", "conflict")]),
        (413, "payload_too_large", [("body", "too_large")]),
        (415, "unsupported_media_type", [("content-type", "unsupported_media_type")]),
    ]
    on_submit(visitor, demo, [gateway_answer(demo, *refusal) for refusal in refusals])
    for status, code, _ in refusals:
        visitor.page.get_by_role("button", name="Bekijk mijn uitslag").click()
        message = ApiError(status, code).body()["message"]
        expect(visitor.alert()).to_contain_text(message)
        expect(visitor.alert()).to_be_focused()
        if status == 409:
            screenshot(visitor.page, "error-409")
    expect(visitor.page.get_by_label("Je naam")).to_have_value("Anna de Vries")  # nothing the visitor typed is lost


def test_a_filled_in_honeypot_gets_a_result_as_a_person_would_and_nothing_is_stored(ready_to_send, demo):
    """The bot screen answers as a person's request is answered (it used to say 202 "accepted": screened)."""
    visitor = ready_to_send
    trap = visitor.page.locator('input[name="website"]')
    expect(trap).to_have_attribute("tabindex", "-1")
    expect(trap).to_have_attribute("autocomplete", "off")
    expect(trap).not_to_be_in_viewport()
    expect(visitor.form.get_by_role("textbox")).to_have_count(2)  # name and email: the trap is aria-hidden
    trap.fill("https://spam.example", force=True)  # what a bot does; a person never sees the field
    response = visitor.submit()

    assert response.status == 201
    sent = visitor.submitted_bodies()[0]
    assert sent["website"] == "https://spam.example"
    expect(visitor.result()).to_have_count(1)
    stored = {str(item.get("submission_id")) for item in items(demo.moto_endpoint)}
    assert sent["submission_id"] not in stored, "nothing of the screened request is stored"
