"""Turns a validated intake request into what the one write stores and answers, or into reasons to refuse it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pijnreset.content.loader import Content
from pijnreset.logic.answers import FieldProblem
from pijnreset.logic.challenge import SolvedChallenge
from pijnreset.logic.identity import lead_id_for, normalise_email
from pijnreset.logic.retention import Retention
from pijnreset.logic.submission import ConsentProof, request_hash
from pijnreset.models.api import IntakeResponse

if TYPE_CHECKING:  # phonenumbers, which the request model imports, stays out of the functions that only store
    from pijnreset.models.intake import IntakeRequest

# The two emails every intake request sends: the coach's notice and the prospect's confirmation.
INTAKE_EMAIL_KINDS = ("intake_coach", "intake_confirmation")


@dataclass(frozen=True)
class NewIntake:
    request_id: str
    lead_id: str
    email: str
    name: str
    phone: str | None  # E.164
    preferred_contact: str
    preferred_moments: list[str]
    message: str | None
    submission_id: str | None  # the Pijntest the form says this visitor took, unverified
    consent: ConsentProof
    challenge: SolvedChallenge  # recorded as used in the same write
    request_hash: str
    response_body: dict[str, Any]
    created_at: datetime
    # DynamoDB TTLs (epoch seconds), per purpose: see logic/retention.py.
    expires_at: int  # the lead and the intake
    consent_expires_at: int
    email_expires_at: int
    replay_expires_at: int


def check_intake(content: Content, request: IntakeRequest) -> list[FieldProblem]:
    """What the request model alone cannot see: the consent version, and a phone number to call back on."""
    problems = []
    if request.preferred_contact == "phone" and request.contact.phone is None:
        problems.append(FieldProblem("contact.phone", "missing"))
    if request.consent.version != content.consents.version:
        problems.append(FieldProblem("consent.version", "unknown_version"))
    return problems


def plan_intake(
    content: Content, request: IntakeRequest, now: datetime, retention: Retention, challenge: SolvedChallenge
) -> NewIntake:
    """Everything the one write will store. ``request`` passed ``check_intake``."""
    response = IntakeResponse(request_id=request.request_id)
    return NewIntake(
        request_id=str(request.request_id),
        lead_id=lead_id_for(request.contact.email),
        email=normalise_email(request.contact.email),
        name=request.contact.name,
        phone=request.contact.phone,
        preferred_contact=request.preferred_contact,
        preferred_moments=list(request.preferred_moments),
        message=request.message or None,
        submission_id=str(request.submission_id) if request.submission_id else None,
        consent=ConsentProof("contact", content.consents.version, content.consent_text_sha256("contact")),
        challenge=challenge,
        request_hash=request_hash(request),
        response_body=response.model_dump(mode="json"),
        created_at=now.astimezone(UTC),
        expires_at=retention.expires_at("intake", now),
        consent_expires_at=retention.expires_at("consent", now),
        email_expires_at=retention.expires_at("email", now),
        replay_expires_at=retention.expires_at("replay", now),
    )
