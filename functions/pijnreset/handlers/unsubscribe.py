"""/unsubscribe?token=...: one-click unsubscribe (RFC 8058).

POST unsubscribes at once, as mail clients do for List-Unsubscribe-Post, and again does nothing new. GET
only shows a page with a button that posts, because link scanners open every link in an email.
"""

from datetime import UTC, datetime
from typing import Any

from pijnreset.api.pages import button_page, claims_from_query, html_page, page_resolver, page_responses
from pijnreset.content.loader import default_templates_dir, load_content
from pijnreset.content.pages import pages
from pijnreset.dal.consents import MarketingConsents
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.entry import html_pages
from pijnreset.observability import logger
from pijnreset.settings import UnsubscribeSettings

settings = UnsubscribeSettings.from_env()
views = pages(
    default_templates_dir(), settings.sender_name, load_content(settings.questionnaire_version).disclaimer.text
)
keys = TokenKeys(settings.token_key_parameter_name)
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
    logger.info("unsubscribe", extra={"outcome": outcome})
    return html_page(views, 200, "unsubscribe_done")


lambda_handler = html_pages(app)
