"""Debian's Chromium driven by Playwright, and a visitor's view of the demo landing page with the Pijntest.

The browser is the machine's ``/usr/bin/chromium`` (`make test` installs it, see infra/chromium.py):
Playwright cannot download its own browser here, and the tests need nothing from outside.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright, Request, Response, expect

from infra.chromium import DEFAULT_CHROMIUM as CHROMIUM
from tests.support.local_stack import ROOT

# Without the background-networking flags Chromium phones home, and a closed network refuses it.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
MOBILE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SERIOUS = ("serious", "critical")


def launch_chromium(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `python -m infra.chromium` installs it (as `make test` does)")
    # Playwright's launch() gives every run a fresh, temporary user-data directory.
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def new_visitor(browser: Browser, *, mobile: bool = False, minutes_ago: int = 10) -> BrowserContext:
    """A fresh browser profile whose clock says the visitor opened the page ``minutes_ago`` minutes ago.

    The API refuses a test filled in faster than a person can (3 s); a visitor who takes their time is the
    one these tests play. The clock keeps running (timers fire as usual), it merely starts in the past.
    """
    context = browser.new_context(locale="nl-NL", **(MOBILE if mobile else DESKTOP))
    context.clock.install(time=datetime.now() - timedelta(minutes=minutes_ago))
    return context


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


def screenshot(page: Page, name: str) -> Path:
    path = artifact(f"{name}.png")
    page.screenshot(path=str(path), full_page=True)
    return path


def part_of_page(locator: Locator, name: str) -> Path:
    """A screenshot of one part of the page (the intake form, say) rather than the whole long page."""
    path = artifact(f"{name}.png")
    locator.screenshot(path=str(path))
    return path


def described_by_text(locator: Locator) -> str:
    """The text of the elements an element's aria-describedby names, as a screen reader announces them."""
    return str(
        locator.evaluate(
            """element => (element.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean)
                .map(id => document.getElementById(id).textContent).join(" ")"""
        )
    )


def serious_accessibility_violations(page: Page, name: str) -> list[str]:
    """axe-core on the page as it is now; the full report is kept under test-artifacts/."""
    results = Axe().run(page)
    artifact(f"axe-{name}.json").write_text(json.dumps(results.response["violations"], indent=2))
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def is_submit(request: Request) -> bool:
    return request.method == "POST" and urlsplit(request.url).path == "/pijntest"


def is_intake(request: Request) -> bool:
    return request.method == "POST" and urlsplit(request.url).path == "/intake"


def email_as_rendered(browser: Browser, email: Mapping[str, Any], name: str, *, width: int = 760) -> Path:
    """Opens an email's HTML part the way a mail client shows it (a page of its own) and screenshots it."""
    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.set_content(str(email["html"]), wait_until="load")
        return screenshot(page, name)
    finally:
        context.close()


@dataclass
class IntakeForm:
    """The intake form ("Plan een intakegesprek") as a visitor uses it: by its labels."""

    page: Page
    form: Locator
    consent_text: str

    def field(self, label: str) -> Locator:
        return self.form.get_by_label(label, exact=True)

    def read_for_a_while(self, seconds: int = 5) -> None:
        """Time passes on the visitor's clock, as it does for a person reading the form before sending it."""
        self.page.clock.fast_forward(seconds * 1000)

    def fill(
        self,
        *,
        way: str = "Telefonisch",
        phone: str | None = "06 12345678",
        moments: tuple[str, ...] = (),
        message: str | None = None,
        consent: bool = True,
    ) -> None:
        self.read_for_a_while()
        self.form.get_by_role("radio", name=way, exact=True).check()
        if phone is not None:
            self.field("Je telefoonnummer").fill(phone)
        for moment in moments:
            self.form.get_by_role("checkbox", name=moment, exact=True).check()
        if message is not None:
            self.field("Wil je de coach alvast iets vertellen?").fill(message)
        if consent:
            self.consent().check()

    def consent(self) -> Locator:
        return self.form.get_by_role("checkbox", name=self.consent_text, exact=True)

    def send_button(self) -> Locator:
        return self.form.get_by_role("button", name="Verstuur mijn aanvraag")

    def send(self) -> Response:
        """Sends the request and returns the API's final response to it."""
        with self.page.expect_response(lambda response: is_intake(response.request)) as response:
            self.send_button().click()
        return response.value

    def summary(self) -> Locator:
        return self.form.locator(".pt-summary")

    @property
    def around(self) -> Locator:
        """What holds the form, its messages for the whole request (alert, status) and, once sent, the confirmation."""
        return self.form.locator("xpath=..")

    def alert(self) -> Locator:
        return self.around.get_by_role("alert").first

    def status(self) -> Locator:
        return self.around.get_by_role("status")


@dataclass
class PijntestPage:
    """The demo landing page as a visitor uses it: by the questions' texts and the answers' labels."""

    page: Page
    questionnaire: Mapping[str, Any]
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("request", lambda request: self.requests.append(request))

    @property
    def form(self) -> Any:
        return self.page.locator("[data-pijntest]")

    @property
    def questions(self) -> list[dict[str, Any]]:
        return list(self.questionnaire["questions"])

    def open(self, url: str, referer: str | None = None) -> PijntestPage:
        self.page.goto(url, referer=referer)
        expect(self.step_heading(1)).to_be_visible()
        return self

    def step_heading(self, number: int) -> Any:
        return self.page.get_by_role("heading", name=re.compile(rf"^Stap {number} van \d+"))

    def group(self, question: Mapping[str, Any]) -> Any:
        """The fieldset of a question, found by its accessible name (the legend: number and text)."""
        return self.page.get_by_role("group", name=re.compile(re.escape(question["text"]) + r"\s*$"))

    def label_of(self, question: Mapping[str, Any], value: int | str) -> str:
        return str(next(option["label"] for option in question["options"] if option["value"] == value))

    def choose(self, question: Mapping[str, Any], value: int | str) -> None:
        self.group(question).get_by_role("radio", name=self.label_of(question, value), exact=True).check()

    def next_step(self, number: int) -> None:
        self.page.get_by_role("button", name="Volgende").click()
        expect(self.step_heading(number)).to_be_focused()

    def answer_all(self, answers: Mapping[str, int | str], on_step: Callable[[int, str], None] | None = None) -> None:
        """Answers every question, step by step in the order the API gave the blocks, up to the contact step.

        ``on_step(number, block)`` is called on each step once its questions are answered.
        """
        for number, block in enumerate(self.blocks(), start=1):
            for question in self.questions_of(block):
                self.choose(question, answers[question["id"]])
            if on_step:
                on_step(number, block)
            self.next_step(number + 1)

    def blocks(self) -> list[str]:
        return [block["id"] for block in self.questionnaire["blocks"]]

    def questions_of(self, block: str) -> list[dict[str, Any]]:
        return [question for question in self.questions if question["block"] == block]

    def fill_contact(
        self,
        name: str = "Anna de Vries",
        email: str = "anna@voorbeeld.nl",
        *,
        health: bool = True,
        marketing: bool = False,
    ) -> None:
        self.page.get_by_label("Je naam").fill(name)
        self.page.get_by_label("Je e-mailadres").fill(email)
        consents = {consent["purpose"]: consent["text"] for consent in self.questionnaire["consents"]}
        if health:
            self.page.get_by_label(consents["health_data"], exact=True).check()
        if marketing:
            self.page.get_by_label(consents["marketing"], exact=True).check()

    def submit(self) -> Any:
        """Sends the test and returns the API's final response to it."""
        with self.page.expect_response(lambda response: is_submit(response.request)) as response:
            self.page.get_by_role("button", name="Bekijk mijn uitslag").click()
        return response.value

    def submitted_bodies(self) -> list[dict[str, Any]]:
        return [request.post_data_json for request in self.requests if is_submit(request)]

    def intake_bodies(self) -> list[dict[str, Any]]:
        return [request.post_data_json for request in self.requests if is_intake(request)]

    def intake_form(self, heading: str) -> IntakeForm:
        """The intake form named by the heading it sits under (the invitation's title, or its own)."""
        consent = next(consent["text"] for consent in self.questionnaire["consents"] if consent["form"] == "intake")
        return IntakeForm(self.page, self.page.get_by_role("form", name=heading), consent)

    def origins_contacted(self) -> set[str]:
        return {origin_of(request.url) for request in self.requests if not request.url.startswith("data:")}

    def summary(self) -> Any:
        """The list of what is missing, at the top of the step on screen."""
        return self.page.locator(".pt-summary:visible")

    def alert(self) -> Any:
        return self.form.get_by_role("alert").first

    def urgent_notice(self) -> Any:
        """The advice to contact the GP today, shown in the safety step as soon as an urgent question is "Ja"."""
        title = self.questionnaire["urgent_advice"]["title"]
        return self.form.get_by_role("alert").filter(has=self.page.get_by_role("heading", name=title, exact=True))

    def result(self) -> Any:
        return self.page.locator(".pt-result")
