"""HTML pages for the links in emails: a token check that answers with a friendly Dutch page, and
responses that keep the token out of referrers, caches and frames."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
from botocore.exceptions import BotoCoreError, ClientError

from pijnreset.api.errors import PageError
from pijnreset.api.unavailable import RETRY_AFTER_HEADER, RETRY_AFTER_SECONDS, aws_unavailable
from pijnreset.content.pages import Pages
from pijnreset.logic.tokens import Purpose, TokenClaims, TokenError, verify

_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'",
}


def html_page(pages: Pages, status: int, page_id: str, action: str | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type="text/html; charset=utf-8",
        body=pages.render(page_id, action),
        headers=dict(_HEADERS),
    )


def pdf_document(body: bytes, filename: str) -> Response[bytes]:
    """A PDF to download (base64 in the gateway's response), kept out of caches and referrers like the pages."""
    headers = {**_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(status_code=200, content_type="application/pdf", body=body, headers=headers)


def claims_from_query(
    app: APIGatewayHttpResolver, keys: list[bytes], purpose: Purpose, expired_page: str = "link_expired"
) -> TokenClaims:
    """The claims of the request's ``token``; a PageError (forged 400, expired 410: ``expired_page``) otherwise."""
    token = app.current_event.get_query_string_value("token") or ""
    try:
        return verify(keys, token, purpose, int(time.time()))
    except TokenError as error:
        if error.reason == "expired":
            raise PageError(410, expired_page) from error
        raise PageError(400, "link_invalid") from error


def same_link(app: APIGatewayHttpResolver) -> str:
    """The link itself, relative, for a page's button to post to."""
    query = app.current_event.raw_query_string
    return f"{app.current_event.path}?{query}" if query else app.current_event.path


COACH_API = "/coach/api/"


class PageResolver(APIGatewayHttpResolver):
    """A resolver of HTML pages behind email links. Its routes read ``token`` from the query string
    themselves (no request validation is needed for one opaque string), so its OpenAPI operations get
    that parameter here."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        from aws_lambda_powertools.event_handler.openapi.models import Parameter

        token = Parameter.model_validate(
            {
                "name": "token",
                "in": "query",
                "required": True,
                "description": "The signed token of the link in the email; a missing, forged or other-purpose "
                "one gets the 400 page",
                "schema": {"type": "string"},
            }
        )
        schema = super().get_openapi_schema(*args, **kwargs)
        for path, path_item in (schema.paths or {}).items():
            for operation in (path_item.get, path_item.post):
                if operation is not None and not path.startswith(COACH_API):  # a coach route is no email link
                    operation.parameters = [token]
        return schema


def page_resolver(pages: Pages) -> PageResolver:
    app = PageResolver()

    @app.exception_handler(PageError)  # type: ignore[misc]
    def _page_error(error: PageError) -> Response[str]:
        return html_page(pages, error.status, error.page_id)

    # DynamoDB or SSM throttled or down: a page that says so, and when to try again, instead of a 500.
    @app.exception_handler([ClientError, BotoCoreError, GetParameterError])  # type: ignore[misc]
    def _unavailable(error: Exception) -> Response[str]:
        if not aws_unavailable(error):
            raise error
        response = html_page(pages, 503, "unavailable")
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
        return response

    return app


def button_page(
    app: APIGatewayHttpResolver,
    pages: Pages,
    keys: Callable[[], list[bytes]],
    path: str,
    *,
    purpose: Purpose,
    page_id: str,
    summary: str,
    name: str,
) -> None:
    """Registers GET ``path``: for a good link, the page ``page_id`` with a button that posts to the same link.
    Mail security scanners open every link in an email, so a GET only shows; the POST route acts. ``name``
    names the route's function, and with it the OpenAPI operation."""

    def show() -> Response[str]:
        claims_from_query(app, keys(), purpose)
        return html_page(pages, 200, page_id, action=same_link(app))

    show.__name__ = show.__qualname__ = name
    app.get(path, summary=summary, responses=page_responses({200: "The page with the button"}))(show)


def page_responses(ok: dict[int, str]) -> dict[int, OpenAPIResponse]:
    """The documented responses of a page route: its own (status -> description) and those every page
    route can give. Every one is an HTML page."""
    html: dict[str, Any] = {"text/html": {"schema": {"type": "string"}}}
    described = {
        400: "The link is missing, damaged, forged or for another purpose",
        410: "The link has expired",
        **ok,
    }
    responses: dict[int, OpenAPIResponse] = {
        status: {"description": description, "content": html} for status, description in described.items()
    }
    responses[503] = {
        "description": "DynamoDB or SSM throttled or unavailable: retry after Retry-After seconds",
        "headers": RETRY_AFTER_HEADER,
        "content": html,
    }
    return responses
