"""The Pijntest form on the demo landing page, in Debian's Chromium, against the real API with real CORS.

The page and the API are on different ports of 127.0.0.1, so every call is a cross-origin request that the
API's CORS configuration must allow. What the visitor is sent arrives in the stack's local outbox. Screenshots
land in test-artifacts/.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.support.answers import answers_with
from tests.support.browser import (
    email_as_rendered,
    origin_of,
    part_of_page,
    screenshot,
    serious_accessibility_violations,
)
from tests.support.local_stack import local_stack

BANDS = {"low": "laag", "medium": "gemiddeld", "high": "hoog"}
MIXED = {"stress": 7, "tension": 6, "pain_pattern": 9, "worries": 4, "perfectionism": 5}


def both_sizes(visitor: Any, name: str) -> None:
    """Screenshots of the page as it is now, on a desktop and on a phone."""
    screenshot(visitor.page, f"{name}-desktop")
    visitor.page.set_viewport_size({"width": 390, "height": 844})
    screenshot(visitor.page, f"{name}-mobile")
    visitor.page.set_viewport_size({"width": 1280, "height": 900})


def assert_no_serious_accessibility_violations(visitor: Any, name: str) -> None:
    assert serious_accessibility_violations(visitor.page, name) == []


def an_address(name: str = "anna") -> str:
    """An address of this test's own: the stack and its outbox are shared by every browser test."""
    return f"{name}.{uuid.uuid4().hex[:8]}@voorbeeld.nl"


def sent_to(address: str) -> Any:
    return lambda email: address in email["to"]


def assert_shows_urgent_advice(box: Any, message: dict[str, Any], *, crisis_line: bool) -> None:
    """The advice to contact the GP today in ``box``, as served, and the 113 line only when it is called for."""
    expect(box.get_by_role("heading", name=message["title"], exact=True)).to_be_visible()
    expect(box).to_contain_text(message["text"])
    if crisis_line:
        expect(box.locator(".pt-crisis")).to_have_text(message["crisis_line"])
        expect(box).to_contain_text("0800-0113")
    else:
        expect(box.locator(".pt-crisis")).to_have_count(0)
        expect(box).not_to_contain_text("113")


def test_a_visitor_completes_the_test_sees_the_result_and_gets_it_by_email(
    visitor, browser, demo, served, questionnaire
):
    address = an_address()
    landing = f"{demo.page_url}?utm_source=nieuwsbrief&utm_medium=email&utm_campaign=voorjaar"
    visitor.open(landing, referer="https://www.zoekmachine.nl/")
    both_sizes(visitor, "form-1-safety")

    answers = answers_with(questionnaire, domain_scores=MIXED)
    visitor.answer_all(answers, on_step=lambda number, block: both_sizes(visitor, f"form-{number}-{block}-answered"))
    visitor.fill_contact(email=address)
    both_sizes(visitor, "form-4-contact")
    response = visitor.submit()

    assert response.status == 201
    body = response.json()
    result = body["result"]
    assert result["triage"] == "none"
    (sent,) = visitor.submitted_bodies()
    assert sent["submission_id"] == body["submission_id"] == str(uuid.UUID(sent["submission_id"]))
    assert sent["answers"] == answers, "every answer, with the type the API served (0 is not '0')"
    assert sent["contact"] == {"name": "Anna de Vries", "email": address}
    assert sent["consent"] == {"health_data": True, "marketing": False, "version": served["consent_version"]}
    assert sent["source"] == {
        "utm_source": "nieuwsbrief",
        "utm_medium": "email",
        "utm_campaign": "voorjaar",
        "referrer": "https://www.zoekmachine.nl/",
        "landing_path": "/",
    }
    assert sent["website"] == ""
    opened = datetime.fromtimestamp(sent["started_at"] / 1000)
    assert timedelta(minutes=9) < datetime.now() - opened < timedelta(minutes=12), "when the visitor opened the form"

    view = visitor.result()
    expect(view.get_by_role("heading", name=result["indication"]["title"])).to_be_focused()
    expect(view).to_contain_text(result["indication"]["text"])
    expect(view).to_contain_text(f"Totaalscore: {result['total']} van {result['max_total']}")
    domains = view.locator(".pt-domain")
    expect(domains).to_have_count(len(result["domains"]))
    for index, domain in enumerate(result["domains"]):
        item = domains.nth(index)
        expect(item.get_by_role("heading", name=domain["label"])).to_be_visible()
        expect(item).to_contain_text(f"{domain['score']} van {domain['max']} punten · {BANDS[domain['band']]}")
        expect(item).to_contain_text(domain["explanation"])
        track = item.locator(".pt-bar").bounding_box()
        bar = item.locator(".pt-bar-fill").bounding_box()
        assert track is not None
        assert bar is not None
        assert abs(bar["width"] / (track["width"] - 2) - domain["percent"] / 100) < 0.01, domain["id"]
        drivers = item.locator(".pt-driver")
        expect(drivers).to_have_count(len(domain["drivers"]))
        if domain["drivers"]:
            item.get_by_text("Welke antwoorden telden mee").click()
            for number, driver in enumerate(domain["drivers"]):
                expect(drivers.nth(number)).to_be_visible()
                expect(drivers.nth(number)).to_contain_text(driver["text"])
                expect(drivers.nth(number)).to_contain_text(f"je antwoord: {driver['answer'].lower()}")
    assert view.locator(".pt-advice-title").all_text_contents() == [step["title"] for step in result["advice"]]
    for note in result["notes"]:
        expect(view).to_contain_text(note)
    expect(view.get_by_role("heading", name=result["call_to_action"]["title"])).to_be_visible()
    expect(view).to_contain_text(result["call_to_action"]["text"])
    # The invitation holds the intake form, open, with the name and address of the test filled in.
    intake = visitor.intake_form(result["call_to_action"]["title"])
    expect(view.locator("[data-pijntest-intake]").get_by_role("form")).to_have_count(1)
    expect(intake.field("Je naam")).to_have_value("Anna de Vries")
    expect(intake.field("Je e-mailadres")).to_have_value(address)
    expect(intake.consent()).not_to_be_checked()
    expect(view).to_contain_text(result["disclaimer"])
    expect(view.locator(".pt-banner, .pt-urgent")).to_have_count(0)
    both_sizes(visitor, "result-none")

    # Nothing of the test in the URL, in browser storage or in cookies; no request to anyone but page and API.
    assert visitor.page.url == landing
    assert visitor.page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert visitor.page.evaluate("document.cookie") == ""
    assert visitor.origins_contacted() == {origin_of(demo.page_url), demo.url}
    assert_no_serious_accessibility_violations(visitor, "result-none")

    # The same result by email, sent through the outbox, the queue and SES.
    (email,) = demo.emails(sent_to(address))
    assert email["to"] == f"Anna de Vries <{address}>"
    assert email["subject"] == "Je uitslag van de Pijntest"
    text = " ".join(email["text"].split())  # the plain-text part is wrapped, its headings in capitals
    assert result["indication"]["title"].upper() in text
    assert f"Je totaalscore is {result['total']} van de {result['max_total']}." in text
    assert result["indication"]["title"] in email["html"]
    assert f"Je totaalscore is {result['total']} van de {result['max_total']}." in email["html"]
    assert result["call_to_action"]["title"] in email["html"]
    email_as_rendered(browser, email, "email-result-desktop")
    email_as_rendered(browser, email, "email-result-mobile", width=390)


@pytest.mark.parametrize(
    ("flags", "crisis_line"),
    [(("red_fever_ill",), False), (("red_bladder_bowel", "red_not_wanting_to_live"), True)],
    ids=["urgent", "urgent-with-crisis-line"],
)
def test_a_red_flag_shows_only_the_advice_to_see_a_gp_today(visitor, browser, questionnaire, demo, flags, crisis_line):
    address = an_address()
    visitor.open(demo.page_url)
    visitor.answer_all(answers_with(questionnaire, domain_scores=MIXED, safety_yes=flags))
    visitor.fill_contact(email=address)
    result = visitor.submit().json()["result"]

    assert result["triage"] == "urgent"
    message = result["triage_message"]
    view = visitor.result()
    expect(view.get_by_role("heading", name=message["title"])).to_be_focused()
    assert_shows_urgent_advice(view, message, crisis_line=crisis_line)
    for advice in ("huisartsenpost", "112"):
        expect(view).to_contain_text(advice)
    # No score, no theme, no advice list, no invitation: only the advice to contact the GP today.
    expect(view.locator(".pt-indication, .pt-domain, .pt-bar, .pt-advice, .pt-notes, .pt-cta")).to_have_count(0)
    for invitation in questionnaire.result.call_to_action.model_dump().values():
        expect(view).not_to_contain_text(invitation["title"])
    expect(view).not_to_contain_text("Totaalscore")
    expect(view).not_to_contain_text("punten")
    expect(view).not_to_contain_text("intake")
    # Nor an intake form: nothing in the Pijntest to fill in or send (the page's privacy form is not its part).
    expect(view.locator("[data-pijntest-intake]")).to_have_count(0)
    expect(visitor.form.get_by_role("form")).to_have_count(0)
    expect(visitor.form.get_by_role("textbox")).to_have_count(0)
    expect(visitor.form.get_by_role("button")).to_have_count(0)
    both_sizes(visitor, "result-" + ("urgent-crisis-line" if crisis_line else "urgent"))
    assert_no_serious_accessibility_violations(visitor, "result-urgent")

    (email,) = demo.emails(sent_to(address))
    assert email["subject"] == "Belangrijk: neem vandaag nog contact op met je huisarts"
    assert message["title"] in email["html"]
    assert "intake" not in email["text"].lower()
    if crisis_line:
        email_as_rendered(browser, email, "email-result-urgent")


def urgent_question(visitor: Any, *, crisis_line: bool) -> dict[str, Any]:
    """An urgent safety question as served, one that calls for the 113 line or one that does not."""
    return next(
        question
        for question in visitor.questions_of("safety")
        if question["urgency"] == "urgent" and question["crisis_line"] is crisis_line
    )


@pytest.mark.parametrize("crisis_line", [False, True], ids=["urgent", "urgent-with-crisis-line"])
def test_an_urgent_yes_shows_the_advice_at_once_before_anything_else_is_filled_in(visitor, served, demo, crisis_line):
    advice = served["urgent_advice"]
    visitor.open(demo.page_url)
    question = urgent_question(visitor, crisis_line=crisis_line)
    notice = visitor.urgent_notice()
    expect(notice).to_have_count(0)

    visitor.choose(question, "yes")
    expect(notice).to_be_in_viewport()
    assert_shows_urgent_advice(notice, advice, crisis_line=crisis_line)
    # Right below the question answered "Ja", and still on the first step, with nothing sent.
    expect(visitor.group(question).locator("xpath=following-sibling::*[1]")).to_have_attribute("role", "alert")
    expect(visitor.step_heading(1)).to_be_visible()
    assert visitor.submitted_bodies() == []
    both_sizes(visitor, "form-1-safety-" + ("urgent-crisis-line" if crisis_line else "urgent"))
    assert_no_serious_accessibility_violations(visitor, "form-1-safety-urgent")

    visitor.choose(question, "no")
    expect(notice).to_have_count(0)
    expect(visitor.form).not_to_contain_text(advice["text"])
    expect(visitor.form).not_to_contain_text(advice["crisis_line"])


def test_the_urgent_advice_stays_while_any_urgent_answer_is_yes_and_113_while_that_one_is(visitor, served, demo):
    advice = served["urgent_advice"]
    visitor.open(demo.page_url)
    crisis, other = urgent_question(visitor, crisis_line=True), urgent_question(visitor, crisis_line=False)
    notice = visitor.urgent_notice()

    visitor.choose(other, "yes")
    visitor.choose(crisis, "yes")
    expect(notice).to_have_count(1)
    assert_shows_urgent_advice(notice, advice, crisis_line=True)
    expect(visitor.group(crisis).locator("xpath=following-sibling::*[1]")).to_have_attribute("role", "alert")

    visitor.choose(crisis, "no")
    assert_shows_urgent_advice(notice, advice, crisis_line=False)
    expect(visitor.group(other).locator("xpath=following-sibling::*[1]")).to_have_attribute("role", "alert")

    visitor.choose(other, "no")
    expect(notice).to_have_count(0)
    assert visitor.submitted_bodies() == []


def test_a_see_gp_flag_puts_the_banner_first_and_changes_the_invitation(visitor_factory, questionnaire, demo):
    visitor = visitor_factory(mobile=True)
    visitor.open(demo.page_url)
    screenshot(visitor.page, "form-1-safety-phone")
    answers = answers_with(
        questionnaire, domain_scores=MIXED, safety_yes=("gp_night_pain",), context={"assessed": "no"}
    )
    visitor.answer_all(answers)
    address = an_address()
    visitor.fill_contact(email=address, marketing=True)
    response = visitor.submit()
    result = response.json()["result"]

    assert result["triage"] == "see_gp"
    assert visitor.submitted_bodies()[0]["consent"]["marketing"] is True
    view = visitor.result()
    banner = view.locator(":scope > *").first
    expect(banner).to_have_class("pt-banner")
    expect(banner.get_by_role("heading", name=result["triage_message"]["title"])).to_be_focused()
    expect(banner).to_contain_text(result["triage_message"]["text"])
    for flag in result["red_flags"]:
        expect(banner).to_contain_text(flag["flag"])
    expect(view.get_by_role("heading", name=result["indication"]["title"])).to_be_visible()
    expect(view.locator(".pt-domain")).to_have_count(len(result["domains"]))
    assert result["call_to_action"]["title"] == questionnaire.result.call_to_action.see_gp.title
    expect(view.get_by_role("heading", name=result["call_to_action"]["title"])).to_be_visible()
    expect(view).not_to_contain_text(questionnaire.result.call_to_action.none.title)
    # GP first: the intake form waits behind a button instead of following the advice at once.
    opener = view.get_by_role("button", name="Plan een intakegesprek")
    expect(opener).to_have_attribute("aria-expanded", "false")
    expect(view.get_by_role("textbox")).to_have_count(0)
    visitor.page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(visitor.page, "result-see-gp-desktop")
    visitor.page.set_viewport_size({"width": 390, "height": 844})
    screenshot(visitor.page, "result-see-gp-mobile")
    assert_no_serious_accessibility_violations(visitor, "result-see-gp")

    opener.click()
    expect(opener).to_have_attribute("aria-expanded", "true")
    intake = visitor.intake_form(result["call_to_action"]["title"])
    expect(intake.field("Je e-mailadres")).to_have_value(address)
    intake.fill(way="Per e-mail", phone=None)
    assert intake.send().status == 202
    confirmation = view.locator(".pt-confirmation")
    expect(confirmation.get_by_role("heading", name="Je aanvraag is verstuurd")).to_be_focused()
    expect(confirmation).to_contain_text("Bespreek je klachten wel eerst met je huisarts")
    expect(confirmation).to_contain_text("De coach mailt je binnen twee werkdagen.")
    expect(opener).to_be_hidden()
    part_of_page(view.locator(".pt-cta"), "intake-see-gp-confirmation")
    assert visitor.intake_bodies()[0]["submission_id"] == response.json()["submission_id"]
    (coach,) = demo.emails(lambda email: email["subject"].startswith("Nieuwe aanvraag") and address in email["text"])
    assert coach["subject"] == "Nieuwe aanvraag voor een intakegesprek (eerst huisarts)"


def test_a_page_on_an_origin_the_api_does_not_allow_is_blocked_and_says_so(visitor):
    with local_stack("--param", "AllowedOrigin=https://www.pijnresetcoach.nl") as stack:
        console: list[str] = []
        visitor.page.on("console", lambda message: console.append(message.text))
        visitor.page.goto(stack.page_url)

        alert = visitor.alert()
        expect(alert).to_contain_text("We kunnen de Pijntest nu niet bereiken.")
        expect(alert).to_contain_text("laat deze website de verbinding met de Pijntest niet toe")
        expect(alert.get_by_role("button", name="Opnieuw proberen")).to_be_visible()
        expect(visitor.page.get_by_role("radio")).to_have_count(0)
        assert any("blocked by CORS policy" in line for line in console), console
        assert "NOT allowed by the API" in "".join(stack.output)
        screenshot(visitor.page, "cors-blocked")
        assert_no_serious_accessibility_violations(visitor, "cors-blocked")
