"""Logger and Metrics, created once for every function, and ``alarm_count``: the one way a function emits a metric.

The service name and metrics namespace come from POWERTOOLS_SERVICE_NAME and
POWERTOOLS_METRICS_NAMESPACE. No Tracer: importing the X-Ray SDK adds to every cold start; when the
template's Tracing parameter turns active tracing on, Lambda still records each invocation (init, invoke,
overhead) in X-Ray.

CloudWatch custom metrics are only what an operator alarms on (``ALARMED``, each read by an alarm in
template.yaml): every metric name is billed for each hour it gets data. Business counts (tests, leads,
opt-ins, intakes) are the funnel's counters in the table (dal/funnel.py); every other outcome is a field of
the function's log line, for CloudWatch Logs Insights.

Never log an event, a body, an email address, a name, a phone number or an answer. The correlation id the
entry points set (pijnreset/entry.py) is a request or message id that AWS assigns, never one of those.
"""

import warnings

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger()
metrics = Metrics()

# Each is emitted only when something needs an operator, so a quiet month bills none of them.
ALARMED = frozenset(
    {
        "EmailDeferred_quota_exceeded",  # SesSendingBlockedAlarm
        "EmailDeferred_sending_paused",  # SesSendingBlockedAlarm
        "EmailWaitHop",  # SesSendingBlockedAlarm: an email waiting for the daily quota
        "EmailDailyCeilingNear",  # EmailDailyCeilingAlarm
        "EmailCapped_daily",  # EmailDailyCeilingAlarm
        "EmailSentUnmarked",  # EmailSentUnmarkedAlarm
        "SesCoachAddressRejected",  # CoachAddressRejectedAlarm
    }
)

# Invocations that emit no metric (nearly all of them) would otherwise warn.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)


def alarm_count(name: str, value: int = 1) -> None:
    """Adds ``value`` to the alarmed count metric ``name`` (one of ``ALARMED``); other names are refused, so no
    business count slips back into CloudWatch's bill."""
    if name not in ALARMED:
        raise ValueError(f"{name} is no alarmed metric (pijnreset.observability.ALARMED)")
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
