"""GET /coach: the coach's dashboard, served by the stack itself (templates/coach/). The shell is public and
holds no data; everything it shows comes from /coach/api with the access token, which lives in the page's memory.

The shell is never cached and names the script and stylesheet by their content's hash; those are cached for a
year. Its Content-Security-Policy allows only this origin: no inline script, no third party.
"""

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse, OpenAPIResponseContentSchema

from pijnreset.api.errors import ApiError
from pijnreset.api.resolver import build_resolver, openapi_response
from pijnreset.content.coach_app import coach_app
from pijnreset.content.loader import default_templates_dir
from pijnreset.entry import html_pages
from pijnreset.models.api import ErrorResponse
from pijnreset.settings import CoachAppSettings

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
SHELL_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
ASSET_HEADERS = {"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"}

settings = CoachAppSettings.from_env()
dashboard = coach_app(default_templates_dir())
app = build_resolver(validate=False)  # no body; the one path parameter is looked up as it is
_text: OpenAPIResponseContentSchema = {"schema": {"type": "string"}}
_shell_responses: dict[int, OpenAPIResponse] = {200: {"description": "The app's HTML", "content": {"text/html": _text}}}


@app.get("/coach", summary="The coach's dashboard (also at /coach/)", responses=_shell_responses)
def shell() -> Any:
    return Response(200, "text/html; charset=utf-8", dashboard.shell, dict(SHELL_HEADERS))


app.get("/coach/", include_in_schema=False)(shell)  # API Gateway routes /coach/ to GET /coach as well


@app.get(
    "/coach/assets/<name>",
    summary="The dashboard's script or stylesheet, by its hashed name",
    compress=True,
    responses={
        200: {
            "description": "The file; cached for a year (a new version has a new name)",
            "content": {"text/javascript": _text, "text/css": _text},
        },
        404: openapi_response("No such file (or an old version's name)", ErrorResponse),
    },
)
def asset(name: str) -> Any:
    found = dashboard.asset(name)
    if found is None:
        raise ApiError(404, "not_found")
    return Response(200, found.content_type, found.body, dict(ASSET_HEADERS))


lambda_handler = html_pages(app)
