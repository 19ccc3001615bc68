"""Turns a validated request into what must be stored and answered, or into a reason to refuse it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from pijnreset.content.loader import Content
from pijnreset.logic.answers import FieldProblem, validate_answers
from pijnreset.logic.challenge import SolvedChallenge
from pijnreset.logic.identity import lead_id_for, normalise_email
from pijnreset.logic.retention import Retention
from pijnreset.logic.scoring import score
from pijnreset.models.api import SubmitResponse
from pijnreset.models.requests import SubmitRequest
from pijnreset.models.result import PijntestResult


@dataclass(frozen=True)
class ConsentProof:
    """What the law asks us to be able to show: who agreed to which text, when, and where."""

    purpose: str
    version: str
    text_sha256: str


@dataclass(frozen=True)
class NewSubmission:
    submission_id: str
    lead_id: str
    email: str
    name: str
    answers: dict[str, int | str]
    result: PijntestResult
    consents: list[ConsentProof]
    source: dict[str, Any]
    started_at: int
    challenge: SolvedChallenge  # recorded as used in the same write
    request_hash: str
    response_body: dict[str, Any]
    created_at: datetime
    # DynamoDB TTLs (epoch seconds), per purpose: see logic/retention.py.
    expires_at: int  # the lead and the submission
    consent_expires_at: int
    email_expires_at: int
    replay_expires_at: int

    @property
    def marketing_requested(self) -> bool:
        return any(consent.purpose == "marketing" for consent in self.consents)

    @property
    def email_kinds(self) -> list[str]:
        """The result email always; the opt-in confirmation when marketing was ticked, unless the result is
        urgent (no marketing at all then)."""
        if self.marketing_requested and self.result.triage != "urgent":
            return ["result", "optin_confirm"]
        return ["result"]


@dataclass(frozen=True)
class Spam:
    reason: Literal["honeypot", "too_fast"]


class FormBody(Protocol):
    """What every form posts besides its own fields: the honeypot and when the form was opened."""

    @property
    def website(self) -> str | None: ...
    @property
    def started_at(self) -> int: ...


# How far ``started_at`` may lie from the time of the request: a tab left open for days is still a person's,
# and a visitor's clock may run a day ahead; anything beyond is not a form this page opened.
STARTED_AT_MAX_AGE = timedelta(days=7)
STARTED_AT_MAX_AHEAD = timedelta(days=1)


def check_started_at(request: FormBody, now: datetime) -> list[FieldProblem]:
    """``started_at`` within a sane window around ``now`` (the model has bounded it to a storable number)."""
    opened = request.started_at / 1000
    if not (now - STARTED_AT_MAX_AGE).timestamp() <= opened <= (now + STARTED_AT_MAX_AHEAD).timestamp():
        return [FieldProblem("started_at", "out_of_range")]
    return []


def screen_for_bots(request: FormBody, now: datetime, min_fill_seconds: int) -> Spam | None:
    """A filled honeypot, or a form sent faster than a person can read it.

    A ``started_at`` in the future says only that the visitor's clock runs ahead, so it is not held against them.
    """
    if request.website:
        return Spam("honeypot")
    elapsed_ms = now.timestamp() * 1000 - request.started_at
    if 0 <= elapsed_ms < min_fill_seconds * 1000:
        return Spam("too_fast")
    return None


def check_request(content: Content, request: SubmitRequest) -> list[FieldProblem]:
    problems = validate_answers(content.questionnaire, request.answers)
    if request.consent.version != content.consents.version:
        problems.append(FieldProblem("consent.version", "unknown_version"))
    return problems


def request_hash(request: BaseModel) -> str:
    """Identifies the payload: a replay must carry the same one, or it is a conflict.

    The proof of work is not part of it: a retry that had to solve a fresh challenge sends the same payload.
    """
    canonical = json.dumps(request.model_dump(mode="json", exclude={"altcha"}), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def plan_submission(
    content: Content, request: SubmitRequest, now: datetime, retention: Retention, challenge: SolvedChallenge
) -> NewSubmission:
    """Scores the request and gathers everything the one write will store. ``request`` passed ``check_request``."""
    result = score(content, request.answers)
    consents = [
        ConsentProof(purpose, content.consents.version, content.consent_text_sha256(purpose))
        for purpose, given in (("health_data", request.consent.health_data), ("marketing", request.consent.marketing))
        if given
    ]
    response = SubmitResponse(submission_id=request.submission_id, result=result)
    return NewSubmission(
        submission_id=str(request.submission_id),
        lead_id=lead_id_for(request.contact.email),
        email=normalise_email(request.contact.email),
        name=request.contact.name,
        answers=dict(request.answers),
        result=result,
        consents=consents,
        source=request.source.model_dump(exclude_none=True) if request.source else {},
        started_at=request.started_at,
        challenge=challenge,
        request_hash=request_hash(request),
        response_body=response.model_dump(mode="json"),
        created_at=now.astimezone(UTC),
        expires_at=retention.expires_at("pijntest", now),
        consent_expires_at=retention.expires_at("consent", now),
        email_expires_at=retention.expires_at("email", now),
        replay_expires_at=retention.expires_at("replay", now),
    )
