"""The demo landing page of ``make dev``: a page with the Pijntest snippet, on an origin of its own.

It is served on another port than the API, so every call the form makes is a real cross-origin request and
the API's CORS configuration (the template's AllowedOrigin) decides, as it will for the coach's own page.
The page and the form's files are read from ``templates/form/`` on every request: edit, then reload.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from infra.local.apigw import HttpResponse
from infra.template import ROOT

FORM_DIR = ROOT / "templates" / "form"
PAGE = "voorbeeldpagina.html"
ASSET_PREFIX = "/pijntest/"
# What the page may load; nothing else under templates/form/ is served.
ASSETS = {
    "pijntest.js": "text/javascript; charset=utf-8",
    "pijntest.css": "text/css; charset=utf-8",
    "voorbeeldpagina.css": "text/css; charset=utf-8",
}
API_PLACEHOLDER = 'data-api="{{API_URL}}"'


class DemoSite:
    """Answers the demo page and its assets; ``api_url`` is filled in once the API listens."""

    def __init__(self, form_dir: Path = FORM_DIR, api_url: str = "") -> None:
        self.form_dir = form_dir
        self.api_url = api_url

    def handle(self, method: str, path: str, *_: object) -> HttpResponse:
        """A request as ``make_server`` passes it; the page needs only its method and path."""
        if method not in ("GET", "HEAD"):
            return _text(405, "Deze actie is hier niet mogelijk.", [("Allow", "GET, HEAD")])
        if path == "/":
            return self.page()
        name = path.removeprefix(ASSET_PREFIX)
        if path.startswith(ASSET_PREFIX) and name in ASSETS:
            content = (self.form_dir / name).read_bytes()
            return HttpResponse(200, [("Content-Type", ASSETS[name]), *_COMMON_HEADERS], content)
        return _text(404, "Deze pagina bestaat niet.")

    def page(self) -> HttpResponse:
        template = (self.form_dir / PAGE).read_text(encoding="utf-8")
        if API_PLACEHOLDER not in template:
            raise ValueError(f"{PAGE} has no {API_PLACEHOLDER} for the API's address")
        page = template.replace(API_PLACEHOLDER, f'data-api="{html.escape(self.api_url, quote=True)}"')
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Security-Policy", self.content_security_policy()),
            *_COMMON_HEADERS,
        ]
        return HttpResponse(200, headers, page.encode("utf-8"))

    def content_security_policy(self) -> str:
        """As strict as a landing page can be: the form needs only its own files and the API."""
        api = urlsplit(self.api_url)
        api_origin = f"{api.scheme}://{api.netloc}"
        return "; ".join(
            [
                "default-src 'none'",
                "script-src 'self'",
                "style-src 'self'",
                "img-src 'self' data:",
                f"connect-src {api_origin}",
                "base-uri 'none'",
                "form-action 'none'",
                "frame-ancestors 'none'",
            ]
        )


_COMMON_HEADERS = [
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
]


def _text(status: int, message: str, extra: Sequence[tuple[str, str]] = ()) -> HttpResponse:
    headers = [("Content-Type", "text/plain; charset=utf-8"), *_COMMON_HEADERS, *extra]
    return HttpResponse(status, headers, message.encode("utf-8"))
