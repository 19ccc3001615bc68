"""SES bounce and complaint notifications (configuration set -> SNS -> here): suppress the address.

A permanent bounce or a complaint suppresses every email to the address; transient bounces are only
counted. Only our own topic's notifications of our own configuration set count (the topic's policy lets
only that configuration set publish; this checks it again). A bounce or complaint of the coach's own
address suppresses nothing: the coach's notices must keep coming, so it is counted for the alarm instead.

Nothing here raises on a bad notification: SNS would only redeliver it. A marker that cannot be written
(DynamoDB throttled) is recorded on the async-failure queue as ids only (the address's hash, the reason,
the time: all it takes to write the marker by hand), never as the SES event, which holds the address,
the subject and the headers. Only when even that fails does the invocation fail, to be retried by Lambda.
"""

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
from aws_lambda_powertools.utilities.data_classes import SNSEvent
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError

from pijnreset.dal.suppressions import Suppressions
from pijnreset.entry import FIRST_SNS_MESSAGE, event_entry
from pijnreset.logic.identity import lead_id_for
from pijnreset.logic.ses_events import parse_notification
from pijnreset.observability import alarm_count, logger
from pijnreset.settings import SesEventsSettings
from pijnreset.timestamps import iso

settings = SesEventsSettings.from_env()
suppressions = Suppressions(settings.table_name)
failures = boto3.client("sqs")
coach_lead_id = lead_id_for(settings.coach_address)

_METRICS = {
    "suppress_bounce": "SesBounceSuppressed",
    "suppress_complaint": "SesComplaintSuppressed",
    "transient_bounce": "SesTransientBounce",
    "ignored": "SesEventIgnored",
    "malformed": "SesEventMalformed",
    "foreign": "SesEventForeign",
    "coach": "SesCoachAddressRejected",
}


def _or_none(read: Callable[[], Any]) -> Any:
    """A field of the event, or None where SNS would never leave it out (the data classes raise then)."""
    try:
        return read()
    except (KeyError, TypeError, AttributeError):
        return None


def _notifications(event: SNSEvent) -> Iterator[tuple[str | None, Any]]:
    """Each record's topic and message; an event without records reads as one record without either."""
    records = _or_none(lambda: list(event.records))
    if records is None:
        yield None, None
        return
    for record in records:
        yield _or_none(lambda: record.sns.topic_arn), _or_none(lambda: record.sns.message)  # noqa: B023 - called at once


@event_entry(FIRST_SNS_MESSAGE, data_class=SNSEvent)
def lambda_handler(event: SNSEvent, context: LambdaContext) -> dict[str, int]:
    counts = dict.fromkeys(_METRICS.values(), 0)
    failed: list[dict[str, str]] = []
    for topic, message in _notifications(event):
        if topic is not None and topic != settings.ses_events_topic_arn:
            counts[_METRICS["foreign"]] += 1
            continue
        for ses_event in parse_notification(message, settings.ses_configuration_set):
            action = ses_event.action
            if action in ("suppress_bounce", "suppress_complaint") and ses_event.email:
                lead_id = lead_id_for(ses_event.email)
                if lead_id == coach_lead_id:
                    counts[_METRICS["coach"]] += 1
                    continue
                reason = "bounce" if action == "suppress_bounce" else "complaint"
                now = datetime.now(UTC)
                try:
                    suppressions.suppress(lead_id, reason, now)
                except (ClientError, BotoCoreError) as error:
                    logger.warning("suppression marker not written", extra={"error": type(error).__name__})
                    failed.append({"lead_id": lead_id, "reason": reason, "at": iso(now)})
            counts[_METRICS[action]] += 1
    if failed:
        # Raises if the queue cannot be reached either: then Lambda retries the whole notification.
        failures.send_message(
            QueueUrl=settings.async_failure_queue_url,
            MessageBody=json.dumps({"function": "SesEventsFunction", "unwritten_suppressions": failed}),
        )
        counts["SesSuppressionDeferred"] = len(failed)  # alarmed as AsyncFailureQueue's message
    if counts[_METRICS["coach"]]:
        alarm_count(_METRICS["coach"], counts[_METRICS["coach"]])
    logger.info("ses notifications handled", extra=counts)
    return counts
