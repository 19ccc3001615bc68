"""/confirm?token=...: the double opt-in. GET shows a page with a button (mail security scanners open every
link, so a GET changes nothing); only the POST of that button records the confirmation, verifies the address and
schedules the follow-ups, for the one opt-in request the token names."""

from datetime import UTC, datetime
from typing import Any

from pijnreset.api.pages import button_page, claims_from_query, html_page, page_resolver, page_responses
from pijnreset.content.followups import load_sequence
from pijnreset.content.loader import default_templates_dir, load_content
from pijnreset.content.pages import pages
from pijnreset.dal.consents import MarketingConsents
from pijnreset.dal.table import followup_items
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.entry import html_pages
from pijnreset.observability import logger
from pijnreset.settings import ConfirmSettings

settings = ConfirmSettings.from_env()
templates = default_templates_dir()
views = pages(templates, settings.sender_name, load_content(settings.questionnaire_version).disclaimer.text)
sequence = load_sequence(templates)  # the follow-ups are content: templates/followups/ names them
keys = TokenKeys(settings.token_key_parameter_name)
consents = MarketingConsents(settings.table_name)
app = page_resolver(views)

_PAGES = {
    "confirmed": (200, "confirm_done"),
    "already_confirmed": (200, "confirm_already"),
    "superseded": (409, "confirm_superseded"),
}


button_page(
    app,
    views,
    keys.all,
    "/confirm",
    purpose="confirm",
    page_id="confirm_form",
    summary="A page with a button that confirms the marketing opt-in (only the POST acts)",
    name="confirm_page",
)


@app.post(
    "/confirm",
    summary="Confirm the marketing opt-in (double opt-in) that the link in the email was sent for",
    responses=page_responses(
        {
            200: "Confirmed (or confirmed before)",
            409: "Cannot be confirmed (any more): unsubscribed since, or a newer opt-in request has its own link",
        }
    ),
)
def confirm() -> Any:
    claims = claims_from_query(app, keys.all(), "confirm")
    if claims.ref is None:  # a link from before links named their request: it cannot say which one
        logger.info("opt-in confirmation", extra={"outcome": "superseded"})
        return html_page(views, 409, "confirm_superseded")
    now = datetime.now(UTC)
    followups = followup_items(sequence, claims.lead_id, now, settings.email_retention_days)
    outcome = consents.confirm(
        claims.lead_id, claims.ref, now, followups, settings.retention().expires_at("consent", now)
    )
    logger.info("opt-in confirmation", extra={"outcome": outcome})
    status, page_id = _PAGES.get(outcome, (409, "confirm_not_possible"))
    return html_page(views, status, page_id)


lambda_handler = html_pages(app)
