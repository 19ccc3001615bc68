"""GET /challenge: a fresh ALTCHA proof-of-work challenge, which every form solves before it is sent."""

from datetime import UTC, datetime
from typing import Any

from pijnreset.api.resolver import build_resolver, json_response, openapi_response
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.entry import json_api
from pijnreset.logic.challenge import issue
from pijnreset.models.api import ChallengeResponse
from pijnreset.settings import ChallengeSettings

settings = ChallengeSettings.from_env()
keys = TokenKeys(settings.token_key_parameter_name)
app = build_resolver(validate=False)  # nothing to validate: no parameters, no body


@app.get(
    "/challenge",
    summary="A new proof-of-work challenge (ALTCHA) for the next form to send",
    responses={200: openapi_response("The challenge; the expiry is in the salt", ChallengeResponse)},
)
def get_challenge() -> Any:
    challenge = issue(
        keys.current(), datetime.now(UTC), settings.challenge_max_number, settings.challenge_expiry_seconds
    )
    response = json_response(200, challenge)
    response.headers["Cache-Control"] = "no-store"  # one challenge per visitor: never from a shared cache
    return response


lambda_handler = json_api(app)
