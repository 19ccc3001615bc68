"""Turns a validated intake request into what the one write stores and answers, or into reasons to refuse it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pijnreset.content.loader import Content
from pijnreset.logic.answers import FieldProblem
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


def check_intake(content: Content, request: IntakeRequest) -> list[FieldProblem]:
    """What the request model alone cannot see: the consent version, and a phone number to call back on."""
    problems = consent_version_problems(content, request.consent.version)
    if request.preferred_contact == "phone" and request.contact.phone is None:
        problems.insert(0, FieldProblem("contact.phone", "missing"))
    return problems


def plan_intake(
    content: Content, request: IntakeRequest, now: datetime, retention: Retention, challenge: SolvedChallenge
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
    )
