"""POST /intake: validate the request, store it with its consent proof, both email jobs and the slot it books
in one write. GET /booking/slots: the free slots it can book."""

from datetime import UTC, datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body

from pijnreset.api.booking import free_slots_body, refuse_by_triage
from pijnreset.api.forms import FormDoor, rate_limited_response, settled
from pijnreset.api.resolver import (
    build_resolver,
    json_body_responses,
    json_response,
    openapi_response,
    unavailable_response,
)
from pijnreset.content.booking import load_availability
from pijnreset.content.loader import load_content
from pijnreset.dal.bookings import Bookings
from pijnreset.dal.leads_table import LeadsTable
from pijnreset.dal.outcomes import Recorded
from pijnreset.entry import json_api
from pijnreset.logic.funnel import Step, plan_count
from pijnreset.logic.intake import INTAKE_EMAIL_KINDS, check_intake, intake_slot, plan_intake
from pijnreset.models.api import BookingSlotsResponse, ErrorResponse, IntakeResponse
from pijnreset.models.intake import IntakeRequest
from pijnreset.observability import logger
from pijnreset.settings import IntakeSettings

settings = IntakeSettings.from_env()
content = load_content(settings.questionnaire_version)
availability = load_availability(settings.booking_availability_version)
table = LeadsTable(settings.table_name)
bookings = Bookings(settings.table_name)
door = FormDoor.of(settings)
app = build_resolver()


@app.get(
    "/booking/slots",
    summary="The free intake slots of the coming weeks",
    responses={
        200: openapi_response(
            "The free slots, earliest first (none: no booking, ask for a call)", BookingSlotsResponse
        ),
        422: openapi_response("Never: the route takes no input", ErrorResponse),
        503: unavailable_response(),
    },
)
def booking_slots() -> Any:
    response = json_response(200, free_slots_body(availability, bookings, datetime.now(UTC)).model_dump(mode="json"))
    response.headers["Cache-Control"] = "no-store"  # a slot booked a moment ago is gone
    return response


@app.post(
    "/intake",
    summary="Ask for an intake call with the coach, or book one of the free slots",
    responses=json_body_responses(
        {
            202: openapi_response(
                "Requested (or a replay of the same request): the coach and the visitor get an email", IntakeResponse
            ),
            409: openapi_response("request_id already used with another payload, or the slot was taken", ErrorResponse),
            429: rate_limited_response(),
        }
    ),
)
def request_intake(request: Annotated[IntakeRequest, Body()]) -> Any:
    now = datetime.now(UTC)
    slot, slot_problems = intake_slot(availability, request, now)
    admitted = door.admit(request, check_intake(content, request) + slot_problems, now)
    new = plan_intake(content, request, now, settings.retention(), admitted.challenge, slot)
    if admitted.bot:
        return json_response(202, new.response_body)  # a person's answer, with nothing stored
    if slot is not None:
        refuse_by_triage(*table.booking_triage(new.lead_id), request.gp_acknowledged)
    # The intake form carries no source: an intake counts under the "(none)" source (docs/privacy.md).
    # A booking also counts "booked", in the same transaction: a slot taken by another request counts nothing.
    steps: tuple[Step, ...] = ("intake_requested", "booked") if slot else ("intake_requested",)
    funnel = plan_count(now, settings.questionnaire_version, None, *steps)
    recorded = table.record_intake(new, door.caps(app, new.email, INTAKE_EMAIL_KINDS, now), funnel)
    outcome = settled(recorded, "request_id", "IntakeConflict")
    if isinstance(outcome, Recorded):
        logger.info("intake recorded", extra={"preferred_contact": new.preferred_contact, "booked": bool(slot)})
    else:
        logger.info("intake replayed")
    return json_response(202, outcome.body)


lambda_handler = json_api(app)
