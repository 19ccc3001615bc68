"""GET /coach/api/funnel and /coach/api/funnel.csv (behind CoachAuthorizer; coach and assistant): the funnel's
counts for a date range, by source or campaign, per day or week, with conversion between steps (docs/funnel.md).

Read-only: Query on the funnel's partitions (dal/funnel.py), one per calendar month. The counts hold nothing of
a person, so no access log item is written.
"""

from datetime import UTC, datetime
from typing import Annotated, Any

import boto3
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from pijnreset.api.coach_auth import CoachPrincipal, require
from pijnreset.api.errors import ApiError
from pijnreset.api.resolver import build_resolver, json_response, openapi_response, unavailable_response
from pijnreset.content.funnel import load_funnel_words
from pijnreset.content.loader import default_templates_dir
from pijnreset.dal.funnel import funnel_counts
from pijnreset.entry import json_api
from pijnreset.logic.funnel import funnel_day
from pijnreset.logic.funnel_report import QueryProblems, ReportQuery, funnel_csv, funnel_report, parse_query
from pijnreset.models.api import ErrorResponse, UnauthorizedResponse
from pijnreset.models.funnel import FunnelReportResponse
from pijnreset.settings import CoachReportSettings

settings = CoachReportSettings.from_env()
words = load_funnel_words(default_templates_dir())
dynamodb = boto3.client("dynamodb")
app = build_resolver()

_From = Annotated[str | None, Query(alias="from", description="First day, YYYY-MM-DD (default: 27 days before to)")]
_To = Annotated[str | None, Query(description="Last day, YYYY-MM-DD, included (default: today, Amsterdam)")]
_By = Annotated[str | None, Query(description="source (default), campaign or none")]
_Group = Annotated[str | None, Query(description="day (default) or week (ISO weeks, Monday to Sunday)")]


def _responses(ok: OpenAPIResponse) -> dict[int, OpenAPIResponse]:
    return {
        200: ok,
        400: openapi_response("A bad from, to, by or group, each named", ErrorResponse),
        401: openapi_response("No valid access token", UnauthorizedResponse),
        403: openapi_response("In no coach group", ErrorResponse),
        422: openapi_response("Never: every parameter is checked as a 400", ErrorResponse),
        503: unavailable_response(),
    }


def _report(from_: str | None, to: str | None, by: str | None, group: str | None) -> tuple[dict[str, Any], str]:
    require(CoachPrincipal.from_event(app.current_event.raw_event))  # both groups: counts only
    today = funnel_day(datetime.now(UTC))
    try:
        query: ReportQuery = parse_query({"from": from_, "to": to, "by": by, "group": group}, today)
    except QueryProblems as error:
        raise ApiError(400, "invalid_query", error.problems) from error
    rows = funnel_counts(dynamodb, settings.table_name, query.from_day, query.to_day, query.by)
    return funnel_report(rows, query), f"funnel-{query.from_day}-{query.to_day}-{query.by}-{query.group}"


@app.get(
    "/coach/api/funnel",
    summary="The funnel's counts for a date range, by source or campaign, per day or week",
    responses=_responses(openapi_response("The report (docs/funnel.md)", FunnelReportResponse)),
)
def funnel(from_: _From = None, to: _To = None, by: _By = None, group: _Group = None) -> Any:
    report, _ = _report(from_, to, by, group)
    response = json_response(200, report)
    response.headers["Cache-Control"] = "no-store"
    return response


@app.get(
    "/coach/api/funnel.csv",
    summary="The same report as CSV (semicolons, UTF-8 with BOM): a row per period and group",
    responses=_responses({"description": "The CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}),
)
def funnel_export(from_: _From = None, to: _To = None, by: _By = None, group: _Group = None) -> Any:
    report, name = _report(from_, to, by, group)
    return Response(
        status_code=200,
        content_type="text/csv; charset=utf-8",
        body=funnel_csv(report, words.steps, words.columns),
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"', "Cache-Control": "no-store"},
    )


lambda_handler = json_api(app)
