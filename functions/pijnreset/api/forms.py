"""What the form handlers (POST /pijntest, /intake, /privacy/erase) do alike: the proof of work, bots, and an
id reused for another payload."""

from __future__ import annotations

from datetime import datetime

from aws_lambda_powertools.metrics import MetricUnit

from pijnreset.api.errors import ApiError
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.logic.answers import FieldProblem
from pijnreset.logic.challenge import FIELD, SolvedChallenge, check_solution
from pijnreset.logic.submission import FormBody, screen_for_bots
from pijnreset.observability import metrics


class ChallengeGate:
    """Verifies a request's ``altcha`` against the token keys (SSM, cached); whether it was used before is the
    store's to say, in the request's own write."""

    def __init__(self, keys: TokenKeys) -> None:
        self._keys = keys

    def solved(self, altcha: str, now: datetime) -> SolvedChallenge:
        outcome = check_solution(self._keys.all(), altcha, now)
        if isinstance(outcome, FieldProblem):
            raise challenge_failed(outcome.type)
        return outcome


def challenge_failed(reason: str) -> ApiError:
    """The 422 for a wrong, expired or reused solution (a missing one is the model's ``missing``), counted."""
    metrics.add_metric(name=f"ChallengeRefused_{reason.removeprefix('altcha_')}", unit=MetricUnit.Count, value=1)
    return ApiError(422, "challenge_failed", [FieldProblem(FIELD, reason)])


def screened_as_bot(request: FormBody, now: datetime, min_fill_seconds: int) -> bool:
    """Whether a bot sent this (counted by reason). Its caller answers it exactly as a person's request, with
    nothing stored, so the answer tells the bot nothing."""
    spam = screen_for_bots(request, now, min_fill_seconds)
    if spam is None:
        return False
    metrics.add_metric(name=f"SpamScreened_{spam.reason}", unit=MetricUnit.Count, value=1)
    return True


def conflict(id_field: str, metric: str) -> ApiError:
    """The 409 for a client id already used with another payload, counted."""
    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)
    return ApiError(409, "conflict", [FieldProblem(id_field, "conflict")])
