"""The caps as the form handlers (POST /pijntest, /intake, /privacy/erase) apply them: one plan per request,
its refusal (429 with Retry-After) and its metrics. The rules are in logic/caps.py, the counting in dal/caps.py.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.metrics import MetricUnit

from pijnreset.api.errors import ApiError
from pijnreset.api.resolver import openapi_response
from pijnreset.api.unavailable import RETRY_AFTER_HEADER
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.logic.caps import CapPlan, plan_caps
from pijnreset.models.api import ErrorResponse
from pijnreset.observability import metrics
from pijnreset.settings import Caps


class FormCaps:
    def __init__(self, settings: Caps, keys: TokenKeys) -> None:
        self.limits = settings.cap_limits()
        self.keys = keys  # the function's one reader of the signing keys, shared with the challenge check

    def plan(self, app: APIGatewayHttpResolver, email: str, kinds: Iterable[str], now: datetime) -> CapPlan:
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


def rate_limited_response() -> OpenAPIResponse:
    """The 429 of a form route, for the generated OpenAPI spec."""
    return {
        **openapi_response("Too many forms from this client this hour: retry after Retry-After seconds", ErrorResponse),
        "headers": RETRY_AFTER_HEADER,
    }


def rate_limited(retry_after: int) -> ApiError:
    """The 429 for a client over its hourly bound, counted."""
    metrics.add_metric(name="ClientRateLimited", unit=MetricUnit.Count, value=1)
    return ApiError(429, "rate_limited", headers={"Retry-After": str(retry_after)})


def count_capped(report: Iterable[str]) -> None:
    """One metric per cap a recorded request met: EmailCapped_address_<group>, EmailCapped_daily (emails left
    out), EmailDailyCeilingNear (the daily count is past its reporting threshold)."""
    for what in report:
        name = "EmailDailyCeilingNear" if what == "near" else f"EmailCapped_{what}"
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
