"""The shapes of the leads table's main items, as the code reads and writes them (plain Python, see
dal/table.py for the keys and the codec).

TypedDicts, not models: an item is the dict DynamoDB returns, and these say which attributes it has and of
what type, for mypy and a reader, without a copy or a validation on every read. Attributes an item carries
only in some states are ``NotRequired``.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

# What an access-log item records (dal/access_log.py): a view of a person (a lookup: a search by exact address
# that found them; pdf: a PDF of their result), an export, an erasure, a note, a status change.
AccessAction = Literal[
    "view", "lookup", "pdf", "note", "handled", "export_person", "export_leads_csv", "export_intakes_csv", "erase"
]


class Key(TypedDict):
    pk: str
    sk: str


class LeadItem(TypedDict):
    """pk = LEAD#<lead_id>, sk = PROFILE: one address (its hash is the id) and its state."""

    pk: str
    sk: str
    entity: str  # "lead"
    lead_id: str
    email: str
    created_at: str
    updated_at: str
    expires_at: int
    submission_count: NotRequired[int]
    intake_count: NotRequired[int]
    latest_submission_id: NotRequired[str]
    latest_submission_at: NotRequired[str]
    latest_triage: NotRequired[str]
    latest_category: NotRequired[str]
    latest_name: NotRequired[str]  # the latest form's name, unverified (verified_name wins)
    utm_source: NotRequired[str]  # of the first form that named one
    utm_campaign: NotRequired[str]
    gsi2pk: NotRequired[str]  # LEADS#<yyyy-mm> of its creation (the month index)
    gsi2sk: NotRequired[str]
    unverified_urgent_at: NotRequired[str]
    urgent_flag_at: NotRequired[str]
    marketing_requested_at: NotRequired[str]
    marketing_request_id: NotRequired[str]
    marketing_request_name: NotRequired[str]
    marketing_confirmed_at: NotRequired[str]
    unsubscribed_at: NotRequired[str]
    verified_at: NotRequired[str]
    verified_name: NotRequired[str]
    open_intake_until: NotRequired[int]
    intake_requested_at: NotRequired[str]


class SubmissionItem(TypedDict):
    """pk = LEAD#<lead_id>, sk = SUBMISSION#<created_at>#<submission_id>: one Pijntest and its result."""

    pk: str
    sk: str
    entity: str  # "submission"
    lead_id: str
    submission_id: str
    answers: dict[str, int | str]
    result: dict[str, Any]
    triage: str
    category: str
    versions: dict[str, Any]
    name: NotRequired[str]
    source: dict[str, Any]
    started_at: int
    created_at: str
    expires_at: int


class IntakeItem(TypedDict):
    """pk = LEAD#<lead_id>, sk = INTAKE#<created_at>#<request_id>: one intake request; in the open-intakes
    index (gsi1pk = INTAKE#open) until the coach marks it handled."""

    pk: str
    sk: str
    entity: str  # "intake"
    lead_id: str
    request_id: str
    status: str  # "requested" | "handled"
    name: str
    email: str
    phone: NotRequired[str]
    preferred_contact: NotRequired[str]
    preferred_moments: NotRequired[list[str]]
    message: NotRequired[str]
    submission_id: NotRequired[str]
    created_at: str
    expires_at: int
    gsi1pk: NotRequired[str]
    gsi1sk: NotRequired[str]
    handled_at: NotRequired[str]
    genuine: NotRequired[bool]
    gsi2pk: NotRequired[str]  # INTAKES#<yyyy-mm> of its creation (the month index)
    gsi2sk: NotRequired[str]


class EmailJobItem(TypedDict):
    """pk = LEAD#<lead_id>, sk = EMAIL#<kind>#...: one email to send (the outbox), in the due index while
    pending."""

    pk: str
    sk: str
    gsi1pk: NotRequired[str]
    gsi1sk: NotRequired[str]
    entity: str  # "email_job"
    lead_id: str
    job_id: str
    kind: str
    status: str  # pending | sending | sent | failed | skipped
    created_at: str
    expires_at: int
    submission_sk: NotRequired[str]
    intake_sk: NotRequired[str]
    with_latest_submission: NotRequired[bool]
    followup_sk: NotRequired[str]
    claim_id: NotRequired[str]
    claimed_at: NotRequired[str]
    attempts: NotRequired[int]


class FollowupItem(TypedDict):
    """pk = LEAD#<lead_id>, sk = FOLLOWUP#<sequence>#<step>#<confirmed_at>: one scheduled follow-up email, in
    the due index until it is turned into an email job."""

    pk: str
    sk: str
    gsi1pk: NotRequired[str]
    gsi1sk: NotRequired[str]
    entity: str  # "followup"
    lead_id: str
    kind: str
    sequence: str
    step: str
    status: str  # scheduled | enqueued
    due_at: str
    created_at: str
    expires_at: int
    enqueued_at: NotRequired[str]
    job_sk: NotRequired[str]


class FunnelCountItem(TypedDict):
    """pk = FUNNEL#<yyyy-mm>, sk = COUNT#<day>#<version>#<source>#<medium>#<campaign>: one day's counts of one
    source and questionnaire version (dal/funnel.py); nothing of a person."""

    pk: str
    sk: str
    entity: str  # "funnel_count"
    day: str
    version: str
    source: str
    medium: str
    campaign: str
    expires_at: int
    started: NotRequired[int]
    completed: NotRequired[int]
    optin_requested: NotRequired[int]
    intake_requested: NotRequired[int]


class NoteItem(TypedDict):
    """pk = LEAD#<lead_id>, sk = NOTE#<created_at>#<note_id>: a note of the coach or assistant about the person;
    erased with them, else kept NoteRetentionDays."""

    pk: str
    sk: str
    entity: str  # "note"
    lead_id: str
    note_id: str
    text: str
    author: str
    author_sub: str
    created_at: str
    expires_at: int


class AccessLogItem(TypedDict):
    """pk = ACCESS#<lead_id> (or ACCESS#EXPORTS), sk = <at>#<event_id>, in the month index as ACCESS#<yyyy-mm>:
    who (the Cognito user) did what with whose data, when. The person's hash only: never a name, an address or
    an answer. Kept AccessLogRetentionDays, erasure or not."""

    pk: str
    sk: str
    gsi2pk: str
    gsi2sk: str
    entity: str  # "access"
    event_id: str
    at: str
    action: str
    username: str
    sub: str
    groups: list[str]
    lead_id: NotRequired[str]
    detail: dict[str, str | int]
    expires_at: int
