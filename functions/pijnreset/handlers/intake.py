"""POST /intake: validate the request, store it with its consent proof and both email jobs in one write."""

from datetime import UTC, datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body

from pijnreset.api.forms import FormDoor, rate_limited_response, settled
from pijnreset.api.resolver import build_resolver, json_body_responses, json_response, openapi_response
from pijnreset.content.loader import load_content
from pijnreset.dal.leads_table import LeadsTable
from pijnreset.dal.outcomes import Recorded
from pijnreset.entry import json_api
from pijnreset.logic.funnel import plan_count
from pijnreset.logic.intake import INTAKE_EMAIL_KINDS, check_intake, plan_intake
from pijnreset.models.api import ErrorResponse, IntakeResponse
from pijnreset.models.intake import IntakeRequest
from pijnreset.observability import logger
from pijnreset.settings import IntakeSettings

settings = IntakeSettings.from_env()
content = load_content(settings.questionnaire_version)
table = LeadsTable(settings.table_name)
door = FormDoor.of(settings)
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
    admitted = door.admit(request, check_intake(content, request), now)
    new = plan_intake(content, request, now, settings.retention(), admitted.challenge)
    if admitted.bot:
        return json_response(202, new.response_body)  # a person's answer, with nothing stored
    # The intake form carries no source: an intake counts under the "(none)" source (docs/privacy.md).
    funnel = plan_count(now, settings.questionnaire_version, None, "intake_requested")
    recorded = table.record_intake(new, door.caps(app, new.email, INTAKE_EMAIL_KINDS, now), funnel)
    outcome = settled(recorded, "request_id", "IntakeConflict")
    if isinstance(outcome, Recorded):
        logger.info("intake recorded", extra={"preferred_contact": new.preferred_contact})
    else:
        logger.info("intake replayed")
    return json_response(202, outcome.body)


lambda_handler = json_api(app)
