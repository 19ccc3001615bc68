"""What the form handlers (POST /pijntest, POST /intake) answer alike: bots, and an id reused for another payload."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit

from pijnreset.api.errors import ApiError
from pijnreset.api.resolver import json_response
from pijnreset.logic.answers import FieldProblem
from pijnreset.logic.submission import FormBody, screen_for_bots
from pijnreset.models.api import AcceptedResponse
from pijnreset.observability import metrics


def answer_to_bots(request: FormBody, now: datetime, min_fill_seconds: int) -> Response[Any] | None:
    """A 202 without anything stored for a request a bot sent, counted by reason; None for a person's."""
    spam = screen_for_bots(request, now, min_fill_seconds)
    if spam is None:
        return None
    metrics.add_metric(name=f"SpamScreened_{spam.reason}", unit=MetricUnit.Count, value=1)
    return json_response(202, AcceptedResponse().model_dump())


def conflict(id_field: str, metric: str) -> ApiError:
    """The 409 for a client id already used with another payload, counted."""
    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)
    return ApiError(409, "conflict", [FieldProblem(id_field, "conflict")])
