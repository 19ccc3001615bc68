"""POST /intake: validate the request, store it with its consent proof and both email jobs in one write."""

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
from pijnreset.logic.intake import INTAKE_EMAIL_KINDS, check_intake, plan_intake
from pijnreset.logic.submission import check_started_at
from pijnreset.models.api import ErrorResponse, IntakeResponse
from pijnreset.models.intake import IntakeRequest
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
    "/intake",
    summary="Ask for an intake call with the coach",
    responses=json_body_responses(
        {
            202: openapi_response(
                "Requested (or a replay of the same request): the coach and the visitor get an email", IntakeResponse
            ),
            409: openapi_response("request_id already used with another payload", ErrorResponse),
            429: rate_limited_response(),
        }
    ),
)
def request_intake(request: Annotated[IntakeRequest, Body()]) -> Any:
    now = datetime.now(UTC)
    problems = check_intake(content, request) + check_started_at(request, now)
    if problems:
        raise ApiError(422, "validation_failed", problems)
    solved = challenges.solved(request.altcha, now)

    new = plan_intake(content, request, now, settings.retention(), solved)
    if screened_as_bot(request, now, settings.min_fill_seconds):
        return json_response(202, new.response_body)  # a person's answer, with nothing stored
    outcome = table.record_intake(new, caps.plan(app, new.email, INTAKE_EMAIL_KINDS, now))
    if isinstance(outcome, Limited):
        raise rate_limited(outcome.retry_after)
    if isinstance(outcome, Conflict):
        raise conflict("request_id", "IntakeConflict")
    if isinstance(outcome, Reused):
        raise challenge_failed("altcha_reused")
    if isinstance(outcome, Recorded):
        metrics.add_metric(name="IntakeRequested", unit=MetricUnit.Count, value=1)
        count_capped(outcome.capped)
        logger.info("intake recorded", extra={"preferred_contact": new.preferred_contact})
    else:
        metrics.add_metric(name="IntakeReplayed", unit=MetricUnit.Count, value=1)
    return json_response(202, outcome.body)


_entry = guard_json_body(app)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return _entry(event, context)
