"""The local stack as `make dev` runs it (API and demo landing page), and Debian's Chromium to visit it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, sync_playwright

from tests.support.browser import PijntestPage, launch_chromium, new_visitor
from tests.support.local_stack import RunningStack, local_stack


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def demo() -> Iterator[RunningStack]:
    """One stack for the browser tests: every submission has its own submission_id, so they do not meet."""
    with local_stack() as stack:
        yield stack


@pytest.fixture(scope="session")
def served(demo: RunningStack) -> dict[str, Any]:
    """The questionnaire exactly as the API serves it to the form."""
    response = requests.get(f"{demo.url}/pijntest", timeout=10)
    response.raise_for_status()
    return dict(response.json())


@pytest.fixture
def visitor_factory(browser: Browser, served: dict[str, Any]) -> Iterator[Callable[..., PijntestPage]]:
    contexts = []

    def make(*, mobile: bool = False) -> PijntestPage:
        context = new_visitor(browser, mobile=mobile)
        contexts.append(context)
        return PijntestPage(context.new_page(), served)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def visitor(visitor_factory: Callable[..., PijntestPage]) -> PijntestPage:
    return visitor_factory()
