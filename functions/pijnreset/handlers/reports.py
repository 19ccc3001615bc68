"""GET /pijntest/rapport?token=... (the visitor's report) and GET /pijntest/huisarts?token=... (the summary for
their GP): PDFs rendered on demand from the stored submission the signed link names; nothing is stored. And
GET /coach/api/leads/{lead_id}/prep.pdf (behind CoachAuthorizer, coach group only, in the access log as ``pdf``):
the coach's intake-prep sheet of one person, from the dashboard's view of them; its errors are JSON (api/errors).

The only function that imports fpdf2 (logic/pdf_reports.py) and packs the fonts. A forged or expired link, or a
submission erased or past its retention, gets a friendly Dutch page. After an urgent result the report link
gives the GP summary, which leads with the advice to contact the GP today: no score, ever.
"""

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from botocore.exceptions import BotoCoreError, ClientError

from pijnreset.api.coach_auth import CoachGroup, CoachPrincipal, require
from pijnreset.api.errors import ApiError
from pijnreset.api.pages import COACH_API, claims_from_query, html_page, page_resolver, page_responses, pdf_document
from pijnreset.api.resolver import error_response, openapi_response, unavailable_response
from pijnreset.api.unavailable import RETRY_AFTER_SECONDS, aws_unavailable
from pijnreset.content.loader import ContentError, default_templates_dir, load_content
from pijnreset.content.models import Questionnaire
from pijnreset.content.pages import pages
from pijnreset.dal.access_log import record_access
from pijnreset.dal.dashboard import Dashboard
from pijnreset.dal.person_data import PersonData
from pijnreset.dal.submissions import Submissions
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.entry import html_pages
from pijnreset.logic.coach_views import lead_detail
from pijnreset.logic.pdf_reports import Kind, render, render_prep
from pijnreset.logic.tokens import DOCUMENT_PATHS, Purpose
from pijnreset.models.api import ErrorResponse, UnauthorizedResponse
from pijnreset.models.result import PijntestResult
from pijnreset.observability import logger
from pijnreset.settings import ReportSettings

settings = ReportSettings.from_env()
templates = default_templates_dir()
views = pages(templates, settings.sender_name, load_content(settings.questionnaire_version).disclaimer.text)
keys = TokenKeys(settings.token_key_parameter_name)
submissions = Submissions(settings.table_name)
dashboard = Dashboard(settings.table_name)
people = PersonData(settings.table_name, dashboard.client)
app = page_resolver(views)
LEAD_ID_PATTERN = r"^[0-9a-f]{32}$"
LEAD_ID = re.compile(LEAD_ID_PATTERN)
# Documented like the dashboard's; checked here by hand (the page resolver validates nothing): any other is a 404.
LeadId = Annotated[str, Path(pattern=LEAD_ID_PATTERN, description="The lead's id (SHA-256 of the address)")]


@app.exception_handler(ApiError)  # type: ignore[misc]  # Powertools' decorators are untyped
def _api_error(error: ApiError) -> Response[Any]:
    return error_response(error)


@app.exception_handler([ClientError, BotoCoreError])  # type: ignore[misc]
def _unavailable(error: Exception) -> Response[Any]:
    """AWS throttled or down: the coach's route answers in the JSON contract, the visitor's links with a page."""
    if not aws_unavailable(error):
        raise error
    if app.current_event.path.startswith(COACH_API):
        return error_response(ApiError(503, "service_unavailable", headers={"Retry-After": RETRY_AFTER_SECONDS}))
    response = html_page(views, 503, "unavailable")
    response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


_PDF: OpenAPIResponse = {"description": "The PDF (a download)", "content": {"application/pdf": {"schema": {}}}}
_RESPONSES = {
    **page_responses({410: "The link has expired, or the test is no longer stored (erased or expired)"}),
    200: _PDF,
}


def _document(purpose: Purpose, kind: Kind, filename: str) -> Any:
    claims = claims_from_query(app, keys.all(), purpose, expired_page="document_link_expired")
    stored = submissions.find(claims.lead_id, claims.ref or "", datetime.now(UTC)) if claims.ref else None
    if stored is None:
        logger.info("document gone")
        return html_page(views, 410, "document_gone")
    result = PijntestResult.model_validate(stored["result"])
    if result.triage == "urgent":
        kind, filename = "huisarts", "pijntest-huisarts.pdf"  # the only PDF after an urgent result
    created = datetime.fromisoformat(str(stored["created_at"]))
    body = render(kind, result, stored["answers"], _questionnaire(result.versions.questionnaire), created, templates)
    logger.info("document rendered", extra={"kind": kind})
    return pdf_document(body, filename)


@app.get(
    DOCUMENT_PATHS["report"],
    summary="The visitor's Pijntest report as a PDF (after an urgent result: the summary for the GP)",
    responses=_RESPONSES,
)
def report() -> Any:
    return _document("report", "result", "pijntest-rapport.pdf")


@app.get(
    DOCUMENT_PATHS["gp_summary"],
    summary="A one-page summary of the Pijntest for the visitor's GP, as a PDF: red flags first, no sales text",
    responses=_RESPONSES,
)
def gp_summary() -> Any:
    return _document("gp_summary", "huisarts", "pijntest-huisarts.pdf")


def _questionnaire(version: str) -> Questionnaire:
    try:  # the questionnaire the test was taken with names its answers; the current one if it is gone
        return load_content(version).questionnaire
    except ContentError:
        return load_content(settings.questionnaire_version).questionnaire


@app.get(
    "/coach/api/leads/<lead_id>/prep.pdf",
    summary="The coach's intake-prep sheet of one person as a PDF: red flags first, contact, results, notes",
    responses={
        200: _PDF,
        401: openapi_response("No valid access token", UnauthorizedResponse),
        403: openapi_response("Not allowed for this group", ErrorResponse),
        404: openapi_response("No such lead", ErrorResponse),
        503: unavailable_response(),
    },
)
def prep_sheet(lead_id: LeadId) -> Any:
    who = require(CoachPrincipal.from_event(app.current_event.raw_event), CoachGroup.COACH)
    now = datetime.now(UTC)
    detail = lead_detail(people.items(lead_id, now), True, now) if LEAD_ID.match(lead_id) else None
    if detail is None:
        raise ApiError(404, "not_found")
    disclaimer = load_content(settings.questionnaire_version).disclaimer.text
    body = render_prep(detail, _questionnaire, disclaimer, now, templates)
    record_access(  # before the sheet leaves: no log, no sheet (a 503)
        dashboard.client,
        settings.table_name,
        who,
        "pdf",
        now,
        keep_days=settings.access_log_retention_days,
        lead_id=lead_id,
        detail={"results": len(detail.results)},
    )
    return pdf_document(body, "intake-voorbereiding.pdf")


lambda_handler = html_pages(app)
