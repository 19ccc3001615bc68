"""The privacy form ("Je gegevens verwijderen", data-pijntest-privacy) on the demo page, in Debian's Chromium.

A visitor asks for the erasure of their data by email address (POST /privacy/erase). The page says the same
whether the address is known or not; only a known address gets the email with the erasure link, in the local
outbox. Where the real API cannot fail on demand (503, a dropped connection), the browser's request is answered
in its place as in test_form_api_errors.py.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import Locator, Page, Request, Response, expect

from tests.support.browser import (
    PijntestPage,
    described_by_text,
    origin_of,
    part_of_page,
    screenshot,
    serious_accessibility_violations,
)
from tests.support.challenge import over_http
from tests.support.gateway import answer_posts, gateway_answer, lost_connection
from tests.support.links import action_links
from tests.support.payloads import submission

TITLE = "Je gegevens verwijderen"
CONFIRMATION = (
    "Als dit e-mailadres bij ons bekend is, ontvang je binnen enkele minuten een e-mail met een link om je "
    "gegevens te verwijderen."
)
NO_EMAIL_HELP = "Geen e-mail ontvangen? Kijk in je spam, of beantwoord een e-mail die je van ons kreeg."
ERASE_SUBJECT = "Bevestig het verwijderen van je gegevens"


def an_address() -> str:
    return f"lotte.{uuid.uuid4().hex[:8]}@voorbeeld.nl"


def is_erase_request(request: Request) -> bool:
    return request.method == "POST" and urlsplit(request.url).path == "/privacy/erase"


@dataclass
class PrivacyForm:
    """The privacy form as a visitor uses it: by its heading, label and button."""

    page: Page

    @property
    def container(self) -> Locator:
        return self.page.locator("[data-pijntest-privacy]")

    @property
    def form(self) -> Locator:
        return self.page.get_by_role("form", name=TITLE)

    def email(self) -> Locator:
        return self.container.get_by_label("E-mailadres", exact=True)

    def send_button(self) -> Locator:
        return self.container.get_by_role("button", name="Stuur mij de link")

    def send(self, address: str) -> Response:
        """Types the address and sends it; returns the API's final response."""
        self.email().fill(address)
        with self.page.expect_response(lambda response: is_erase_request(response.request)) as response:
            self.send_button().click()
        return response.value

    def confirmation(self) -> Locator:
        return self.container.locator(".pt-confirmation")

    def alert(self) -> Locator:
        return self.container.get_by_role("alert").first

    def erase_requests(self, visitor: PijntestPage) -> list[dict[str, Any]]:
        return [request.post_data_json for request in visitor.requests if is_erase_request(request)]


def open_privacy_form(visitor: PijntestPage, url: str) -> PrivacyForm:
    visitor.page.goto(url)
    privacy = PrivacyForm(visitor.page)
    expect(privacy.container.get_by_role("heading", name=TITLE, level=2)).to_be_visible()
    return privacy


def erase_emails(demo: Any, address: str, *, timeout: float = 15) -> list[dict[str, Any]]:
    return demo.emails(lambda email: address in email["to"] and email["subject"] == ERASE_SUBJECT, timeout=timeout)


def a_known_address(demo: Any, questionnaire: Any) -> str:
    """An address the API knows: someone took the Pijntest with it."""
    address = an_address()
    body = submission(questionnaire)
    body["contact"]["email"] = address
    body["altcha"] = over_http(demo.url)
    assert requests.post(f"{demo.url}/pijntest", json=body, timeout=10).status_code == 201
    return address


def expect_the_confirmation(privacy: PrivacyForm) -> None:
    confirmation = privacy.confirmation()
    expect(confirmation.get_by_role("heading", name="Je verzoek is ontvangen")).to_be_focused()
    expect(confirmation).to_contain_text(CONFIRMATION)
    expect(confirmation).to_contain_text(NO_EMAIL_HELP)
    expect(privacy.container.get_by_role("textbox")).to_have_count(0)


def test_a_known_visitor_asks_by_keyboard_and_gets_the_erasure_link_by_email(visitor, demo, questionnaire):
    address = a_known_address(demo, questionnaire)
    privacy = open_privacy_form(visitor, demo.page_url)
    page = visitor.page
    expect(privacy.container).to_contain_text("je antwoorden en uitslagen van de Pijntest")
    expect(privacy.container).to_contain_text("je aanmeldingen voor onze e-mails")
    expect(privacy.container).to_contain_text("je aanvragen voor een intakegesprek")
    expect(privacy.container).to_contain_text("De link werkt 7 dagen en maar één keer.")
    email = privacy.email()
    expect(email).to_have_attribute("type", "email")
    expect(email).to_have_attribute("autocomplete", "email")
    assert described_by_text(email).startswith("Het adres waarmee je de Pijntest deed")

    # By keyboard: into the field, type, Enter sends.
    email.focus()
    page.keyboard.type(address)
    page.keyboard.press("Tab")
    expect(privacy.send_button()).to_be_focused()
    page.keyboard.press("Shift+Tab")
    part_of_page(privacy.container, "privacy-form-desktop")
    with page.expect_response(lambda response: is_erase_request(response.request)) as response:
        page.keyboard.press("Enter")
    assert response.value.status == 202
    (sent_request,) = privacy.erase_requests(visitor)
    assert set(sent_request) == {"email", "altcha"}, "the address and its proof of work, nothing else"
    assert sent_request["email"] == address

    expect_the_confirmation(privacy)
    part_of_page(privacy.container, "privacy-confirmation-desktop")
    screenshot(page, "privacy-whole-page")
    assert visitor.origins_contacted() <= {origin_of(demo.page_url), origin_of(demo.url)}, "no third party"

    (sent,) = erase_emails(demo, address)
    links = action_links(sent)
    assert "/privacy/erase/confirm" in links, sent["text"]
    confirm = requests.get(f"{demo.url}{links['/privacy/erase/confirm']}", timeout=10)
    assert confirm.status_code == 200
    assert "Verwijder mijn gegevens" in confirm.text, "the link opens the page with the button"


def test_an_unknown_address_gets_the_same_answer_and_no_email(visitor, demo, questionnaire):
    unknown = an_address()
    privacy = open_privacy_form(visitor, demo.page_url)
    answer = privacy.send(unknown)
    assert answer.status == 202
    expect_the_confirmation(privacy)

    # The same answer as for an address we know, and once that one's email is out, none has gone to this one.
    known = a_known_address(demo, questionnaire)
    known_answer = requests.post(
        f"{demo.url}/privacy/erase", json={"email": known, "altcha": over_http(demo.url)}, timeout=10
    )
    assert (known_answer.status_code, known_answer.json()) == (answer.status, answer.json())
    assert len(erase_emails(demo, known)) == 1
    assert demo.emails(lambda email: unknown in email["to"], timeout=1) == []


def test_an_invalid_address_is_named_at_the_field_and_nothing_is_sent(visitor, demo):
    privacy = open_privacy_form(visitor, demo.page_url)
    email = privacy.email()

    # Empty, then not an address: the browser says so before anything is sent.
    privacy.send_button().click()
    summary = privacy.container.locator(".pt-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    assert described_by_text(email).startswith("Vul je e-mailadres in.")
    email.fill("lotte@")
    privacy.send_button().click()
    expect(email).to_have_attribute("aria-invalid", "true")
    assert described_by_text(email) == (
        "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl. "
        "Het adres waarmee je de Pijntest deed, je aanmeldde of een intakegesprek aanvroeg."
    )
    assert privacy.erase_requests(visitor) == []
    part_of_page(privacy.container, "privacy-error-invalid")

    # Looks like an address, but the API cannot mail it: its Dutch message lands at the field.
    refused = privacy.send("josé@voorbeeld.nl")
    assert refused.status == 422
    (problem,) = refused.json()["fields"]
    assert problem["field"] == "email"
    expect(email).to_have_attribute("aria-invalid", "true")
    assert described_by_text(email).startswith(problem["message"])
    assert "Naar dit e-mailadres kunnen we niet mailen" in problem["message"]
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(f"E-mailadres: {problem['message']}")
    expect(email).to_have_value("josé@voorbeeld.nl")  # what was typed stays
    expect(privacy.confirmation()).to_have_count(0)
    part_of_page(privacy.container, "privacy-error-422")
    assert demo.emails(lambda email: "voorbeeld.nl" in email["to"] and "jos" in email["to"], timeout=1) == []

    email.fill("lotte@voorbeeld.nl")
    expect(email).not_to_have_attribute("aria-invalid", "true")


def test_a_busy_api_and_a_lost_connection_are_explained_at_the_top_and_the_address_stays(visitor, demo):
    privacy = open_privacy_form(visitor, demo.page_url)
    busy = gateway_answer(demo, 503, "service_unavailable", headers={"Retry-After": "1"})
    answer_posts(visitor.page, demo, "/privacy/erase", [lost_connection, busy, busy, busy])
    address = an_address()

    privacy.email().fill(address)
    privacy.send_button().click()
    expect(privacy.alert()).to_contain_text("Je verzoek kon niet worden verstuurd.")
    expect(privacy.alert()).to_contain_text("Controleer je internetverbinding")
    expect(privacy.alert()).to_be_focused()
    expect(privacy.email()).to_have_value(address)
    expect(privacy.send_button()).to_be_enabled()
    part_of_page(privacy.container, "privacy-error-network")

    privacy.send_button().click()
    expect(privacy.alert()).to_contain_text("Het is even te druk. Probeer het over een paar minuten opnieuw.")
    expect(privacy.alert()).not_to_contain_text("bewaard")  # not the Pijntest's "je antwoorden blijven bewaard"
    expect(privacy.alert()).to_be_focused()
    assert len(privacy.erase_requests(visitor)) == 4, "the lost one, then the first try and two retries"

    assert privacy.send(address).status == 202  # the real API again
    expect_the_confirmation(privacy)
    expect(privacy.container.locator(".pt-alert")).to_be_empty()  # the earlier trouble is gone


@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "mobile"])
def test_axe_finds_nothing_serious_on_the_privacy_form(visitor_factory, demo, mobile):
    visitor = visitor_factory(mobile=mobile)
    privacy = open_privacy_form(visitor, demo.page_url)
    size = "mobile" if mobile else "desktop"
    found = {}
    privacy.container.scroll_into_view_if_needed()
    found["form"] = serious_accessibility_violations(visitor.page, f"privacy-form-{size}")
    privacy.email().fill("lotte@")
    privacy.send_button().click()
    expect(privacy.container.locator(".pt-summary")).to_be_focused()
    found["errors"] = serious_accessibility_violations(visitor.page, f"privacy-errors-{size}")
    assert privacy.send(an_address()).status == 202
    expect_the_confirmation(privacy)
    found["confirmation"] = serious_accessibility_violations(visitor.page, f"privacy-confirmation-{size}")
    if mobile:
        part_of_page(privacy.container, "privacy-confirmation-mobile")
    assert found == {"form": [], "errors": [], "confirmation": []}
