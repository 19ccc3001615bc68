"""/unsubscribe?token=...: one-click unsubscribe (RFC 8058).

POST unsubscribes at once, as mail clients do for List-Unsubscribe-Post, and again does nothing new. GET
only shows a page with a button that posts, because link scanners open every link in an email.
"""

from datetime import UTC, datetime
from typing import Any

from pijnreset.api.pages import button_page, claims_from_query, html_page, page_resolver, page_responses
from pijnreset.content.pages import pages
from pijnreset.dal.consents import MarketingConsents
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.entry import html_pages
from pijnreset.observability import count
from pijnreset.settings import get_settings

settings = get_settings()
views = pages(settings.templates, settings.brand_name, settings.content().disclaimer.text)
keys = TokenKeys(settings.token_parameter)
consents = MarketingConsents(settings.table_name)
app = page_resolver(views)


button_page(
    app,
    views,
    keys.all,
    "/unsubscribe",
    purpose="unsubscribe",
    page_id="unsubscribe_form",
    summary="A page with a button that unsubscribes (link scanners open links; only the POST acts)",
    name="unsubscribe_page",
)


@app.post(
    "/unsubscribe",
    summary="One-click unsubscribe (RFC 8058 List-Unsubscribe-Post); again does nothing new",
    responses=page_responses({200: "Unsubscribed"}),
)
def unsubscribe() -> Any:
    claims = claims_from_query(app, keys.all(), "unsubscribe")
    now = datetime.now(UTC)
    outcome = consents.unsubscribe(claims.lead_id, now, settings.retention().expires_at("consent", now))
    count(f"Unsubscribe_{outcome}")
    return html_page(views, 200, "unsubscribe_done")


lambda_handler = html_pages(app)
