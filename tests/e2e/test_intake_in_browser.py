"""The intake form ("Plan een intakegesprek") in Debian's Chromium, against the real API and its local outbox.

After a result it sits in the invitation, prefilled from the test; on its own it answers the emails' #intake
links and pages that want only the intake. Where the real API cannot fail on demand (409, 413, 415, 503, a
dropped connection), the browser's request is answered in its place as in test_form_api_errors.py.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from pijnreset.api.errors import ApiError
from playwright.sync_api import expect

from tests.support.answers import answers_with
from tests.support.browser import (
    IntakeForm,
    PijntestPage,
    described_by_text,
    is_intake,
    part_of_page,
    screenshot,
    serious_accessibility_violations,
)
from tests.support.gateway import answer_posts, gateway_answer, lost_connection

LONG_MESSAGE = "Ik heb al twee jaar last van mijn onderrug.\nBellen kan na 18:00 uur."
STANDALONE = "Plan een intakegesprek"


def an_address() -> str:
    return f"bram.{uuid.uuid4().hex[:8]}@voorbeeld.nl"


@pytest.fixture
def after_a_result(visitor, demo, questionnaire) -> tuple[PijntestPage, dict[str, Any], str]:
    """A visitor who took the test (no red flag) with an address of their own, on their result."""
    address = an_address()
    visitor.open(demo.page_url)
    visitor.answer_all(answers_with(questionnaire, domain_scores={"stress": 6, "pain_pattern": 8}))
    visitor.fill_contact(name="Bram Jansen", email=address)
    body = visitor.submit().json()
    return visitor, body, address


def intake_after(visitor: PijntestPage, body: dict[str, Any]) -> IntakeForm:
    return visitor.intake_form(body["result"]["call_to_action"]["title"])


def invitation(visitor: PijntestPage) -> Any:
    """The result's invitation, which holds the intake form: what its screenshots show."""
    return visitor.result().locator(".pt-cta")


def test_a_visitor_asks_for_an_intake_after_the_result_and_the_coach_is_told(after_a_result, demo):
    visitor, body, address = after_a_result
    page = visitor.page
    intake = intake_after(visitor, body)
    intake.fill(moments=("Doordeweeks ’s avonds", "Op zaterdag"), message=LONG_MESSAGE)
    expect(intake.field("Je telefoonnummer")).to_have_attribute("required", "")
    expect(intake.form).to_contain_text("Nodig, want de coach belt je op dit nummer.")
    expect(intake.form.locator(".pt-counter")).to_have_text(f"Nog 1.{2000 - 1000 - len(LONG_MESSAGE)} tekens")
    part_of_page(invitation(visitor), "intake-form-desktop")
    screenshot(page, "intake-form-whole-page")
    page.set_viewport_size({"width": 390, "height": 844})
    part_of_page(invitation(visitor), "intake-form-mobile")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert serious_accessibility_violations(page, "intake-form") == []

    response = intake.send()
    assert response.status == 202
    (sent,) = visitor.intake_bodies()
    assert response.json() == {"request_id": sent["request_id"], "status": "requested"}
    assert sent["request_id"] == str(uuid.UUID(sent["request_id"]))
    assert sent["submission_id"] == body["submission_id"], "the test just taken"
    assert sent["contact"] == {"name": "Bram Jansen", "email": address, "phone": "06 12345678"}
    assert sent["preferred_contact"] == "phone"
    assert sent["preferred_moments"] == ["weekday_evening", "saturday"]
    assert sent["message"] == LONG_MESSAGE
    assert sent["consent"] == {"contact": True, "version": visitor.questionnaire["consent_version"]}
    assert sent["website"] == ""
    opened = datetime.fromtimestamp(sent["started_at"] / 1000)
    assert timedelta(minutes=9) < datetime.now() - opened < timedelta(minutes=12), "when the form was shown"

    confirmation = visitor.result().locator(".pt-confirmation")
    expect(confirmation.get_by_role("heading", name="Je aanvraag is verstuurd")).to_be_focused()
    expect(confirmation).to_contain_text("Dank je wel, Bram Jansen.")
    expect(confirmation).to_contain_text(
        "De coach belt je binnen twee werkdagen, bij voorkeur doordeweeks ’s avonds of op zaterdag."
    )
    expect(confirmation).to_contain_text(f"Je krijgt een bevestiging van je aanvraag per e-mail op {address}.")
    expect(confirmation).not_to_contain_text("wel eerst met je huisarts")
    expect(visitor.form.get_by_role("textbox")).to_have_count(0)
    expect(visitor.result()).to_contain_text(body["result"]["indication"]["title"])  # the result stays
    part_of_page(invitation(visitor), "intake-confirmation-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    part_of_page(invitation(visitor), "intake-confirmation-mobile")
    assert serious_accessibility_violations(page, "intake-confirmation") == []

    # The coach is told (Reply-To the visitor), and the visitor gets a confirmation.
    emails = demo.emails(lambda email: address in email["to"] or address in email["text"], count=3)
    by_subject = {email["subject"]: email for email in emails}
    coach = by_subject["Nieuwe aanvraag voor een intakegesprek"]
    assert coach["to"] == "coach@pijnresetcoach.nl"
    assert ["Reply-To", f"Bram Jansen <{address}>"] in coach["headers"]
    assert "+31612345678" in coach["text"]
    assert "doordeweeks 's avonds of op zaterdag" in coach["text"]
    assert "Bellen kan na 18:00 uur." in coach["text"]
    assert body["result"]["indication"]["title"] in coach["text"], "the Pijntest the visitor just took"
    confirmation_email = by_subject["Je aanvraag voor een intakegesprek is ontvangen"]
    assert confirmation_email["to"] == f"Bram Jansen <{address}>"
    assert "De coach belt je binnen twee werkdagen" in confirmation_email["text"]


def test_the_intake_form_names_each_problem_at_its_field_and_keeps_its_request_id(after_a_result, demo):
    visitor, body, _ = after_a_result
    page = visitor.page
    intake = intake_after(visitor, body)
    intake.read_for_a_while()
    intake.send_button().click()

    # Checked in the browser first: nothing is sent while the form is incomplete.
    summary = intake.summary()
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("Hoe wil je het liefst contact?: Kies hoe je het liefst contact wilt.")
    expect(summary).to_contain_text("Toestemming: Zonder deze toestemming kunnen we geen contact met je opnemen.")
    ways = intake.form.get_by_role("group", name="Hoe wil je het liefst contact?")
    assert described_by_text(ways) == "Kies hoe je het liefst contact wilt."
    assert described_by_text(intake.consent()).startswith("Zonder deze toestemming kunnen we geen contact met je")
    expect(intake.consent()).to_have_attribute("aria-invalid", "true")
    assert visitor.intake_bodies() == []

    ways.get_by_role("radio", name="Telefonisch").check()
    intake.consent().check()
    intake.send_button().click()
    phone = intake.field("Je telefoonnummer")
    expect(phone).to_have_attribute("aria-invalid", "true")
    assert described_by_text(phone) == (
        "Vul je telefoonnummer in, dan kan de coach je bellen. Nodig, want de coach belt je op dit nummer."
    )
    expect(summary.get_by_role("link", name="Je telefoonnummer: Vul je telefoonnummer in")).to_be_visible()
    part_of_page(invitation(visitor), "intake-errors")
    assert serious_accessibility_violations(page, "intake-errors") == []
    assert visitor.intake_bodies() == []

    # Well-formed, but no Dutch number has nine digits: only the API knows, and says so at the field.
    phone.fill("06 1234 567")
    refused = intake.send()
    assert refused.status == 422
    (problem,) = refused.json()["fields"]
    assert (problem["field"], problem["type"]) == ("contact.phone", "phone_invalid")
    expect(phone).to_have_attribute("aria-invalid", "true")
    assert described_by_text(phone).startswith(problem["message"])
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(problem["message"])
    part_of_page(invitation(visitor), "intake-error-422-phone")

    # A message over the limit is counted down below zero and refused before sending.
    message = intake.field("Wil je de coach alvast iets vertellen?")
    message.fill("a" * 2003)
    expect(intake.form).to_contain_text("3 tekens te veel")
    phone.fill("+32 470 12 34 56")
    intake.send_button().click()
    assert described_by_text(message).startswith("Je bericht mag hoogstens 2.000 tekens lang zijn.")
    message.fill("")
    assert intake.send().status == 202
    assert len(visitor.intake_bodies()) == 2
    assert len({sent["request_id"] for sent in visitor.intake_bodies()}) == 1, "one request, one request_id"
    assert "message" not in visitor.intake_bodies()[1], "an empty message is left out"
    expect(page.locator(".pt-confirmation")).to_contain_text("De coach belt je binnen twee werkdagen.")


def test_the_intake_form_works_by_keyboard_in_a_sensible_focus_order(after_a_result):
    visitor, body, address = after_a_result
    page = visitor.page
    intake = intake_after(visitor, body)
    intake.read_for_a_while()
    intake.field("Je naam").focus()
    page.keyboard.press("Tab")
    expect(intake.field("Je e-mailadres")).to_be_focused()
    page.keyboard.press("Tab")
    ways = intake.form.get_by_role("group", name="Hoe wil je het liefst contact?")
    expect(ways.get_by_role("radio", name="Telefonisch")).to_be_focused()
    page.keyboard.press("ArrowRight")  # moves to the next way and picks it
    expect(ways.get_by_role("radio", name="Per e-mail")).to_be_checked()
    page.keyboard.press("Tab")
    expect(intake.field("Je telefoonnummer")).to_be_focused()
    for moment in ("Doordeweeks ’s ochtends", "Doordeweeks ’s middags", "Doordeweeks ’s avonds", "Op zaterdag"):
        page.keyboard.press("Tab")
        expect(intake.form.get_by_role("checkbox", name=moment)).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(intake.field("Wil je de coach alvast iets vertellen?")).to_be_focused()
    page.keyboard.type("Liefst op zaterdag.")
    page.keyboard.press("Tab")
    expect(intake.consent()).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # past the honeypot, which is out of the tab order
    expect(intake.send_button()).to_be_focused()
    with page.expect_response(lambda response: is_intake(response.request)) as response:
        page.keyboard.press("Enter")

    assert response.value.status == 202
    (sent,) = visitor.intake_bodies()
    assert (sent["preferred_contact"], sent["preferred_moments"], sent["message"]) == (
        "email",
        ["saturday"],
        "Liefst op zaterdag.",
    )
    assert sent["contact"] == {"name": "Bram Jansen", "email": address}, "no phone: none was asked for"
    expect(visitor.result().get_by_role("heading", name="Je aanvraag is verstuurd")).to_be_focused()


def test_refusals_of_the_whole_request_and_a_lost_connection_are_explained_at_the_top(after_a_result, demo):
    visitor, body, _ = after_a_result
    page = visitor.page
    intake = intake_after(visitor, body)
    intake.fill(way="Videogesprek", phone=None)
    alert = intake.alert()
    refusals = [
        (409, "conflict", [("request_id", "conflict")]),
        (413, "payload_too_large", [("body", "too_large")]),
        (415, "unsupported_media_type", [("content-type", "unsupported_media_type")]),
    ]
    answer_posts(page, demo, "/intake", [lost_connection, *(gateway_answer(demo, *refusal) for refusal in refusals)])

    intake.send_button().click()
    expect(alert).to_contain_text("Je aanvraag kon niet worden verstuurd.")
    expect(alert).to_contain_text("laat deze website de verbinding met de coach niet toe")
    expect(alert).to_be_focused()
    expect(intake.send_button()).to_be_enabled()
    part_of_page(invitation(visitor), "intake-error-network")
    for status, code, _ in refusals:
        intake.send_button().click()
        expect(alert).to_contain_text(ApiError(status, code).body()["message"])
        expect(alert).to_be_focused()
    expect(intake.field("Je naam")).to_have_value("Bram Jansen")  # nothing the visitor typed is lost

    # Busy: asked again after Retry-After, by itself, with the same request_id.
    busy = gateway_answer(demo, 503, "service_unavailable", headers={"Retry-After": "1"})
    answer_posts(page, demo, "/intake", [busy])
    with page.expect_response(lambda response: is_intake(response.request) and response.status == 202):
        intake.send_button().click()
        expect(intake.status()).to_contain_text("We proberen het over 1 seconde")
    expect(page.locator(".pt-confirmation")).to_contain_text(
        "De coach mailt je binnen twee werkdagen om een videogesprek te plannen."
    )
    assert len(visitor.intake_bodies()) == 6
    assert len({sent["request_id"] for sent in visitor.intake_bodies()}) == 1


def test_a_quick_visitor_is_not_taken_for_a_bot(after_a_result):
    """Name and address come prefilled, so a person can send within the API's 3 s: the form waits that out."""
    visitor, body, _ = after_a_result
    page = visitor.page
    intake = intake_after(visitor, body)
    page.clock.pause_at(page.evaluate("Date.now()") + 100)  # the visitor's clock stands still until told
    intake.form.get_by_role("radio", name="Per e-mail", exact=True).check()
    intake.consent().check()
    intake.send_button().click()
    expect(intake.status()).to_have_text("Je aanvraag wordt verstuurd…")
    expect(intake.form.locator("button[type=submit]")).to_be_disabled()
    assert visitor.intake_bodies() == [], "not yet: the form was opened less than 3 seconds ago"
    with page.expect_response(lambda response: is_intake(response.request)) as response:
        page.clock.run_for(4000)
    assert response.value.json()["status"] == "requested"
    expect(page.locator(".pt-confirmation")).to_be_visible()


def test_an_intake_link_opens_the_intake_form_on_its_own_and_offers_the_test(visitor_factory, demo):
    visitor = visitor_factory(mobile=True)
    page = visitor.page
    address = an_address()
    page.goto(f"{demo.page_url}#intake")
    expect(page.get_by_role("heading", name=STANDALONE, level=2)).to_be_visible()
    expect(page.get_by_role("button", name="Doe eerst de gratis Pijntest")).to_be_visible()
    expect(visitor.step_heading(1)).to_have_count(0)
    intake = visitor.intake_form(STANDALONE)
    expect(intake.field("Je naam")).to_have_value("")
    intake.field("Je naam").fill("Carla")
    intake.field("Je e-mailadres").fill(address)
    intake.fill(way="Per e-mail", phone=None)
    screenshot(page, "intake-alone-mobile")
    assert serious_accessibility_violations(page, "intake-alone") == []
    assert intake.send().status == 202
    (sent,) = visitor.intake_bodies()
    assert "submission_id" not in sent, "no test taken here"
    expect(page.get_by_role("heading", name="Je aanvraag is verstuurd", level=3)).to_be_focused()
    (coach,) = demo.emails(lambda email: email["to"] == "coach@pijnresetcoach.nl" and address in email["text"])
    assert "Geen Pijntest gevonden bij dit e-mailadres." in coach["text"]

    page.goto(f"{demo.page_url}#intake")
    page.get_by_role("button", name="Doe eerst de gratis Pijntest").click()
    expect(visitor.step_heading(1)).to_be_focused()
    expect(page.get_by_role("heading", name=STANDALONE)).to_have_count(0)


def test_a_page_can_carry_the_intake_form_alone(visitor, demo):
    # The demo page, its container marked as a page for intakes alone would mark it. (Answering the page with an
    # edited copy instead would make Chromium treat it as a public page and block its calls to the loopback API.)
    visitor.page.add_init_script(
        """document.addEventListener("readystatechange", () => document.querySelector("[data-pijntest]")
            ?.setAttribute("data-pijntest-intake-only", ""), { once: true });"""
    )
    visitor.page.goto(demo.page_url)
    expect(visitor.page.locator("[data-pijntest-intake-only]")).to_have_count(1)
    expect(visitor.page.get_by_role("heading", name=STANDALONE, level=2)).to_be_visible()
    expect(visitor.intake_form(STANDALONE).form).to_be_visible()
    expect(visitor.page.get_by_role("button", name="Doe eerst de gratis Pijntest")).to_have_count(0)
    expect(visitor.step_heading(1)).to_have_count(0)
