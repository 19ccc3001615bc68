"""/privacy/erase/confirm?token=...: erases everything of the person. GET shows a page with a button; only
the POST of that button erases (link scanners open links)."""

from datetime import UTC, datetime
from typing import Any

from pijnreset.api.errors import PageError
from pijnreset.api.pages import button_page, claims_from_query, html_page, page_resolver, page_responses
from pijnreset.content.loader import default_templates_dir, load_content
from pijnreset.content.pages import pages
from pijnreset.dal.person_data import PersonData
from pijnreset.dal.ses_suppression import SesSuppressionList
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.entry import html_pages
from pijnreset.observability import logger
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


button_page(
    app,
    views,
    keys.all,
    "/privacy/erase/confirm",
    purpose="erase",
    page_id="erase_form",
    summary="A page with a button that erases everything of the person (only the POST acts)",
    name="erase_page",
)


@app.post(
    "/privacy/erase/confirm",
    summary="Erase every item of the person, keeping hashed markers only (erasure; suppression where needed)",
    responses=page_responses({200: "Erased", 410: "The link has expired, or was used already (it works once)"}),
)
def erase() -> Any:
    claims = claims_from_query(app, keys.all(), "erase")
    erasure = people.erase_through_link(claims.lead_id, datetime.now(UTC), claims.issued_at)
    if erasure is None:
        logger.info("erasure link reused")
        raise PageError(410, "erase_used")
    logger.info(
        "person erased",
        extra={
            "items_deleted": erasure.deleted,
            "marker_kept": erasure.kept_marker,
            "ses_released": erasure.ses_released,
        },
    )
    return html_page(views, 200, "erase_done")


lambda_handler = html_pages(app)
