"""The email sender: consumes the email queue and delivers each job exactly once (logic/email/deliverer.py).

A record that must come back later (an unexpected SES or AWS error, a job another sender is on) is reported
as a batch item failure: SQS redelivers it after its visibility timeout, and after maxReceiveCount moves
it to the dead-letter queue. The rest of the batch is unaffected. A record that is only waiting (for its
``not_before``, or for an invocation with time left to pace and send it) goes back on the queue as a new
message instead, and counts no receive towards the dead-letter queue.
"""

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from pijnreset.content.emails import email_templates
from pijnreset.dal.email_jobs import EmailJobs
from pijnreset.dal.email_queue import EmailQueue
from pijnreset.dal.mailer import SesMailer
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.logic import tokens
from pijnreset.logic.email.deliverer import EmailDeliverer
from pijnreset.logic.email.envelopes import EmailLinks
from pijnreset.logic.email.rules import Pacer
from pijnreset.logic.tokens import Purpose
from pijnreset.models.email import SenderIdentity
from pijnreset.models.jobs import JobMessage
from pijnreset.observability import logger, metrics
from pijnreset.settings import get_email_settings, get_settings

settings = get_settings()
email_settings = get_email_settings()
token_keys = TokenKeys(settings.token_parameter)


def sign(purpose: Purpose, lead_id: str, expires_at: int, ref: str | None = None) -> str:
    return tokens.sign(token_keys.current(), purpose, lead_id, expires_at, ref)


deliverer = EmailDeliverer(
    store=EmailJobs(settings.table_name),
    mailer=SesMailer(email_settings.configuration_set),
    queue=EmailQueue(settings.queue_url),
    templates=email_templates(settings.templates),
    content=settings.content(),
    identity=SenderIdentity(email_settings.sender_address, email_settings.sender_name, email_settings.coach_address),
    links=EmailLinks(email_settings.landing_page_url, settings.api_url, sign),
    pacer=Pacer(email_settings.send_rate_per_sender),
    claim_stale=timedelta(seconds=email_settings.claim_stale_seconds),
    backup_days=settings.backup_recovery_days,
)
processor = BatchProcessor(event_type=EventType.SQS)


def send(record: SQSRecord, lambda_context: LambdaContext) -> None:
    message = JobMessage.model_validate_json(record.body)
    seconds_left = lambda_context.get_remaining_time_in_millis() / 1000
    delivery = deliverer.deliver(message, seconds_left)
    name = {
        "sent": f"EmailSent_{delivery.kind}",
        "sent_unmarked": "EmailSentUnmarked",  # out, but its job stays claimed: look before its claim goes stale
        "failed": f"EmailFailed_{delivery.kind}",
        "skipped": f"EmailSkipped_{delivery.kind}",
        "deferred": f"EmailDeferred_{delivery.error_class}",
        "already_done": "EmailDuplicateDelivery",
        "gone": "EmailJobGone",
        "waiting": "EmailWaitHop",  # every 15 minutes per waiting job: not a refusal, not a failure
        "handed_back": "EmailHandedBack",  # batches too big for the pace and the timeout
    }[delivery.outcome]
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
    if delivery.kind == "erase_request_coach" and delivery.outcome == "sent":
        metrics.add_metric(name="ErasureRequestToCoach", unit=MetricUnit.Count, value=1)  # a suppressed address
    logger.info(
        "email job handled", extra={"outcome": delivery.outcome, "kind": delivery.kind, "reason": delivery.reason}
    )


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=send, processor=processor, context=context)
