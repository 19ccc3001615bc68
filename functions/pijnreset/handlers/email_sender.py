"""The email sender: consumes the email queue and delivers each job exactly once (logic/email/deliverer.py).

A record that must come back later (an unexpected SES or AWS error, a job another sender is on) is reported
as a batch item failure: SQS redelivers it after its visibility timeout, and after maxReceiveCount moves
it to the dead-letter queue. The rest of the batch is unaffected. A record that is only waiting (for its
``not_before``, or for an invocation with time left to pace and send it) goes back on the queue as a new
message instead, and counts no receive towards the dead-letter queue.
"""

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from pijnreset.content.booking import invitation_texts
from pijnreset.content.emails import email_templates
from pijnreset.content.loader import default_templates_dir, load_content
from pijnreset.dal.email_jobs import EmailJobs
from pijnreset.dal.email_queue import EmailQueue
from pijnreset.dal.mailer import SesMailer
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.entry import FIRST_SQS_MESSAGE, event_entry
from pijnreset.logic import tokens
from pijnreset.logic.email.deliverer import EmailDeliverer
from pijnreset.logic.email.envelopes import EmailLinks
from pijnreset.logic.email.rules import Pacer
from pijnreset.logic.tokens import Purpose
from pijnreset.models.email import SenderIdentity
from pijnreset.models.jobs import JobMessage
from pijnreset.observability import ALARMED, alarm_count, logger
from pijnreset.settings import EmailSenderSettings

settings = EmailSenderSettings.from_env()
token_keys = TokenKeys(settings.token_key_parameter_name)
# A job claimed longer ago than this by a sender that never finished may be claimed again: longer than the
# function's Timeout (template.yaml), so that no claim of a sender still running goes stale.
CLAIM_STALE = timedelta(minutes=2)


def sign(purpose: Purpose, lead_id: str, expires_at: int, ref: str | None = None) -> str:
    return tokens.sign(token_keys.current(), purpose, lead_id, expires_at, ref)


deliverer = EmailDeliverer(
    store=EmailJobs(settings.table_name),
    mailer=SesMailer(settings.ses_configuration_set),
    queue=EmailQueue(settings.email_queue_url),
    templates=email_templates(default_templates_dir()),
    content=load_content(settings.questionnaire_version),
    identity=SenderIdentity(settings.sender_address, settings.sender_name, settings.coach_address),
    links=EmailLinks(settings.landing_page_url, settings.public_api_url, sign),
    pacer=Pacer(settings.send_rate_per_sender),
    claim_stale=CLAIM_STALE,
    backup_days=settings.backup_recovery_days,
    video_room_url=settings.video_room_url,
    invitation=invitation_texts(),
)
processor = BatchProcessor(event_type=EventType.SQS)


def send(record: SQSRecord, lambda_context: LambdaContext) -> None:
    message = JobMessage.model_validate_json(record.body)
    seconds_left = lambda_context.get_remaining_time_in_millis() / 1000
    delivery = deliverer.deliver(message, seconds_left)
    alarmed = {
        "sent_unmarked": "EmailSentUnmarked",  # out, but its job stays claimed: look before its claim goes stale
        "deferred": f"EmailDeferred_{delivery.error_class}",  # the quota or paused sending (not throttling)
        "waiting": "EmailWaitHop",  # every 15 minutes per job waiting for the quota: not a refusal, not a failure
    }.get(delivery.outcome)
    if alarmed in ALARMED:
        alarm_count(alarmed)
    logger.info(
        "email job handled", extra={"outcome": delivery.outcome, "kind": delivery.kind, "reason": delivery.reason}
    )


@event_entry(FIRST_SQS_MESSAGE)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=send, processor=processor, context=context)
