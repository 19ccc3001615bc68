"""GET /confirm?token=...: the double opt-in. Records the confirmation and only then schedules follow-ups."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from pijnreset.api.pages import claims_from_query, html_page, page_resolver, page_responses
from pijnreset.content.followups import load_sequence
from pijnreset.content.pages import pages
from pijnreset.dal.consents import MarketingConsents
from pijnreset.dal.leads_table import lead_pk
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.logic.followups import plan_followups
from pijnreset.observability import logger, metrics
from pijnreset.settings import get_settings

settings = get_settings()
views = pages(settings.templates, settings.brand_name, settings.content().disclaimer.text)
sequence = load_sequence(settings.templates, settings.followup_sequence)
keys = TokenKeys(settings.token_parameter)
consents = MarketingConsents(settings.table_name)
app = page_resolver(views)

_PAGES = {"confirmed": (200, "confirm_done"), "already_confirmed": (200, "confirm_already")}


@app.get(
    "/confirm",
    summary="Confirm the marketing opt-in (double opt-in) from the link in the email",
    responses=page_responses(
        {200: "Confirmed (or confirmed before)", 409: "Cannot be confirmed any more, e.g. after unsubscribing"}
    ),
)
def confirm() -> Any:
    claims = claims_from_query(app, keys.all(), "confirm")
    now = datetime.now(UTC)
    followups = plan_followups(sequence, lead_pk(claims.lead_id), now, settings.email_retention_days)
    outcome = consents.confirm(claims.lead_id, now, followups, settings.retention().expires_at("consent", now))
    metrics.add_metric(name=f"OptIn_{outcome}", unit=MetricUnit.Count, value=1)
    status, page_id = _PAGES.get(outcome, (409, "confirm_not_possible"))
    return html_page(views, status, page_id)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
