"""GET /pijntest/rapport?token=... (the visitor's report) and GET /pijntest/huisarts?token=... (the summary for
their GP): PDFs rendered on demand from the stored submission the signed link names; nothing is stored.

The only function that imports fpdf2 (logic/pdf_reports.py) and packs the fonts. A forged or expired link, or a
submission erased or past its retention, gets a friendly Dutch page. After an urgent result the report link
gives the GP summary, which leads with the advice to contact the GP today: no score, ever.
"""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from pijnreset.api.pages import claims_from_query, html_page, page_resolver, page_responses, pdf_document
from pijnreset.content.loader import ContentError, default_templates_dir, load_content
from pijnreset.content.pages import pages
from pijnreset.dal.submissions import Submissions
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.entry import html_pages
from pijnreset.logic.pdf_reports import Kind, render
from pijnreset.logic.tokens import DOCUMENT_PATHS, Purpose
from pijnreset.models.result import PijntestResult
from pijnreset.observability import logger
from pijnreset.settings import ReportSettings

settings = ReportSettings.from_env()
templates = default_templates_dir()
views = pages(templates, settings.sender_name, load_content(settings.questionnaire_version).disclaimer.text)
keys = TokenKeys(settings.token_key_parameter_name)
submissions = Submissions(settings.table_name)
app = page_resolver(views)

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
    try:  # the questionnaire the test was taken with names its answers; the current one if it is gone
        content = load_content(result.versions.questionnaire)
    except ContentError:
        content = load_content(settings.questionnaire_version)
    created = datetime.fromisoformat(str(stored["created_at"]))
    body = render(kind, result, stored["answers"], content.questionnaire, created, templates)
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


lambda_handler = html_pages(app)
