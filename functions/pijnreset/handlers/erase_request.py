"""POST /privacy/erase: asks for erasure by email address. Always 202, known address or not (once the proof of
work is good: a new one per request).

For a known address the same single write also puts an email job with a signed erasure link; for an
unknown one that write's condition fails. Same answer, same work, so the answer tells nothing.

The caps (logic/caps.py): the client's hourly bound is counted first, in a call of its own, so that a 429
never depends on whether the address is known; the mailbox's daily cap and the daily ceiling are conditions
of the single write, which past them writes nothing (and still answers 202). The proof of work is checked
before anything is counted, and spent (its own conditional put) after the client's count.
"""

from datetime import UTC, datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body

from pijnreset.api.forms import FormDoor, challenge_failed, rate_limited, rate_limited_response
from pijnreset.api.resolver import build_resolver, json_body_responses, json_response, openapi_response
from pijnreset.dal.challenges import UsedChallenges
from pijnreset.dal.person_data import PersonData
from pijnreset.dal.table import email_job_item
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.entry import json_api
from pijnreset.logic.identity import lead_id_for
from pijnreset.models.api import AcceptedResponse
from pijnreset.models.requests import ErasureRequest
from pijnreset.observability import logger
from pijnreset.settings import EraseRequestSettings
from pijnreset.timestamps import iso

settings = EraseRequestSettings.from_env()
people = PersonData(settings.table_name)
used = UsedChallenges(settings.table_name)
keys = TokenKeys(settings.token_key_parameter_name)
door = FormDoor(keys, settings.cap_limits(), min_fill_seconds=0)  # the erasure form is not admitted: no fill time
app = build_resolver()


@app.post(
    "/privacy/erase",
    summary="Ask for erasure of everything stored about an email address",
    responses=json_body_responses(
        {
            202: openapi_response("Accepted; a confirmation link goes to the address if we know it", AcceptedResponse),
            429: rate_limited_response(),
        }
    ),
)
def request_erasure(request: Annotated[ErasureRequest, Body()]) -> Any:
    now = datetime.now(UTC)
    lead_id = lead_id_for(request.email)
    solved = door.solved(request.altcha, now)  # checked before anything is counted or written
    job = email_job_item(
        lead_id=lead_id,
        kind="erase_confirm",
        created_at=now,
        reference="erase",
        once_per=iso(now)[:13],  # at most one confirmation email per address per hour
        expires_at=settings.retention().expires_at("email", now),
    )
    plan = door.caps(app, request.email, ["erase_confirm"], now)
    if not people.count_client(plan):
        raise rate_limited(plan.retry_after)
    # Spent in its own write: the erasure write below fails its condition for an unknown address.
    if not used.spend(solved, request=lead_id):
        raise challenge_failed("altcha_reused")
    outcome = people.request_erasure(lead_id, job, now, plan)
    logger.info("erasure requested", extra={"outcome": outcome})
    return json_response(202, AcceptedResponse().model_dump())


lambda_handler = json_api(app)
