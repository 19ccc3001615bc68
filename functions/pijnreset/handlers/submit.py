"""POST /pijntest: validate, score with triage first, store everything in one write, answer the result.
POST /pijntest/started: count a started test (dal/funnel.py) in one write."""

from datetime import UTC, datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from pijnreset.api.errors import ApiError
from pijnreset.api.forms import FormDoor, rate_limited, rate_limited_response, settled
from pijnreset.api.resolver import build_resolver, json_body_responses, json_response, openapi_response
from pijnreset.content.loader import load_content
from pijnreset.dal.leads_table import LeadsTable
from pijnreset.dal.outcomes import Recorded
from pijnreset.entry import json_api
from pijnreset.logic.forms import started_problems
from pijnreset.logic.funnel import Step, plan_count, retry_after_hour
from pijnreset.logic.submission import check_request, plan_submission
from pijnreset.models.api import ErrorResponse, SubmitResponse
from pijnreset.models.requests import StartedRequest, SubmitRequest
from pijnreset.observability import logger
from pijnreset.settings import SubmitSettings

settings = SubmitSettings.from_env()
content = load_content(settings.questionnaire_version)
table = LeadsTable(settings.table_name)
door = FormDoor.of(settings)
app = build_resolver()


@app.post(
    "/pijntest",
    summary="Submit a Pijntest and get the scored, explained result",
    responses=json_body_responses(
        {
            200: openapi_response("A replay of an earlier submission: the identical body", SubmitResponse),
            201: openapi_response("Scored and stored", SubmitResponse),
            409: openapi_response("submission_id already used with another payload", ErrorResponse),
            429: rate_limited_response(),
        }
    ),
)
def submit(request: Annotated[SubmitRequest, Body()]) -> Any:
    now = datetime.now(UTC)
    admitted = door.admit(request, check_request(content, request), now)
    new = plan_submission(content, request, now, settings.retention(), admitted.challenge, door.keys.current())
    if admitted.bot:
        return json_response(201, new.response_body)  # a person's answer, with nothing stored
    steps: tuple[Step, ...] = ("completed", "optin_requested") if new.marketing_requested else ("completed",)
    if new.result.triage == "urgent":
        steps = (*steps, "red_flag")  # the weekly digest's red flags raised (logic/funnel.py)
    funnel = plan_count(now, settings.questionnaire_version, new.source, *steps)
    recorded = table.record_submission(new, door.caps(app, new.email, new.email_kinds, now), funnel)
    outcome = settled(recorded, "submission_id", "SubmissionConflict")
    if not isinstance(outcome, Recorded):
        logger.info("pijntest replayed")
        return json_response(200, outcome.body)
    logger.info("pijntest recorded", extra={"triage": new.result.triage, "category": new.result.category})
    return json_response(201, outcome.body)


@app.post(
    "/pijntest/started",
    summary="Count a started Pijntest: no id, no cookie, nothing of the visitor kept",
    responses=json_body_responses(
        {204: {"description": "Counted (or screened out as a bot)"}, 429: rate_limited_response()}
    ),
)
def started(request: Annotated[StartedRequest, Body()]) -> Any:
    now = datetime.now(UTC)
    problems = started_problems(request, settings.questionnaire_version, now)
    if problems:
        raise ApiError(422, "validation_failed", problems)
    if request.website:
        logger.info("started beacon screened", extra={"bot": "honeypot"})
        return Response(204)  # a person's answer, with nothing counted
    source = request.source.model_dump(exclude_none=True) if request.source else None
    if not table.record_started(
        plan_count(now, request.questionnaire_version, source, "started"), door.started_counter(app, now)
    ):
        raise rate_limited(retry_after_hour(now))
    return Response(204)


lambda_handler = json_api(app)
