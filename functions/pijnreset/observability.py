"""Logger and Metrics, created once for every function, and ``count``: the one way a function counts.

The service name and metrics namespace come from POWERTOOLS_SERVICE_NAME and
POWERTOOLS_METRICS_NAMESPACE. No Tracer: importing the X-Ray SDK adds to every cold start, and active
tracing in template.yaml still records each invocation (init, invoke, overhead) in X-Ray.

Never log an event, a body, an email address, a name, a phone number or an answer. The correlation id the
entry points set (pijnreset/entry.py) is a request or message id that AWS assigns, never one of those.
"""

import warnings

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger()
metrics = Metrics()

# Requests refused before any metric is added (bad content type, oversized body) would otherwise warn.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)


def count(name: str, value: int = 1) -> None:
    """Adds ``value`` to the count metric ``name``. Names are fixed words and outcomes, never anything of a person."""
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
