"""The front door of the form handlers (POST /pijntest, /intake, /privacy/erase): the checks every form passes
(logic/forms.py decides), its caps (logic/caps.py), and the outcome of its one write, as answers and counts.

Every refusal is an ApiError (api/errors.py), counted here; a bot's form is answered by its handler exactly as a
person's, with nothing stored.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from pijnreset.api.errors import ApiError
from pijnreset.api.resolver import openapi_response
from pijnreset.api.unavailable import RETRY_AFTER_HEADER
from pijnreset.dal.outcomes import Conflict, FormOutcome, Limited, Recorded, Replayed, Reused, SlotTaken
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.logic.answers import FieldProblem
from pijnreset.logic.caps import CapLimits, CapPlan, Counter, client_counter, plan_caps
from pijnreset.logic.challenge import FIELD, SolvedChallenge, check_solution
from pijnreset.logic.forms import Admitted, FormBody, admit
from pijnreset.models.api import ErrorResponse
from pijnreset.observability import alarm_count, logger

if TYPE_CHECKING:
    from pijnreset.settings import IntakeSettings, SubmitSettings

    FormSettings = SubmitSettings | IntakeSettings


class FormDoor:
    @classmethod
    def of(cls, settings: FormSettings) -> FormDoor:
        """The door of a form function, with its own reader of the signing keys."""
        return cls(TokenKeys(settings.token_key_parameter_name), settings.cap_limits(), settings.min_fill_seconds)

    def __init__(self, keys: TokenKeys, limits: CapLimits, min_fill_seconds: int) -> None:
        self.keys = keys  # the function's one reader of the signing keys: challenges and caps share it
        self.limits = limits
        self.min_fill_seconds = min_fill_seconds

    def admit(self, request: FormBody, problems: Sequence[FieldProblem], now: datetime) -> Admitted:
        """The form's admission, or the 422 for its ``problems``, its ``started_at`` or its proof of work."""
        outcome = admit(request, problems, self.keys.all(), now, self.min_fill_seconds)
        if isinstance(outcome, Admitted):
            if outcome.bot is not None:
                logger.info("form screened", extra={"bot": outcome.bot.reason})
            return outcome
        if outcome.code == "challenge_failed":
            raise challenge_failed(outcome.problems[0].type)
        raise ApiError(422, outcome.code, outcome.problems)

    def solved(self, altcha: str, now: datetime) -> SolvedChallenge:
        """The verified proof of work alone (whether it was used before is the store's to say), or its 422."""
        outcome = check_solution(self.keys.all(), altcha, now)
        if isinstance(outcome, FieldProblem):
            raise challenge_failed(outcome.type)
        return outcome

    def caps(self, app: APIGatewayHttpResolver, email: str, kinds: Iterable[str], now: datetime) -> CapPlan:
        """The counters of this request. The source IP is only hashed here: never stored, logged or returned."""
        source_ip = app.current_event.request_context.http.source_ip or None
        return plan_caps(
            self.limits,
            self.keys.current(),
            email=email,
            source_ip=source_ip,
            kinds=kinds,
            now=now,
            shard=random.randrange(1 << 16),  # noqa: S311 - spreads writes over the daily counter's items, no secret
        )

    def started_counter(self, app: APIGatewayHttpResolver, now: datetime) -> Counter | None:
        """The started beacon's hourly counter of its client, apart from the forms' (the IP is only hashed)."""
        source_ip = app.current_event.request_context.http.source_ip or None
        return client_counter(self.limits, self.keys.current(), source_ip, now, purpose="started")


def settled(outcome: FormOutcome, id_field: str, conflict_metric: str) -> Recorded | Replayed:
    """A form's write that took (recorded, its caps counted) or replayed an earlier one; the 429, 409 or 422
    (its proof of work spent before, or its slot
    booked by another request) otherwise."""
    if isinstance(outcome, Limited):
        raise rate_limited(outcome.retry_after)
    if isinstance(outcome, Conflict):
        raise conflict(id_field, conflict_metric)
    if isinstance(outcome, Reused):
        raise challenge_failed("altcha_reused")
    if isinstance(outcome, SlotTaken):
        raise slot_taken()
    if isinstance(outcome, Recorded):
        count_capped(outcome.capped)
    return outcome


def slot_taken() -> ApiError:
    """The 409 of a slot another request booked first (the form then loads fresh slots), counted."""
    logger.info("booking slot taken")  # an outcome, not an alarm: a log field, no CloudWatch metric
    return ApiError(409, "slot_taken", [FieldProblem("slot_start", "slot_taken")])


def challenge_failed(reason: str) -> ApiError:
    """The 422 for a wrong, expired or reused solution (a missing one is the model's ``missing``), logged."""
    logger.info("challenge refused", extra={"reason": reason.removeprefix("altcha_")})
    return ApiError(422, "challenge_failed", [FieldProblem(FIELD, reason)])


def conflict(id_field: str, metric: str) -> ApiError:
    """The 409 for a client id already used with another payload, logged."""
    logger.info("form conflict", extra={"conflict": metric})
    return ApiError(409, "conflict", [FieldProblem(id_field, "conflict")])


def rate_limited(retry_after: int) -> ApiError:
    """The 429 for a client over its hourly bound, logged."""
    logger.info("client rate limited")
    return ApiError(429, "rate_limited", headers={"Retry-After": str(retry_after)})


def rate_limited_response() -> OpenAPIResponse:
    """The 429 of a form route, for the generated OpenAPI spec."""
    return {
        **openapi_response("Too many forms from this client this hour: retry after Retry-After seconds", ErrorResponse),
        "headers": RETRY_AFTER_HEADER,
    }


def count_capped(report: Iterable[str]) -> None:
    """The caps a recorded request met: the daily ceiling's (EmailCapped_daily: emails left out;
    EmailDailyCeilingNear: the daily count is past its reporting threshold) are alarmed metrics, a mailbox's
    own cap (address_<group>) a log field."""
    for what in report:
        if what in ("near", "daily"):
            alarm_count("EmailDailyCeilingNear" if what == "near" else "EmailCapped_daily")
        else:
            logger.info("email capped", extra={"cap": what})
