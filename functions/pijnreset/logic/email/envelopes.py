"""What each kind of email says and to whom: an ``Envelope`` per job, built from the job and its items.

One builder per kind (the follow-ups share one); the deliverer renders the envelope with its kind's
templates and wraps it in MIME. A builder that finds an item it needs gone raises ``JobNotRenderable``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlencode

from pijnreset.content.booking import InvitationTexts, invitation_texts
from pijnreset.content.loader import Content
from pijnreset.logic.invitations import Invitation, Method, calendar_bytes, intake_uid
from pijnreset.logic.scoring import urgent_advice
from pijnreset.logic.tokens import DOCUMENT_PATHS, LINK_VALIDITY_SECONDS, Purpose
from pijnreset.models.email import Attachment, Envelope, JobData, SenderIdentity
from pijnreset.models.email_errors import JobNotRenderable
from pijnreset.timestamps import COACH_TIME_ZONE, for_people, moment

_ACTION_PATHS: Mapping[Purpose, str] = {
    "confirm": "/confirm",
    "unsubscribe": "/unsubscribe",
    "erase": "/privacy/erase/confirm",
    "booking": "/booking/cancel",
    **DOCUMENT_PATHS,
}


class Signer(Protocol):
    def __call__(self, purpose: Purpose, lead_id: str, expires_at: int, ref: str | None = None) -> str: ...


@dataclass(frozen=True)
class EmailLinks:
    """The links an email carries: the landing page's intake section and signed action links to the API."""

    landing_page_url: str
    api_url: str
    signer: Signer

    @property
    def intake_url(self) -> str:
        return f"{self.landing_page_url.split('#', 1)[0]}#intake"

    def action_url(self, purpose: Purpose, lead_id: str, now: datetime, ref: str | None = None) -> str:
        """``ref``: the one request the link acts on (a confirm link: the submission whose opt-in it confirms)."""
        token = self.signer(purpose, lead_id, int(now.timestamp()) + LINK_VALIDITY_SECONDS[purpose], ref)
        return f"{self.api_url.rstrip('/')}{_ACTION_PATHS[purpose]}?{urlencode({'token': token})}"


@dataclass(frozen=True)
class Sending:
    """Everything a builder may use besides the job's own items."""

    content: Content
    links: EmailLinks
    identity: SenderIdentity
    now: datetime
    backup_days: int = 7  # how far the table's backups reach back (the erasure email says so)
    video_room_url: str = ""
    invitation: InvitationTexts | None = None


def _lead(data: JobData) -> dict[str, Any]:
    if data.lead is None:
        raise JobNotRenderable("lead or submission gone")
    return data.lead


def _to_lead(data: JobData, sending: Sending, variant: str, name: str | None = None, **context: Any) -> Envelope:
    """To the lead's address, by the lead's verified name (or none): a name typed into a form reaches the
    person's later emails only once an action from their own mailbox confirmed it (docs/front-door.md).
    ``name``: the name of the one request this email answers, for the email that answers it."""
    lead = _lead(data)
    shown = lead.get("verified_name", "") if name is None else name
    return Envelope(
        recipient_email=lead["email"],
        recipient_name=shown,
        variant=variant,
        context={"name": shown, "disclaimer": sending.content.disclaimer.model_dump(), **context},
    )


def result_email(data: JobData, sending: Sending) -> Envelope:
    """The result of one Pijntest, by the name given with that test (and only that one)."""
    if data.lead is None or data.submission is None:
        raise JobNotRenderable("lead or submission gone")
    result = data.submission["result"]
    lead_id, submission_id = data.lead["lead_id"], data.submission["submission_id"]
    # The PDFs of this test; after an urgent result only the GP summary (it leads with the GP-today advice).
    documents = {
        purpose: sending.links.action_url(purpose, lead_id, sending.now, ref=submission_id)
        for purpose in DOCUMENT_PATHS
        if purpose == "gp_summary" or result["triage"] != "urgent"
    }
    return _to_lead(
        data,
        sending,
        result["triage"],
        name=data.submission.get("name", ""),
        result=result,
        intake_url=sending.links.intake_url,
        report_url=documents.get("report"),
        gp_summary_url=documents["gp_summary"],
    )


def optin_email(data: JobData, sending: Sending) -> Envelope:
    """The double opt-in: its link confirms the opt-in of this job's submission only, not a later one."""
    if data.lead is None or data.submission is None:
        raise JobNotRenderable("lead or submission gone")
    url = sending.links.action_url("confirm", data.lead["lead_id"], sending.now, ref=data.submission["submission_id"])
    return _to_lead(data, sending, "default", confirm_url=url)


def erase_confirm_email(data: JobData, sending: Sending) -> Envelope:
    """The erasure link, and what an erasure leaves, where, and for how long."""
    url = sending.links.action_url("erase", _lead(data)["lead_id"], sending.now)
    return _to_lead(data, sending, "default", erase_url=url, backup_days=sending.backup_days)


def erase_request_coach_email(data: JobData, sending: Sending) -> Envelope:
    """To the coach, for an erasure request from a suppressed address (no link can reach it): the address, the
    one thing the coach needs to erase it with the CLI; no name, nothing else of the person."""
    return Envelope(
        recipient_email=sending.identity.coach_address,
        recipient_name="",
        variant="default",
        context={"email": _lead(data)["email"], "disclaimer": sending.content.disclaimer.model_dump()},
    )


def weekly_digest_email(data: JobData, sending: Sending) -> Envelope:
    """To the coach, from the weekly digest function (not a job of the outbox): last week's numbers in
    ``job["digest"]`` (logic/digest.py), nothing of a person."""
    digest = data.job.get("digest")
    if not isinstance(digest, dict):
        raise JobNotRenderable("no digest")
    return Envelope(
        recipient_email=sending.identity.coach_address,
        recipient_name="",
        variant="default",
        context={"digest": digest, "disclaimer": sending.content.disclaimer.model_dump()},
    )


def marketing_email(data: JobData, sending: Sending) -> Envelope:
    """A follow-up: one-click unsubscribe in the headers (RFC 8058) and as a link in both parts."""
    unsubscribe_url = sending.links.action_url("unsubscribe", _lead(data)["lead_id"], sending.now)
    envelope = _to_lead(data, sending, "default", unsubscribe_url=unsubscribe_url, intake_url=sending.links.intake_url)
    headers = {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return Envelope(**{**envelope.__dict__, "headers": headers})


def intake_coach_email(data: JobData, sending: Sending) -> Envelope:
    """To the coach, Reply-To the prospect: red flags first, then who to contact how, then the Pijntest."""
    lead, intake = _lead_and_intake(data)
    pijntest = _pijntest_summary(data.submission, sending.content, lead)
    return Envelope(
        recipient_email=sending.identity.coach_address,
        recipient_name="",
        variant=pijntest["triage"] if pijntest else "none",
        context={
            "intake": _intake_view(intake),
            "pijntest": pijntest,
            "earlier_urgent": _earlier_urgent(lead, data.submission),
            # The name the person confirmed from their own mailbox, when it differs from the one on this form.
            "verified_name": lead.get("verified_name") if lead.get("verified_name") != intake["name"] else None,
            # Sent from this test's own result page: only then does the form know the submission's id. An
            # intake from anywhere else carries an address nobody confirmed, so the coach is told to check.
            "pijntest_linked": bool(
                data.submission
                and intake.get("submission_id")
                and intake["submission_id"] == data.submission.get("submission_id")
            ),
            "disclaimer": sending.content.disclaimer.model_dump(),
        },
        reply_to_email=intake["email"],
        reply_to_name=intake["name"],
        attachments=_invitation(intake, sending, for_coach=True),
    )


def intake_confirmation_email(data: JobData, sending: Sending) -> Envelope:
    """To the prospect: GP-today advice first when their latest Pijntest was urgent, then what happens next."""
    _, intake = _lead_and_intake(data)
    pijntest = _pijntest_summary(data.submission, sending.content)
    return Envelope(
        recipient_email=intake["email"],
        recipient_name=intake["name"],
        variant=pijntest["triage"] if pijntest else "none",
        context={
            "name": intake["name"],
            "intake": _intake_view(intake),
            "pijntest": pijntest,
            "see_gp": sending.content.questionnaire.result.triage.see_gp.model_dump(),
            "cancel_url": cancel_url(intake, sending),
            "disclaimer": sending.content.disclaimer.model_dump(),
        },
        attachments=_invitation(intake, sending, for_coach=False),
    )


def _lead_and_intake(data: JobData) -> tuple[dict[str, Any], dict[str, Any]]:
    if data.lead is None or data.intake is None:
        raise JobNotRenderable("lead or intake gone")
    return data.lead, data.intake


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
        "slot": _slot_view(intake),
        "booked": intake.get("booking_status") == "booked",
        "gp_acknowledged": bool(intake.get("gp_acknowledged")),
    }


def _invitation(
    intake: dict[str, Any], sending: Sending, for_coach: bool, method: Method = "REQUEST"
) -> tuple[Attachment, ...]:
    """The calendar invitation of a booked (or, for CANCEL, cancelled) intake; none for a call back. The same
    UID in both emails, so the coach's and the prospect's calendars hold the one appointment; no health data."""
    wanted = "cancelled" if method == "CANCEL" else "booked"
    if not intake.get("slot_start") or intake.get("booking_status") != wanted:
        return ()
    texts = sending.invitation or invitation_texts()
    name = intake["name"]
    location = None
    if intake["preferred_contact"] == "video" and sending.video_room_url:
        location = texts.video_location.format(url=sending.video_room_url)
    elif intake.get("phone"):
        location = texts.phone_location.format(phone=intake["phone"])
    summary = texts.coach_summary.format(name=name) if for_coach else texts.summary
    invitation = Invitation(
        uid=intake_uid(intake["request_id"], sending.identity.address.rpartition("@")[2]),
        method=method,
        sequence=int(intake.get("booking_sequence", 0)),
        start=moment(intake["slot_start"]),
        end=moment(intake["slot_end"]),
        summary=f"{texts.cancelled_prefix}{summary}" if method == "CANCEL" else summary,
        description=texts.coach_description if for_coach else texts.description,
        location=location,
        organizer_email=sending.identity.coach_address,
        organizer_name=sending.identity.name,
        attendee_email=intake["email"],
        attendee_name=name,
        stamp=sending.now,
    )
    content = calendar_bytes(invitation, COACH_TIME_ZONE)
    return (Attachment("intake.ics", "text/calendar", content, {"method": method}),)


def cancel_url(intake: dict[str, Any], sending: Sending) -> str | None:
    """The signed link that cancels this booked intake (GET shows a page, only its button's POST acts)."""
    if intake.get("booking_status") != "booked":
        return None
    return sending.links.action_url("booking", intake["lead_id"], sending.now, ref=intake["request_id"])


def _to_the_booker(intake: dict[str, Any], sending: Sending, **context: Any) -> dict[str, Any]:
    """What every email about a booking says to the one who booked it: their name, the intake, the disclaimer."""
    return {
        "name": intake["name"],
        "intake": _intake_view(intake),
        "disclaimer": sending.content.disclaimer.model_dump(),
        **context,
    }


def booking_cancelled_email(data: JobData, sending: Sending) -> Envelope:
    """To the prospect: the cancellation, with METHOD:CANCEL for their calendar."""
    _, intake = _lead_and_intake(data)
    return Envelope(
        recipient_email=intake["email"],
        recipient_name=intake["name"],
        variant="default",
        context=_to_the_booker(intake, sending, intake_url=sending.links.intake_url),
        attachments=_invitation(intake, sending, for_coach=False, method="CANCEL"),
    )


def booking_reminder_email(data: JobData, sending: Sending) -> Envelope:
    """To the prospect, 24 hours before: the time, and the link to cancel. Never after a cancel: the reminder
    of an intake that is no longer booked is skipped (an erasure leaves no intake to remind of)."""
    _, intake = _lead_and_intake(data)
    if intake.get("booking_status") != "booked":
        raise JobNotRenderable("not_booked")
    return Envelope(
        recipient_email=intake["email"],
        recipient_name=intake["name"],
        variant="default",
        context=_to_the_booker(intake, sending, cancel_url=cancel_url(intake, sending)),
    )


def booking_cancelled_coach_email(data: JobData, sending: Sending) -> Envelope:
    """To the coach: which booked intake was cancelled, with METHOD:CANCEL for their calendar."""
    _, intake = _lead_and_intake(data)
    return Envelope(
        recipient_email=sending.identity.coach_address,
        recipient_name="",
        variant="default",
        context={"intake": _intake_view(intake), "disclaimer": sending.content.disclaimer.model_dump()},
        reply_to_email=intake["email"],
        reply_to_name=intake["name"],
        attachments=_invitation(intake, sending, for_coach=True, method="CANCEL"),
    )


def _slot_view(intake: dict[str, Any]) -> dict[str, Any] | None:
    """The booked (or cancelled) slot's parts in the coach's time zone; the templates name the day and month in
    Dutch."""
    if not intake.get("slot_start"):
        return None
    start, end = (moment(intake[name]).astimezone(COACH_TIME_ZONE) for name in ("slot_start", "slot_end"))
    return {
        "weekday": start.weekday(),
        "day": start.day,
        "month": start.month,
        "year": start.year,
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
    }


def urgent_verified(lead: dict[str, Any], submission: dict[str, Any]) -> bool:
    """Whether this submission's urgent flag is the lead's verified one (see dal/leads_table.py)."""
    return bool(lead.get("urgent_flag_at")) and lead.get("urgent_flag_at") == submission.get("created_at")


def _earlier_urgent(lead: dict[str, Any], submission: dict[str, Any] | None) -> dict[str, Any] | None:
    """An urgent flag of an earlier Pijntest than the one shown: the verified one first, else an unverified
    one, marked so (anyone can type anyone's address into the form)."""
    shown = (
        (submission or {}).get("created_at") if (submission or {}).get("result", {}).get("triage") == "urgent" else None
    )
    for attribute, verified in (("urgent_flag_at", True), ("unverified_urgent_at", False)):
        at = lead.get(attribute)
        if at and at != shown:
            return {"at": for_people(at), "verified": verified}
    return None


def _pijntest_summary(
    submission: dict[str, Any] | None, content: Content, lead: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """The latest Pijntest as both intake emails show it: triage and red flags (urgent ones first) lead.

    The GP-today advice is the questionnaire's own text, with 113 only when that flag was raised.
    ``verified``: whether an action from the person's mailbox (or the coach) confirmed this test's urgent flag.
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
        "verified": urgent_verified(lead or {}, submission),
        "result": result,
    }


EnvelopeBuilder = Callable[[JobData, Sending], Envelope]

BUILDERS: dict[str, EnvelopeBuilder] = {
    "result": result_email,
    "optin_confirm": optin_email,
    "erase_confirm": erase_confirm_email,
    "erase_request_coach": erase_request_coach_email,
    "intake_coach": intake_coach_email,
    "intake_confirmation": intake_confirmation_email,
    "weekly_digest": weekly_digest_email,
    "booking_cancelled": booking_cancelled_email,
    "booking_cancelled_coach": booking_cancelled_coach_email,
    "booking_reminder": booking_reminder_email,
}


def builder_for(kind: str) -> EnvelopeBuilder:
    """Follow-ups (kinds ``followup_*``) share one builder; every other kind has its own."""
    if kind.startswith("followup_"):
        return marketing_email
    return BUILDERS[kind]
