"""HTML pages for the links in emails: a token check that answers with a friendly Dutch page, and
responses that keep the token out of referrers, caches and frames."""

from __future__ import annotations

import time
from dataclasses import dataclass

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from pijnreset.content.pages import Pages
from pijnreset.logic.tokens import Purpose, TokenClaims, TokenError, verify

_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'",
}


@dataclass
class PageError(Exception):
    status: int
    page_id: str


def html_page(pages: Pages, status: int, page_id: str, action: str | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type="text/html; charset=utf-8",
        body=pages.render(page_id, action),
        headers=dict(_HEADERS),
    )


def claims_from_query(app: APIGatewayHttpResolver, keys: list[bytes], purpose: Purpose) -> TokenClaims:
    """The claims of the request's ``token``; a PageError (forged 400, expired 410) otherwise."""
    token = app.current_event.get_query_string_value("token") or ""
    try:
        return verify(keys, token, purpose, int(time.time()))
    except TokenError as error:
        if error.reason == "expired":
            raise PageError(410, "link_expired") from error
        raise PageError(400, "link_invalid") from error


def same_link(app: APIGatewayHttpResolver) -> str:
    """The link itself, relative, for a page's button to post to."""
    query = app.current_event.raw_query_string
    return f"{app.current_event.path}?{query}" if query else app.current_event.path


def page_resolver(pages: Pages) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver()

    @app.exception_handler(PageError)  # type: ignore[misc]
    def _page_error(error: PageError) -> Response[str]:
        return html_page(pages, error.status, error.page_id)

    return app
