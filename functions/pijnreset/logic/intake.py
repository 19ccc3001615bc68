"""Turns a validated intake request into what the one write stores and answers, or into reasons to refuse it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pijnreset.content.booking import Availability
from pijnreset.content.loader import Content
from pijnreset.logic.answers import FieldProblem
from pijnreset.logic.booking import Slot, bookable_slot, reminder_time
from pijnreset.logic.challenge import SolvedChallenge
from pijnreset.logic.forms import ConsentProof, NewForm, consent_proof, consent_version_problems, new_form
from pijnreset.logic.retention import Retention
from pijnreset.models.api import IntakeResponse

if TYPE_CHECKING:  # phonenumbers, which the request model imports, stays out of the functions that only store
    from pijnreset.models.intake import IntakeRequest

# The two emails every intake request sends: the coach's notice and the prospect's confirmation.
INTAKE_EMAIL_KINDS = ("intake_coach", "intake_confirmation")


@dataclass(frozen=True, kw_only=True)
class NewIntake(NewForm):
    request_id: str
    phone: str | None  # E.164
    preferred_contact: str
    preferred_moments: list[str]
    message: str | None
    submission_id: str | None  # the Pijntest the form says this visitor took, unverified
    consent: ConsentProof
    slot: Slot | None = None  # the booked slot, reserved by its own conditional item in the same write
    reminder_at: datetime | None = None  # when its reminder is due (None: no slot, or less than a day ahead)
    gp_acknowledged: bool = False


def check_intake(content: Content, request: IntakeRequest) -> list[FieldProblem]:
    """What the request model alone cannot see: the consent version, and a phone number to call back on."""
    problems = consent_version_problems(content, request.consent.version)
    if request.preferred_contact == "phone" and request.contact.phone is None:
        problems.insert(0, FieldProblem("contact.phone", "missing"))
    return problems


def intake_slot(
    availability: Availability | None, request: IntakeRequest, now: datetime
) -> tuple[Slot | None, list[FieldProblem]]:
    """The slot the request books (None: a call back), or why it cannot: no booking configured, or a start the
    availability does not offer (whether it is still free is the write's to decide)."""
    if request.slot_start is None:
        return None, []
    if availability is None:
        return None, [FieldProblem("slot_start", "booking_unavailable")]
    slot = bookable_slot(availability, now, request.slot_start)
    return slot, [] if slot else [FieldProblem("slot_start", "slot_unavailable")]


def plan_intake(
    content: Content,
    request: IntakeRequest,
    now: datetime,
    retention: Retention,
    challenge: SolvedChallenge,
    slot: Slot | None = None,
) -> NewIntake:
    """Everything the one write will store. ``request`` passed ``check_intake``."""
    response = IntakeResponse(request_id=request.request_id)
    common = new_form(request, request.contact, response, "intake", now, retention, challenge)
    return NewIntake(
        **common,
        request_id=str(request.request_id),
        phone=request.contact.phone,
        preferred_contact=request.preferred_contact,
        preferred_moments=list(request.preferred_moments),
        message=request.message or None,
        submission_id=str(request.submission_id) if request.submission_id else None,
        consent=consent_proof(content, "contact"),
        slot=slot,
        reminder_at=reminder_time(slot, now) if slot else None,
        gp_acknowledged=request.gp_acknowledged,
    )
