"""Logger and Metrics, created once for every function.

The service name and metrics namespace come from POWERTOOLS_SERVICE_NAME and
POWERTOOLS_METRICS_NAMESPACE. No Tracer: importing the X-Ray SDK adds to every cold start, and active
tracing in template.yaml still records each invocation (init, invoke, overhead) in X-Ray.

Never log an event, a body, an email address, a name, a phone number or an answer.
"""

import warnings

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()

# Requests refused before any metric is added (bad content type, oversized body) would otherwise warn.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)
