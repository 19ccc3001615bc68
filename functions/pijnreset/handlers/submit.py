"""POST /pijntest: validate, score with triage first, store everything in one write, answer the result."""

from datetime import UTC, datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from pijnreset.api.caps import FormCaps, count_capped, rate_limited, rate_limited_response
from pijnreset.api.errors import ApiError
from pijnreset.api.forms import ChallengeGate, challenge_failed, conflict, screened_as_bot
from pijnreset.api.resolver import (
    build_resolver,
    guard_json_body,
    json_body_responses,
    json_response,
    openapi_response,
)
from pijnreset.dal.leads_table import LeadsTable
from pijnreset.dal.outcomes import Conflict, Limited, Recorded, Reused
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.logic.submission import check_request, check_started_at, plan_submission
from pijnreset.models.api import ErrorResponse, SubmitResponse
from pijnreset.models.requests import SubmitRequest
from pijnreset.observability import logger, metrics
from pijnreset.settings import get_settings

settings = get_settings()
content = settings.content()
table = LeadsTable(settings.table_name)
keys = TokenKeys(settings.token_parameter)
challenges = ChallengeGate(keys)
caps = FormCaps(settings, keys)
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
    problems = check_request(content, request) + check_started_at(request, now)
    if problems:
        raise ApiError(422, "validation_failed", problems)
    solved = challenges.solved(request.altcha, now)

    new = plan_submission(content, request, now, settings.retention(), solved)
    if screened_as_bot(request, now, settings.min_fill_seconds):
        return json_response(201, new.response_body)  # a person's answer, with nothing stored
    outcome = table.record_submission(new, caps.plan(app, new.email, new.email_kinds, now))
    if isinstance(outcome, Limited):
        raise rate_limited(outcome.retry_after)
    if isinstance(outcome, Conflict):
        raise conflict("submission_id", "SubmissionConflict")
    if isinstance(outcome, Reused):
        raise challenge_failed("altcha_reused")
    if isinstance(outcome, Recorded):
        metrics.add_metric(name="PijntestCompleted", unit=MetricUnit.Count, value=1)
        count_capped(outcome.capped)
        metrics.add_metric(name=f"Triage_{new.result.triage}", unit=MetricUnit.Count, value=1)
        if new.result.category:
            metrics.add_metric(name=f"Category_{new.result.category}", unit=MetricUnit.Count, value=1)
        logger.info("pijntest recorded", extra={"triage": new.result.triage, "category": new.result.category})
        return json_response(201, outcome.body)
    metrics.add_metric(name="SubmissionReplayed", unit=MetricUnit.Count, value=1)
    return json_response(200, outcome.body)


_entry = guard_json_body(app)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return _entry(event, context)
