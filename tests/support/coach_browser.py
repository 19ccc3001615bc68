"""The coach's dashboard in Chromium as the coach uses it: by labels, roles and headings, on a desktop or a phone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, expect

from infra.local.coach_users import LOCAL_USERS, LocalCoachUser
from tests.support.browser import DESKTOP, MOBILE, screenshot, serious_accessibility_violations

COACH = next(user for user in LOCAL_USERS if user.group == "coach")
ASSISTANT = next(user for user in LOCAL_USERS if user.group == "assistant")
PHONE = {"width": MOBILE["viewport"]["width"], "height": MOBILE["viewport"]["height"]}


@dataclass
class Dashboard:
    """One coach's browser tab on ``/coach/``; every request and console message of it is kept."""

    page: Page
    api_url: str
    requests: list[Request] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("request", lambda request: self.requests.append(request))
        self.page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        # A refused sign-in or an expired refresh cookie is an answer the app handles, which Chromium also logs.
        if message.type in ("error", "warning") and not message.text.startswith("Failed to load resource"):
            self.console.append(message.text)

    @property
    def url(self) -> str:
        return f"{self.api_url}/coach/"

    def open(self, hash_: str = "") -> Dashboard:
        self.page.goto(self.url + hash_)
        return self

    def heading(self, name: str | re.Pattern[str]) -> Any:
        return self.page.get_by_role("heading", level=1, name=name)

    def menu(self) -> Any:
        return self.page.get_by_role("navigation", name="Hoofdmenu")

    def sign_in(self, user: LocalCoachUser = COACH, password: str | None = None) -> None:
        expect(self.heading("Inloggen")).to_be_visible()
        self.page.get_by_label("Gebruikersnaam").fill(user.username)
        self.page.get_by_label("Wachtwoord", exact=True).fill(password if password is not None else user.password)
        self.page.get_by_role("button", name="Inloggen").click()

    def signed_in_as(self, user: LocalCoachUser) -> None:
        expect(self.page.get_by_text(re.compile(rf"^Ingelogd als {re.escape(user.username)} "))).to_be_visible()

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Uitloggen").click()
        expect(self.heading("Inloggen")).to_be_visible()

    def alert(self) -> Any:
        return self.page.get_by_role("alert")

    def go(self, menu_item: str, heading: str | re.Pattern[str]) -> None:
        self.menu().get_by_role("link", name=menu_item, exact=True).click()
        expect(self.heading(heading)).to_be_visible()

    def origins_contacted(self) -> set[str]:
        return {
            f"{urlsplit(request.url).scheme}://{urlsplit(request.url).netloc}"
            for request in self.requests
            if not request.url.startswith(("data:", "blob:"))
        }

    def storage(self) -> dict[str, Any]:
        """What the page keeps in the browser's storage (nothing, ever)."""
        return dict(
            self.page.evaluate(
                "() => ({local: Object.keys(localStorage), session: Object.keys(sessionStorage),"
                " cookies: document.cookie})"
            )
        )

    def both_sizes(self, name: str) -> None:
        """Screenshots of the page as it is now on a desktop and on a phone, each checked by axe."""
        found = {}
        for size, viewport in (("desktop", DESKTOP["viewport"]), ("mobile", PHONE)):
            self.page.set_viewport_size(viewport)
            screenshot(self.page, f"coach-{name}-{size}")
            found[size] = serious_accessibility_violations(self.page, f"coach-{name}-{size}")
        self.page.set_viewport_size(DESKTOP["viewport"])
        assert found == {"desktop": [], "mobile": []}, found


@contextmanager
def dashboard(browser: Browser, api_url: str, *, mobile: bool = False) -> Iterator[Dashboard]:
    context: BrowserContext = browser.new_context(locale="nl-NL", **(MOBILE if mobile else DESKTOP))
    try:
        yield Dashboard(context.new_page(), api_url)
    finally:
        context.close()
