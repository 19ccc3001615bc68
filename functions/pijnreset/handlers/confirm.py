"""/confirm?token=...: the double opt-in. GET shows a page with a button (mail security scanners open every
link, so a GET changes nothing); only the POST of that button records the confirmation, verifies the address and
schedules the follow-ups, for the one opt-in request the token names."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from pijnreset.api.pages import claims_from_query, html_page, page_resolver, page_responses, same_link
from pijnreset.content.followups import load_sequence
from pijnreset.content.pages import pages
from pijnreset.dal.consents import MarketingConsents
from pijnreset.dal.table import followup_items
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.observability import logger, metrics
from pijnreset.settings import get_settings

settings = get_settings()
views = pages(settings.templates, settings.brand_name, settings.content().disclaimer.text)
sequence = load_sequence(settings.templates, settings.followup_sequence)
keys = TokenKeys(settings.token_parameter)
consents = MarketingConsents(settings.table_name)
app = page_resolver(views)

_PAGES = {
    "confirmed": (200, "confirm_done"),
    "already_confirmed": (200, "confirm_already"),
    "superseded": (409, "confirm_superseded"),
}


@app.get(
    "/confirm",
    summary="A page with a button that confirms the marketing opt-in (only the POST acts)",
    responses=page_responses({200: "The page with the button"}),
)
def confirm_page() -> Any:
    claims_from_query(app, keys.all(), "confirm")
    return html_page(views, 200, "confirm_form", action=same_link(app))


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
        metrics.add_metric(name="OptIn_superseded", unit=MetricUnit.Count, value=1)
        return html_page(views, 409, "confirm_superseded")
    now = datetime.now(UTC)
    followups = followup_items(sequence, claims.lead_id, now, settings.email_retention_days)
    outcome = consents.confirm(
        claims.lead_id, claims.ref, now, followups, settings.retention().expires_at("consent", now)
    )
    metrics.add_metric(name=f"OptIn_{outcome}", unit=MetricUnit.Count, value=1)
    status, page_id = _PAGES.get(outcome, (409, "confirm_not_possible"))
    return html_page(views, status, page_id)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
