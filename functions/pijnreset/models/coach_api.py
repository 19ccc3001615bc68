"""The coach's dashboard API under /coach/api (CoachApiFunction, docs/coach-api.md): its query parameters,
request bodies and responses. Field names are the contract with the app at /coach/.

Group rules, applied by the handler and written into these shapes: ``coach`` sees everything; ``assistant``
reads leads and intakes, marks intakes handled and adds notes, but never sees answers (``answers`` is null, and
a result's drivers carry no ``answer``/``value``), never exports and never erases (403).

Times are ISO 8601 UTC strings as stored (``2026-12-02T17:05:00.000Z``); ``from``/``to`` are dates in
Europe/Amsterdam, both inclusive. Every list is ``{"items": [...], "cursor": "..."|null}``: pass ``cursor`` back
unchanged for the next page; a cursor that was not issued for the same filters is a 400 naming ``cursor``.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, field_validator
from pydantic_core import PydanticCustomError

from pijnreset.models.items import AccessAction
from pijnreset.models.requests import FORGING_CHARACTERS, EmailAddress, RequestModel
from pijnreset.models.result import DomainScore, RedFlag, Triage

OptinState = Literal["none", "requested", "confirmed", "unsubscribed"]
IntakeState = Literal["none", "open", "handled"]
Category = Literal["low", "medium", "high"]
PageLimit = Annotated[int, Field(ge=1, le=100)]
Cursor = Annotated[str, Field(min_length=1, max_length=2048)]
# Campaign and source values as the form stores them (models/requests.Source's ShortText).
SourceValue = Annotated[str, Field(min_length=1, max_length=200)]
MAX_NOTE_CHARS = 2000

# --- Query parameters ------------------------------------------------------------------------------------


class _Query(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class DateRange(_Query):
    """``from``/``to``: dates in Europe/Amsterdam, both inclusive. Without ``from``: the 1st of the month 12
    months back; without ``to``: today."""

    from_: date | None = Field(default=None, alias="from")
    to: date | None = None


class LeadFilters(DateRange):
    """GET /coach/api/leads: newest first (by when the lead was first seen). ``email`` finds one person by exact
    address (the other filters are then ignored)."""

    triage: Triage | None = Field(
        default=None,
        description="urgent: any urgent red flag at any test (verified or not); see_gp / none: the latest test's.",
    )
    category: Category | None = Field(default=None, description="The latest test's category.")
    optin: OptinState | None = Field(default=None, description="The follow-up emails' opt-in state.")
    intake: IntakeState | None = Field(default=None, description="open: an intake waits for the coach.")
    source: SourceValue | None = Field(default=None, description="utm_source of the lead's first form, exactly.")
    campaign: SourceValue | None = Field(default=None, description="utm_campaign of the lead's first form, exactly.")
    email: EmailAddress | None = Field(default=None, description="Exactly this address (its hash is the lead id).")
    cursor: Cursor | None = None
    limit: PageLimit = 50


class IntakeFilters(_Query):
    """GET /coach/api/intakes: ``state=open`` (the default) lists open intakes oldest first; ``state=handled`` the
    handled ones of the date range, newest first."""

    state: Literal["open", "handled"] = "open"
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    cursor: Cursor | None = None
    limit: PageLimit = 50


class CsvExport(DateRange):
    """GET /coach/api/export/leads.csv and intakes.csv: the date range (of the lead's first form / the intake),
    ``answers=1`` adds the latest test's answers (coach only; leads.csv only). One response holds at most
    ``EXPORT_ROWS_PER_PART`` rows: when more remain, the header ``X-Next-Cursor`` holds the cursor of the next
    part (pass it as ``cursor``)."""

    answers: Literal["0", "1"] = "0"
    cursor: Cursor | None = None


class AuditFilters(_Query):
    """GET /coach/api/audit: the access log, newest first; ``lead_id``: only what was done with that person."""

    lead_id: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")] | None = None
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    cursor: Cursor | None = None
    limit: PageLimit = 50


# --- Request bodies ---------------------------------------------------------------------------------------


def _note_text(value: str) -> str:
    if any(unicodedata.category(char) == "Cc" and char not in "\n\t" for char in value) or any(
        char in FORGING_CHARACTERS for char in value
    ):
        raise PydanticCustomError("control_characters", "Only ordinary letters, digits and punctuation")
    return value


class NoteRequest(RequestModel):
    """POST /coach/api/leads/{lead_id}/notes: a note of the coach or assistant about the person (kept
    ``NoteRetentionDays``; erased with the person)."""

    text: Annotated[StrictStr, Field(min_length=1, max_length=MAX_NOTE_CHARS)]

    _text = field_validator("text")(_note_text)


class EraseRequest(RequestModel):
    """POST /coach/api/leads/{lead_id}/erase: ``confirm`` must be true (the app asks first, naming what goes)."""

    confirm: Literal[True]


class HandledRequest(RequestModel):
    """POST /coach/api/intakes/{intake_id}/handled. ``genuine`` false: the person never asked for it (the
    follow-up emails resume); true (the default): they did, and the follow-ups stop for good."""

    genuine: StrictBool = True


# --- Responses --------------------------------------------------------------------------------------------


class LeadRow(BaseModel):
    """One lead in the list: who, when, the flags that must stand out, and where they came from."""

    lead_id: str = Field(description="SHA-256 of the normalised address: the person's id everywhere.")
    email: str
    name: str | None = Field(description="The verified name, else the latest form's (unverified).")
    name_verified: bool
    created_at: str = Field(description="When the lead was first seen (its first form).")
    latest_submission_at: str | None
    triage: Triage | None = Field(description="The latest test's triage; null without a test.")
    urgent: bool = Field(description="An urgent red flag at any test: shown first, before any score.")
    urgent_verified: bool = Field(description="The coach confirmed the urgent flag (pijnreset verify).")
    category: Category | None
    optin: OptinState
    intake: IntakeState
    source: str | None = Field(description="utm_source of the lead's first form.")
    campaign: str | None = Field(description="utm_campaign of the lead's first form.")
    submissions: int
    intakes: int


class LeadPage(BaseModel):
    items: list[LeadRow]
    cursor: str | None = Field(description="The next page's cursor; null on the last page.")


class DriverOut(BaseModel):
    """An answer that raised its theme's score. ``answer``/``value``: coach only (null for an assistant)."""

    question_id: str
    text: str
    answer: str | None
    value: int | None


class ThemeOut(BaseModel):
    """One theme bar of a result (a scored domain) and what drove it."""

    id: str
    label: str
    score: int
    max: int
    percent: int
    band: Literal["low", "medium", "high"]
    explanation: str
    drivers: list[DriverOut]

    @classmethod
    def of(cls, domain: DomainScore, with_answers: bool) -> ThemeOut:
        drivers = [
            DriverOut(
                question_id=driver.question_id,
                text=driver.text,
                answer=driver.answer if with_answers else None,
                value=driver.value if with_answers else None,
            )
            for driver in domain.drivers
        ]
        return cls(**domain.model_dump(exclude={"drivers"}), drivers=drivers)


class ResultOut(BaseModel):
    """One Pijntest of the person, newest first. ``answers``: coach only (null for an assistant)."""

    submission_id: str
    created_at: str
    name: str | None
    triage: Triage
    category: Category | None
    total: int | None
    max_total: int
    red_flags: list[RedFlag]
    themes: list[ThemeOut]
    notes: list[str] = Field(description="The result's own notes (e.g. why no score was given).")
    source: dict[str, str]
    versions: dict[str, str]
    answers: dict[str, int | str] | None


class FlagOut(BaseModel):
    """A red flag of any test, urgent first then newest first: shown above everything else."""

    submission_id: str
    created_at: str
    id: str
    urgency: Literal["urgent", "see_gp"]
    flag: str


class ConsentRecord(BaseModel):
    """Proof of one consent (or withdrawal): which purpose, when, to which text (version and SHA-256), where."""

    purpose: str
    granted: bool
    given_at: str
    consent_version: str | None
    text_sha256: str | None
    source: dict[str, Any]


class EmailOut(BaseModel):
    """An email job: sent, skipped (and why), failed (and why), or still pending."""

    kind: str
    status: Literal["pending", "sending", "sent", "failed", "skipped"]
    created_at: str
    sent_at: str | None
    skipped_at: str | None
    skip_reason: str | None
    failure: str | None


class FollowupOut(BaseModel):
    sequence: str
    step: str
    kind: str
    status: str = Field(description="scheduled | enqueued (then its email is in ``emails``)")
    due_at: str


class FollowupState(BaseModel):
    """Whether follow-up emails go out: ``paused`` while an intake is open or an urgent flag is unverified,
    ``stopped`` after an unsubscribe, a handled genuine intake or a verified urgent flag."""

    state: Literal["none", "requested", "active", "paused", "stopped"]
    steps: list[FollowupOut]


class IntakeOut(BaseModel):
    """An intake request. ``urgent``/``triage``: the lead's flags, so that an urgent one stands out."""

    request_id: str
    lead_id: str
    status: Literal["requested", "handled"]
    created_at: str
    handled_at: str | None
    genuine: bool | None
    name: str
    email: str
    phone: str | None
    preferred_contact: Literal["phone", "email", "video"]
    preferred_moments: list[str] = Field(description="weekday_morning | weekday_afternoon | weekday_evening | saturday")
    message: str | None
    submission_id: str | None
    triage: Triage | None
    urgent: bool


class NoteOut(BaseModel):
    note_id: str
    text: str
    author: str = Field(description="The Cognito username that wrote it.")
    created_at: str


class LeadDetail(BaseModel):
    """GET /coach/api/leads/{lead_id}: everything of the person the caller's group may see. Every call is in
    the access log (``view``)."""

    lead: LeadRow
    verified_at: str | None
    red_flags: list[FlagOut]
    results: list[ResultOut]
    consents: list[ConsentRecord]
    emails: list[EmailOut]
    followups: FollowupState
    intakes: list[IntakeOut]
    notes: list[NoteOut]
    answers_included: bool = Field(description="False for an assistant: no answer is in this body.")


class IntakePage(BaseModel):
    items: list[IntakeOut]
    cursor: str | None


class HandledResponse(BaseModel):
    request_id: str
    status: Literal["handled"]
    handled_at: str


class EraseResponse(BaseModel):
    """What the erasure deleted; ``kept_marker``: the hashed suppression marker that stays, if any."""

    erased: Literal[True]
    deleted: int
    kept_marker: Literal["all", "marketing"] | None


class ExportResponse(BaseModel):
    """GET /coach/api/leads/{lead_id}/export: every stored item of the person, as stored (a data subject's
    access request), with the access log's entries about them."""

    lead_id: str
    exported_at: str
    items: list[dict[str, Any]]
    access_log: list[AccessEntry]


AuditAction = AccessAction


class AccessEntry(BaseModel):
    """One access-log item: who (the Cognito username and sub), what, when, and the person's hash. Never a name,
    an address or an answer."""

    at: str
    action: AuditAction
    username: str
    sub: str
    groups: list[str]
    lead_id: str | None = Field(description="The person's hash; null for a CSV export of many.")
    detail: dict[str, str | int] = Field(
        description="What else identifies the action: intake_id, note_id, the export's range and row count."
    )


class AuditPage(BaseModel):
    items: list[AccessEntry]
    cursor: str | None


ExportResponse.model_rebuild()
