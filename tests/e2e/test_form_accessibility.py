"""The form by keyboard alone, its errors tied to their fields, and axe-core on every state a visitor meets."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.answers import answers_with
from tests.support.browser import described_by_text, screenshot, serious_accessibility_violations


def test_the_whole_test_can_be_done_by_keyboard_in_a_sensible_focus_order(visitor, demo, questionnaire):
    page = visitor.page
    visitor.open(demo.page_url)
    answers = answers_with(questionnaire, domain_scores={"stress": 4, "pain_pattern": 7})
    page.keyboard.press("Tab")  # the demo page's own skip link
    for number, block in enumerate(visitor.blocks(), start=1):
        for question in visitor.questions_of(block):
            page.keyboard.press("Tab")
            group = visitor.group(question)
            expect(group.get_by_role("radio").first).to_be_focused()
            index = [option["value"] for option in question["options"]].index(answers[question["id"]])
            # Space picks the focused option; each arrow key moves to the next one and picks it.
            for key in ["Space"] if index == 0 else ["ArrowRight"] * index:
                page.keyboard.press(key)
            expect(group.get_by_role("radio", name=visitor.label_of(question, answers[question["id"]]))).to_be_checked()
        if number > 1:
            page.keyboard.press("Tab")
            expect(page.get_by_role("button", name="Vorige")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Volgende")).to_be_focused()
        page.keyboard.press("Enter")
        expect(visitor.step_heading(number + 1)).to_be_focused()

    page.keyboard.press("Tab")
    expect(page.get_by_label("Je naam")).to_be_focused()
    page.keyboard.type("Anna de Vries")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Je e-mailadres")).to_be_focused()
    page.keyboard.type("anna@voorbeeld.nl")
    page.keyboard.press("Tab")
    health, marketing = page.get_by_role("checkbox").all()
    expect(health).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(marketing).to_be_focused()
    page.keyboard.press("Tab")  # past the honeypot, which is out of the tab order
    expect(page.get_by_role("button", name="Vorige")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Bekijk mijn uitslag")).to_be_focused()
    with page.expect_response(lambda response: response.request.method == "POST") as response:
        page.keyboard.press("Enter")

    result = response.value.json()["result"]
    expect(visitor.result().get_by_role("heading", name=result["indication"]["title"])).to_be_focused()
    assert visitor.submitted_bodies()[0]["answers"] == answers
    assert visitor.submitted_bodies()[0]["consent"]["marketing"] is False


def test_missing_answers_are_named_at_each_question_and_in_a_summary(visitor, demo):
    page = visitor.page
    visitor.open(demo.page_url)
    page.get_by_role("button", name="Volgende").click()

    safety = visitor.questions_of("safety")
    summary = visitor.summary()
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    links = summary.get_by_role("link")
    expect(links).to_have_count(len(safety))
    expect(summary).to_contain_text("Kies een antwoord. vraag 1, vraag 2, vraag 3")
    expect(links.first).to_have_text("vraag 1")
    for question in safety:
        group = visitor.group(question)
        assert described_by_text(group) == "Kies een antwoord."
        expect(group.get_by_text("Kies een antwoord.")).to_be_visible()
    expect(visitor.step_heading(1)).to_be_visible()  # nothing is sent, the step stays
    screenshot(page, "form-1-safety-errors")
    assert serious_accessibility_violations(page, "form-1-safety-errors") == []

    links.nth(2).click()
    expect(visitor.group(safety[2]).get_by_role("radio").first).to_be_focused()
    assert page.url == demo.page_url, "the summary's links do not change the page URL"
    visitor.choose(safety[2], "no")
    assert described_by_text(visitor.group(safety[2])) == ""
    expect(visitor.group(safety[2]).get_by_text("Kies een antwoord.")).to_be_hidden()


def test_contact_details_and_consent_are_checked_before_anything_is_sent(visitor, demo, questionnaire):
    page = visitor.page
    visitor.open(demo.page_url)
    visitor.answer_all(answers_with(questionnaire))
    submit = page.get_by_role("button", name="Bekijk mijn uitslag")
    submit.click()

    name, email = page.get_by_label("Je naam"), page.get_by_label("Je e-mailadres")
    health, marketing = page.get_by_role("checkbox").all()
    expect(visitor.summary()).to_be_focused()
    expect(name).to_have_attribute("aria-invalid", "true")
    assert described_by_text(name) == "Vul je naam in."
    assert described_by_text(email) == "Vul je e-mailadres in."
    assert described_by_text(health).startswith("Zonder deze toestemming kunnen we je uitslag niet berekenen.")
    assert "Verplicht" in described_by_text(health)
    assert described_by_text(marketing).startswith("Niet verplicht"), "the marketing consent stays optional"
    expect(health).not_to_be_checked()
    expect(marketing).not_to_be_checked()

    name.fill("Anna de Vries")
    email.fill("anna@")
    submit.click()
    assert described_by_text(email) == "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."
    assert described_by_text(name) == ""
    screenshot(page, "form-4-contact-errors")
    assert serious_accessibility_violations(page, "form-4-contact-errors") == []
    assert visitor.submitted_bodies() == [], "nothing is sent until the form is complete"


@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "mobile"])
def test_axe_finds_nothing_serious_on_any_step_of_the_form(visitor_factory, demo, questionnaire, mobile):
    visitor = visitor_factory(mobile=mobile)
    visitor.open(demo.page_url)
    size = "mobile" if mobile else "desktop"
    found: dict[str, list[str]] = {}

    def scan(number: int, block: str) -> None:
        name = f"form-{number}-{block}-{size}"
        found[name] = serious_accessibility_violations(visitor.page, name)

    visitor.answer_all(answers_with(questionnaire), on_step=scan)
    found[f"form-4-contact-{size}"] = serious_accessibility_violations(visitor.page, f"form-4-contact-{size}")
    assert len(found) == 4
    assert found == {name: [] for name in found}
