"""Turns a validated Pijntest into what must be stored and answered, or into a reason to refuse it. What every
form does alike (the proof of work, the bot screen, the consent proof, the expiries) is in logic/forms.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pijnreset.content.loader import Content
from pijnreset.logic.answers import FieldProblem, validate_answers
from pijnreset.logic.challenge import SolvedChallenge
from pijnreset.logic.forms import ConsentProof, NewForm, consent_proof, consent_version_problems, new_form
from pijnreset.logic.identity import lead_id_for
from pijnreset.logic.retention import Retention
from pijnreset.logic.scoring import score
from pijnreset.logic.tokens import SCREEN_LINK_SECONDS, document_links
from pijnreset.models.api import DocumentLinks, SubmitResponse
from pijnreset.models.requests import SubmitRequest
from pijnreset.models.result import PijntestResult


@dataclass(frozen=True, kw_only=True)
class NewSubmission(NewForm):
    submission_id: str
    answers: dict[str, int | str]
    result: PijntestResult
    consents: list[ConsentProof]
    source: dict[str, Any]
    started_at: int

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


def check_request(content: Content, request: SubmitRequest) -> list[FieldProblem]:
    return validate_answers(content.questionnaire, request.answers) + consent_version_problems(
        content, request.consent.version
    )


def plan_submission(
    content: Content,
    request: SubmitRequest,
    now: datetime,
    retention: Retention,
    challenge: SolvedChallenge,
    key: bytes,
) -> NewSubmission:
    """Scores the request and gathers everything the one write will store. ``request`` passed ``check_request``;
    ``key`` signs the result screen's short-lived links to the PDFs (stored with the response: a replay within
    the hour gets links that still work)."""
    result = score(content, request.answers)
    given = (("health_data", request.consent.health_data), ("marketing", request.consent.marketing))
    documents = document_links(
        key,
        lead_id_for(request.contact.email),
        str(request.submission_id),
        result.triage == "urgent",
        int(now.timestamp()) + SCREEN_LINK_SECONDS,
    )
    response = SubmitResponse(
        submission_id=request.submission_id, result=result, documents=DocumentLinks.model_validate(documents)
    )
    common = new_form(request, request.contact, response, "pijntest", now, retention, challenge)
    return NewSubmission(
        **common,
        submission_id=str(request.submission_id),
        answers=dict(request.answers),
        result=result,
        consents=[consent_proof(content, purpose) for purpose, ticked in given if ticked],
        source=request.source.model_dump(exclude_none=True) if request.source else {},
        started_at=request.started_at,
    )
