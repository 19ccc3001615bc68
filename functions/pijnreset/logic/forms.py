"""What every form (the Pijntest, the intake) goes through alike before its one write: the checks around its
own fields (when the form was opened, the proof of work), the bot screen, and what every form's write stores
besides its own fields (who, the consent proof, the payload's hash, the answer, the expiries).

Pure: the handler passes the signing keys and the time; api/forms.py turns the refusals into 422s and counts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from pijnreset.content.loader import Content
from pijnreset.logic.answers import FieldProblem
from pijnreset.logic.challenge import SolvedChallenge, check_solution
from pijnreset.logic.identity import lead_id_for, normalise_email
from pijnreset.logic.retention import Retention, RetentionPurpose

# How far ``started_at`` may lie from the time of the request: a tab left open for days is still a person's,
# and a visitor's clock may run a day ahead; anything beyond is not a form this page opened.
STARTED_AT_MAX_AGE = timedelta(days=7)
STARTED_AT_MAX_AHEAD = timedelta(days=1)


class Opened(Protocol):
    @property
    def started_at(self) -> int: ...


class StartedBody(Opened, Protocol):
    """What the started beacon posts that its checks read."""

    @property
    def questionnaire_version(self) -> str: ...


class FormBody(Protocol):
    """What every form posts besides its own fields: the honeypot, when the form was opened, the proof of work."""

    @property
    def website(self) -> str | None: ...
    @property
    def started_at(self) -> int: ...
    @property
    def altcha(self) -> str: ...


@dataclass(frozen=True)
class ConsentProof:
    """What the law asks us to be able to show: who agreed to which text, when, and where."""

    purpose: str
    version: str
    text_sha256: str


@dataclass(frozen=True)
class Spam:
    reason: Literal["honeypot", "too_fast"]


@dataclass(frozen=True)
class Admitted:
    """A form that may go on: its solved challenge (spent in its write), and ``bot`` when a bot sent it (its
    caller answers it exactly as a person's, with nothing stored, so the answer tells the bot nothing)."""

    challenge: SolvedChallenge
    bot: Spam | None


@dataclass(frozen=True)
class Refused:
    """A form refused before anything is written: invalid fields, or a proof of work that does not hold."""

    code: Literal["validation_failed", "challenge_failed"]
    problems: Sequence[FieldProblem]


def admit(
    request: FormBody,
    problems: Sequence[FieldProblem],
    signing_keys: Sequence[bytes],
    now: datetime,
    min_fill_seconds: int,
) -> Admitted | Refused:
    """The form's own ``problems`` and its ``started_at`` first, then its proof of work, then the bot screen."""
    problems = [*problems, *check_started_at(request, now)]
    if problems:
        return Refused("validation_failed", problems)
    solved = check_solution(signing_keys, request.altcha, now)
    if isinstance(solved, FieldProblem):
        return Refused("challenge_failed", [solved])
    return Admitted(solved, screen_for_bots(request, now, min_fill_seconds))


def check_started_at(request: Opened, now: datetime) -> list[FieldProblem]:
    """``started_at`` within a sane window around ``now`` (the model has bounded it to a storable number)."""
    opened = request.started_at / 1000
    if not (now - STARTED_AT_MAX_AGE).timestamp() <= opened <= (now + STARTED_AT_MAX_AHEAD).timestamp():
        return [FieldProblem("started_at", "out_of_range")]
    return []


def started_problems(request: StartedBody, version: str, now: datetime) -> list[FieldProblem]:
    """The started beacon's checks: the questionnaire in force and a sane ``started_at``. No proof of work (the
    first answer must not wait for one) and no minimum fill time (a first answer comes within seconds): its
    screen is the honeypot and its client's hourly bound."""
    problems = (
        [] if request.questionnaire_version == version else [FieldProblem("questionnaire_version", "unknown_version")]
    )
    return [*problems, *check_started_at(request, now)]


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


def consent_version_problems(content: Content, version: str) -> list[FieldProblem]:
    """A form's consent must be to the texts in force: an older page's version is refused, naming it."""
    return [] if version == content.consents.version else [FieldProblem("consent.version", "unknown_version")]


def consent_proof(content: Content, purpose: str) -> ConsentProof:
    """The proof of the consent for ``purpose``, given to the current consent texts."""
    return ConsentProof(purpose, content.consents.version, content.consent_text_sha256(purpose))


def request_hash(request: BaseModel) -> str:
    """Identifies the payload: a replay must carry the same one, or it is a conflict.

    The proof of work is not part of it: a retry that had to solve a fresh challenge sends the same payload.
    """
    canonical = json.dumps(request.model_dump(mode="json", exclude={"altcha"}), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class _Person(Protocol):
    @property
    def email(self) -> str: ...
    @property
    def name(self) -> str: ...


@dataclass(frozen=True, kw_only=True)
class NewForm:
    """What every form's one write stores besides its own fields (NewSubmission, NewIntake)."""

    lead_id: str
    email: str
    name: str
    challenge: SolvedChallenge  # recorded as used in the same write
    request_hash: str
    response_body: dict[str, Any]
    created_at: datetime
    # DynamoDB TTLs (epoch seconds), per purpose: see logic/retention.py.
    expires_at: int  # the lead and the form's own item
    consent_expires_at: int
    email_expires_at: int
    replay_expires_at: int


def new_form(
    request: BaseModel,
    contact: _Person,
    response: BaseModel,
    purpose: RetentionPurpose,
    now: datetime,
    retention: Retention,
    challenge: SolvedChallenge,
) -> dict[str, Any]:
    """NewForm's fields of a form (the keyword arguments its subclass takes besides its own); ``purpose``
    names how long the lead and the form's own item are kept."""
    return {
        "lead_id": lead_id_for(contact.email),
        "email": normalise_email(contact.email),
        "name": contact.name,
        "challenge": challenge,
        "request_hash": request_hash(request),
        "response_body": response.model_dump(mode="json"),
        "created_at": now.astimezone(UTC),
        "expires_at": retention.expires_at(purpose, now),
        "consent_expires_at": retention.expires_at("consent", now),
        "email_expires_at": retention.expires_at("email", now),
        "replay_expires_at": retention.expires_at("replay", now),
    }
