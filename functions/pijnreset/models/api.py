"""What the HTTP API returns. Field names are the contract with the landing-page form."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from pijnreset.models.result import PijntestResult


class DocumentLinks(BaseModel):
    """Signed links to this result's PDFs, as paths under the API's base URL; short-lived (``expires_at``, epoch
    seconds): the result email carries links that last."""

    report: str | None = Field(description="The visitor's report; null after an urgent result (no score).")
    gp_summary: str = Field(description="The summary for the GP: after an urgent result the only PDF.")
    expires_at: int


class SubmitResponse(BaseModel):
    submission_id: UUID
    result: PijntestResult
    documents: DocumentLinks


class IntakeResponse(BaseModel):
    request_id: UUID
    status: Literal["requested"] = "requested"


class SlotOut(BaseModel):
    start: datetime = Field(description="ISO 8601 with the offset of the coach's time zone at that moment.")
    end: datetime


class BookingSlotsResponse(BaseModel):
    """The free intake slots of the coming weeks, earliest first; none when booking is not configured."""

    time_zone: str | None = Field(description="The coach's time zone (IANA), or null: no booking configured.")
    slots: list[SlotOut]


class ChallengeResponse(BaseModel):
    """An ALTCHA challenge (protocol v1): find ``number`` <= ``maxnumber`` with SHA-256(salt + number) ==
    ``challenge``, then send {algorithm, challenge, number, salt, signature} as base64 JSON in ``altcha``."""

    algorithm: Literal["SHA-256"]
    challenge: str = Field(description="Hex SHA-256 of salt + the secret number.")
    maxnumber: int = Field(description="The highest number to try (the difficulty).")
    salt: str = Field(description='Random hex, then "?expires=<epoch seconds>&": after that it is refused.')
    signature: str = Field(description="The server's HMAC of the challenge; sent back unchanged.")


class AcceptedResponse(BaseModel):
    status: Literal["accepted"] = "accepted"


class OptionOut(BaseModel):
    value: int | str
    label: str


class QuestionOut(BaseModel):
    id: str
    text: str
    block: Literal["context", "safety", "scored"]
    options: list[OptionOut]
    urgency: Literal["urgent", "see_gp"] | None = None
    crisis_line: bool | None = Field(
        None, description="Safety questions only: whether a yes calls for urgent_advice.crisis_line too."
    )
    domain: str | None = None


class ConsentOut(BaseModel):
    purpose: Literal["health_data", "marketing", "contact"]
    form: Literal["pijntest", "intake"] = Field(description="The form that asks this consent.")
    text: str
    required: bool = Field(description="Whether that form may only be sent with this consent given.")


class BlockOut(BaseModel):
    id: Literal["context", "safety", "scored"]
    intro: str


class UrgentAdviceOut(BaseModel):
    """What the form shows as soon as an urgent safety question is answered yes, before anything is sent."""

    title: str
    text: str
    crisis_line: str = Field(description="Shown only while a question with crisis_line is answered yes.")


class DomainOut(BaseModel):
    id: str
    label: str


class QuestionnaireResponse(BaseModel):
    version: str
    title: str
    intro: str
    blocks: list[BlockOut]
    questions: list[QuestionOut]
    urgent_advice: UrgentAdviceOut = Field(
        description="The same advice as an urgent result's triage_message: red-flag triage wins over everything."
    )
    domains: list[DomainOut]
    consent_version: str
    consents: list[ConsentOut]
    disclaimer: str
    min_fill_seconds: int = Field(
        ge=0,
        description="A form sent sooner than this after it was opened (started_at) is taken for a bot's: the form "
        "waits out the rest before it sends.",
    )


class FieldErrorOut(BaseModel):
    field: str = Field(
        description='Dotted path in the request body, e.g. "contact.email" or "answers.stress_overload".'
    )
    type: str = Field(description='Machine-readable reason, e.g. "missing", "invalid_option", "value_error".')
    message: str = Field(description="Dutch text to show next to the field.")


class ErrorResponse(BaseModel):
    error: str = Field(description="Machine-readable error code.")
    message: str = Field(description="Dutch text to show to the visitor.")
    fields: list[FieldErrorOut] = []


class UnauthorizedResponse(BaseModel):
    """A coach route's 401: API Gateway's JWT authorizer answers `{"message": "Unauthorized"}` itself, before the
    function runs; the function's own 401 (a valid ID token instead of an access token) is the error contract."""

    message: str = Field(description='"Unauthorized" from the authorizer, else Dutch text to show to the coach.')
    error: str | None = Field(default=None, description="Machine-readable error code, when the function answered.")
