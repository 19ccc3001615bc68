"""What each kind of email says and to whom, from the job and the items it refers to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pijnreset.content.loader import Content
from pijnreset.logic.scoring import urgent_advice
from pijnreset.timestamps import for_people


@dataclass(frozen=True)
class Envelope:
    recipient_email: str
    recipient_name: str
    variant: str
    context: dict[str, Any]
    # Where replies go; None: to the coach, as for every email a visitor gets.
    reply_to_email: str | None = None
    reply_to_name: str = ""


@dataclass(frozen=True)
class JobItems:
    """The items an email job refers to, as the sender loaded them (None: the job names none, or it is gone)."""

    lead: dict[str, Any] | None
    submission: dict[str, Any] | None = None
    intake: dict[str, Any] | None = None


@dataclass(frozen=True)
class SenderIdentity:
    address: str
    name: str
    coach_address: str  # the Reply-To of visitors' emails, and the recipient of the coach's own


class JobNotRenderable(Exception):
    """The job refers to items that are gone; sending it is no longer possible or wanted."""


@dataclass(frozen=True)
class EmailLinks:
    landing_page_url: str

    @property
    def intake_url(self) -> str:
        return f"{self.landing_page_url.split('#', 1)[0]}#intake"


def result_email(
    job: dict[str, Any], items: JobItems, content: Content, links: EmailLinks, identity: SenderIdentity
) -> Envelope:
    lead, submission = items.lead, items.submission
    if lead is None or submission is None:
        raise JobNotRenderable("lead or submission gone")
    result = submission["result"]
    return Envelope(
        recipient_email=lead["email"],
        recipient_name=lead.get("name", ""),
        variant=result["triage"],
        context={
            "name": lead.get("name", ""),
            "result": result,
            "disclaimer": content.disclaimer.model_dump(),
            "intake_url": links.intake_url,
        },
    )


def intake_coach_email(
    job: dict[str, Any], items: JobItems, content: Content, links: EmailLinks, identity: SenderIdentity
) -> Envelope:
    """To the coach, Reply-To the prospect: red flags first, then who to contact how, then the Pijntest."""
    lead, intake = _lead_and_intake(items)
    pijntest = _pijntest_summary(items.submission, content)
    earlier_urgent = lead.get("urgent_flag_at") if not pijntest or pijntest["triage"] != "urgent" else None
    return Envelope(
        recipient_email=identity.coach_address,
        recipient_name="",
        variant=pijntest["triage"] if pijntest else "none",
        context={
            "intake": _intake_view(intake),
            "pijntest": pijntest,
            "earlier_urgent_at": for_people(earlier_urgent) if earlier_urgent else None,
            "disclaimer": content.disclaimer.model_dump(),
        },
        reply_to_email=intake["email"],
        reply_to_name=intake["name"],
    )


def intake_confirmation_email(
    job: dict[str, Any], items: JobItems, content: Content, links: EmailLinks, identity: SenderIdentity
) -> Envelope:
    """To the prospect: GP-today advice first when their latest Pijntest was urgent, then what happens next."""
    _, intake = _lead_and_intake(items)
    pijntest = _pijntest_summary(items.submission, content)
    return Envelope(
        recipient_email=intake["email"],
        recipient_name=intake["name"],
        variant=pijntest["triage"] if pijntest else "none",
        context={
            "name": intake["name"],
            "intake": _intake_view(intake),
            "pijntest": pijntest,
            "see_gp": content.questionnaire.result.triage.see_gp.model_dump(),
            "disclaimer": content.disclaimer.model_dump(),
        },
    )


def _lead_and_intake(items: JobItems) -> tuple[dict[str, Any], dict[str, Any]]:
    if items.lead is None or items.intake is None:
        raise JobNotRenderable("lead or intake gone")
    return items.lead, items.intake


def _intake_view(intake: dict[str, Any]) -> dict[str, Any]:
    return {
        "request_id": intake["request_id"],
        "short_id": intake["request_id"][:8],
        "name": intake["name"],
        "email": intake["email"],
        "phone": intake.get("phone"),
        "preferred_contact": intake["preferred_contact"],
        "preferred_moments": intake.get("preferred_moments", []),
        "message": intake.get("message"),
        "requested_at": for_people(intake["created_at"]),
    }


def _pijntest_summary(submission: dict[str, Any] | None, content: Content) -> dict[str, Any] | None:
    """The latest Pijntest as both intake emails show it: triage and red flags (urgent ones first) lead.

    The GP-today advice is the questionnaire's own text, with 113 only when that flag was raised.
    """
    if submission is None:
        return None
    result = submission["result"]
    flags = sorted(result["red_flags"], key=lambda flag: flag["urgency"] != "urgent")
    urgent_ids = [flag["id"] for flag in flags if flag["urgency"] == "urgent"]
    return {
        "taken_at": for_people(submission["created_at"]),
        "triage": result["triage"],
        "red_flags": flags,
        "urgent_advice": urgent_advice(content.questionnaire, urgent_ids).model_dump() if urgent_ids else None,
        "result": result,
    }


ContextBuilder = Callable[[dict[str, Any], JobItems, Content, EmailLinks, SenderIdentity], Envelope]

BUILDERS: dict[str, ContextBuilder] = {
    "result": result_email,
    "intake_coach": intake_coach_email,
    "intake_confirmation": intake_confirmation_email,
}
