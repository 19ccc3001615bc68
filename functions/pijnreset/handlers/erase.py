"""/privacy/erase/confirm?token=...: erases everything of the person. GET shows a page with a button; only
the POST of that button erases (link scanners open links)."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from pijnreset.api.pages import PageError, claims_from_query, html_page, page_resolver, page_responses, same_link
from pijnreset.content.loader import default_templates_dir, load_content
from pijnreset.content.pages import pages
from pijnreset.dal.person_data import PersonData
from pijnreset.dal.ses_suppression import SesSuppressionList
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.observability import logger, metrics
from pijnreset.settings import EraseSettings

settings = EraseSettings.from_env()
views = pages(
    default_templates_dir(),
    settings.sender_name,
    load_content(settings.questionnaire_version).disclaimer.text,
    settings.backup_recovery_days,
)
keys = TokenKeys(settings.token_key_parameter_name)
people = PersonData(settings.table_name, backup_days=settings.backup_recovery_days, ses=SesSuppressionList())
app = page_resolver(views)


@app.get(
    "/privacy/erase/confirm",
    summary="A page with a button that erases everything of the person (only the POST acts)",
    responses=page_responses({200: "The page with the button"}),
)
def erase_page() -> Any:
    claims_from_query(app, keys.all(), "erase")
    return html_page(views, 200, "erase_form", action=same_link(app))


@app.post(
    "/privacy/erase/confirm",
    summary="Erase every item of the person, keeping hashed markers only (erasure; suppression where needed)",
    responses=page_responses({200: "Erased", 410: "The link has expired, or was used already (it works once)"}),
)
def erase() -> Any:
    claims = claims_from_query(app, keys.all(), "erase")
    erasure = people.erase_through_link(claims.lead_id, datetime.now(UTC), claims.issued_at)
    if erasure is None:
        metrics.add_metric(name="ErasureLinkReused", unit=MetricUnit.Count, value=1)
        raise PageError(410, "erase_used")
    metrics.add_metric(name="PersonErased", unit=MetricUnit.Count, value=1)
    logger.info(
        "person erased",
        extra={
            "items_deleted": erasure.deleted,
            "marker_kept": erasure.kept_marker,
            "ses_released": erasure.ses_released,
        },
    )
    return html_page(views, 200, "erase_done")


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
