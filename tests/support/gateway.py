"""Answers a browser's call to the API in the API's place, for the failures the real stack cannot make on demand.

The answer is exactly the body the API's error texts give, with the CORS headers the template's gateway adds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from pijnreset.api.errors import ApiError
from pijnreset.logic.answers import FieldProblem
from playwright.sync_api import Page, Route

from infra.local.apigw import HttpResponse
from infra.local.http import CorsPolicy
from infra.template import Resolver, load_template
from tests.support.browser import origin_of

Answer = Callable[[Route], None]


def gateway_answer(
    demo: Any, status: int, code: str, problems: Iterable[tuple[str, str]] = (), headers: dict[str, str] | None = None
) -> Answer:
    """Fulfils a POST the way the API and its gateway would answer this error."""
    error = ApiError(status, code, [FieldProblem(field, kind) for field, kind in problems], headers=dict(headers or {}))
    page_origin = origin_of(demo.page_url)
    cors = CorsPolicy.of_template(Resolver(load_template(), parameters={"AllowedOrigin": page_origin}))
    response = cors.decorate(
        page_origin,
        HttpResponse(
            status,
            [("Content-Type", "application/json"), *error.headers.items()],
            json.dumps(error.body(), ensure_ascii=False).encode(),
        ),
    )

    def fulfil(route: Route) -> None:
        route.fulfill(status=response.status, headers=dict(response.headers), body=response.body)

    return fulfil


def lost_connection(route: Route) -> None:
    route.abort("connectionreset")


def answer_posts(page: Page, demo: Any, path: str, answers: list[Answer]) -> None:
    """Answers the next POSTs to ``path`` with ``answers``, one each; later ones (and every GET) reach the real API."""

    def handle(route: Route) -> None:
        if route.request.method == "POST" and answers:
            answers.pop(0)(route)
        else:
            route.fallback()

    page.route(f"{demo.url}{path}", handle)
