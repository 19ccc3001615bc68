"""Monday morning (an EventBridge schedule): the coach's weekly digest of last week, numbers only.

Last week's funnel against the week before (dal/funnel.py), the open intakes, the red flags raised and the
dead-letter queues' depths (dal/digest.py), rendered from templates/email/weekly_digest.* like every email and
sent to the coach's address through SES. Once per week: a mark is put before the send (and taken away when the
send fails, so the schedule's retry sends it).
"""

from datetime import UTC, date, datetime
from typing import Any

import boto3
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from pijnreset.content.emails import email_templates
from pijnreset.content.funnel import load_funnel_words
from pijnreset.content.loader import default_templates_dir, load_content
from pijnreset.dal.digest import DigestSources
from pijnreset.dal.funnel import funnel_counts
from pijnreset.dal.mailer import SesMailer
from pijnreset.entry import event_entry
from pijnreset.logic.digest import digest_view, digest_weeks
from pijnreset.logic.due_work import run_time
from pijnreset.logic.email.envelopes import EmailLinks, Sending, builder_for
from pijnreset.logic.email.mime import address, build_message
from pijnreset.logic.tokens import Purpose
from pijnreset.models.email import JobData, SenderIdentity
from pijnreset.observability import logger
from pijnreset.settings import WeeklyDigestSettings

KIND = "weekly_digest"
settings = WeeklyDigestSettings.from_env()
templates_dir = default_templates_dir()
content = load_content(settings.questionnaire_version)
words = load_funnel_words(templates_dir)
emails = email_templates(templates_dir)
identity = SenderIdentity(settings.sender_address, settings.sender_name, settings.coach_address)
dynamodb = boto3.client("dynamodb")
sources = DigestSources(
    settings.table_name,
    {
        "email": settings.email_dead_letter_queue_url,
        "relay": settings.relay_dead_letter_queue_url,
        "async": settings.async_failure_queue_url,
    },
    dynamodb=dynamodb,
)
mailer = SesMailer(settings.ses_configuration_set)


def _no_links(purpose: Purpose, lead_id: str, expires_at: int, ref: str | None = None) -> str:
    raise RuntimeError("the weekly digest carries no signed links")


def _week(from_day: date, to_day: date) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in funnel_counts(dynamodb, settings.table_name, from_day, to_day, "none"):
        for step, value in row.counts.items():
            totals[step] = totals.get(step, 0) + value
    return totals


def send_digest(now: datetime) -> dict[str, Any]:
    weeks = digest_weeks(now)
    if not sources.mark_sent(weeks.label, now):
        return {"sent": 0, "week": weeks.label}
    try:
        last, before = _week(weeks.last_from, weeks.last_to), _week(weeks.before_from, weeks.before_to)
        open_now = sources.open_intakes(datetime.now(UTC))  # open now, whichever week the run is for
        view = digest_view(weeks, last, before, words.steps, open_now, sources.dead_letters())
        links = EmailLinks(settings.landing_page_url, settings.public_api_url, _no_links)
        envelope = builder_for(KIND)(
            JobData(job={"kind": KIND, "digest": view}, lead=None), Sending(content, links, identity, now)
        )
        rendered = emails.render(KIND, envelope.variant, {"brand": identity.name, **envelope.context})
        raw = build_message(
            sender=address(identity.address, identity.name),
            recipient=address(envelope.recipient_email),
            reply_to=None,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            sent_at=datetime.now(UTC),
        )
        mailer.send(raw, identity.address, envelope.recipient_email)
    except Exception:
        sources.unmark(weeks.label)
        raise
    logger.info("weekly digest sent", extra={"week": weeks.label})
    return {"sent": 1, "week": weeks.label}


@event_entry(correlation_paths.EVENT_BRIDGE, data_class=EventBridgeEvent)
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, Any]:
    return send_digest(run_time(event.time, datetime.now(UTC)))
