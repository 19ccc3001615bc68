"""/unsubscribe?token=...: one-click unsubscribe (RFC 8058).

POST unsubscribes at once, as mail clients do for List-Unsubscribe-Post, and again does nothing new. GET
only shows a page with a button that posts, because link scanners open every link in an email.
"""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from pijnreset.api.pages import claims_from_query, html_page, page_resolver, page_responses, same_link
from pijnreset.content.loader import default_templates_dir, load_content
from pijnreset.content.pages import pages
from pijnreset.dal.consents import MarketingConsents
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.observability import logger, metrics
from pijnreset.settings import UnsubscribeSettings

settings = UnsubscribeSettings.from_env()
views = pages(
    default_templates_dir(), settings.sender_name, load_content(settings.questionnaire_version).disclaimer.text
)
keys = TokenKeys(settings.token_key_parameter_name)
consents = MarketingConsents(settings.table_name)
app = page_resolver(views)


@app.get(
    "/unsubscribe",
    summary="A page with a button that unsubscribes (link scanners open links; only the POST acts)",
    responses=page_responses({200: "The page with the button"}),
)
def unsubscribe_page() -> Any:
    claims_from_query(app, keys.all(), "unsubscribe")
    return html_page(views, 200, "unsubscribe_form", action=same_link(app))


@app.post(
    "/unsubscribe",
    summary="One-click unsubscribe (RFC 8058 List-Unsubscribe-Post); again does nothing new",
    responses=page_responses({200: "Unsubscribed"}),
)
def unsubscribe() -> Any:
    claims = claims_from_query(app, keys.all(), "unsubscribe")
    now = datetime.now(UTC)
    outcome = consents.unsubscribe(claims.lead_id, now, settings.retention().expires_at("consent", now))
    metrics.add_metric(name=f"Unsubscribe_{outcome}", unit=MetricUnit.Count, value=1)
    return html_page(views, 200, "unsubscribe_done")


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
