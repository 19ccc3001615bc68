"""SES bounce and complaint notifications (configuration set -> SNS -> here): suppress the address.

A permanent bounce or a complaint suppresses every email to the address; transient bounces are only
counted. Nothing here raises on a bad notification: SNS would only redeliver it.
"""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from pijnreset.dal.suppressions import Suppressions
from pijnreset.logic.identity import lead_id_for
from pijnreset.logic.ses_events import parse_notification
from pijnreset.observability import logger, metrics
from pijnreset.settings import get_settings

suppressions = Suppressions(get_settings().table_name)

_METRICS = {
    "suppress_bounce": "SesBounceSuppressed",
    "suppress_complaint": "SesComplaintSuppressed",
    "transient_bounce": "SesTransientBounce",
    "ignored": "SesEventIgnored",
    "malformed": "SesEventMalformed",
}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    counts = dict.fromkeys(_METRICS.values(), 0)
    records = event.get("Records") if isinstance(event, dict) else None
    for record in records if isinstance(records, list) else [None]:
        sns = record.get("Sns") if isinstance(record, dict) else None
        message = sns.get("Message") if isinstance(sns, dict) else None
        for ses_event in parse_notification(message) if isinstance(message, str) else parse_notification(""):
            if ses_event.action in ("suppress_bounce", "suppress_complaint") and ses_event.email:
                reason = "bounce" if ses_event.action == "suppress_bounce" else "complaint"
                suppressions.suppress(lead_id_for(ses_event.email), reason, datetime.now(UTC))
            counts[_METRICS[ses_event.action]] += 1
    for name, value in counts.items():
        if value:
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    logger.info("ses notifications handled", extra=counts)
    return counts
