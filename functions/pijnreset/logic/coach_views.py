"""What the coach's dashboard shows, from stored items: pure functions, no AWS (the reads are dal/dashboard.py).

The rules that decide what stands out live here once: a lead's opt-in and intake state, whether it carries an
urgent red flag, the follow-ups' state; and the group rule on answers (an assistant gets none: no answer dict,
no driver's answer or value). The date range of a filter (Europe/Amsterdam days) becomes UTC bounds and the
months of the month index here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from pijnreset.models.coach_api import (
    AccessEntry,
    ConsentRecord,
    EmailOut,
    FlagOut,
    FollowupOut,
    FollowupState,
    IntakeOut,
    IntakeState,
    LeadDetail,
    LeadRow,
    NoteOut,
    OptinState,
    ResultOut,
    ThemeOut,
)
from pijnreset.models.result import PijntestResult
from pijnreset.timestamps import COACH_TIME_ZONE, iso

DEFAULT_MONTHS_BACK = 12  # this month and the twelve before
MAX_MONTHS = 121  # ten years: the longest any retention period keeps anything


@dataclass(frozen=True)
class Window:
    """A filter's date range as the month index reads it: UTC bounds (start inclusive, end exclusive) and the
    months it touches, newest first."""

    start: str
    end: str
    months: tuple[str, ...]


class BadRange(ValueError):
    """``field``: the query parameter at fault."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem


def window(first: date | None, last: date | None, now: datetime) -> Window:
    """``first``..``last``: Dutch days, both inclusive (defaults: 13 months back, today)."""
    today = now.astimezone(COACH_TIME_ZONE).date()
    last = last or today
    first = first or _months_before(today, DEFAULT_MONTHS_BACK)
    if first > last:
        raise BadRange("from", "after_to")
    start = datetime.combine(first, time(), COACH_TIME_ZONE).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), COACH_TIME_ZONE).astimezone(UTC)
    months = _months_between(iso(start), iso(end - timedelta(milliseconds=1)))
    if len(months) > MAX_MONTHS:
        raise BadRange("from", "range_too_long")
    return Window(iso(start), iso(end), months)


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _months_between(start: str, end: str) -> tuple[str, ...]:
    """Every yyyy-mm from ``end``'s back to ``start``'s (stored ISO times, UTC)."""
    first, last = int(start[:4]) * 12 + int(start[5:7]) - 1, int(end[:4]) * 12 + int(end[5:7]) - 1
    return tuple(f"{index // 12:04d}-{index % 12 + 1:02d}" for index in range(last, first - 1, -1))


# --- A lead's states ------------------------------------------------------------------------------------------


def optin_state(lead: Mapping[str, Any]) -> OptinState:
    """The latest of the opt-in request, its confirmation and an unsubscribe decides (as logic/email/policy)."""
    moments = {
        "requested": str(lead.get("marketing_requested_at") or ""),
        "confirmed": str(lead.get("marketing_confirmed_at") or ""),
        "unsubscribed": str(lead.get("unsubscribed_at") or ""),
    }
    latest = max(moments, key=lambda state: (moments[state], state == "confirmed"))
    return latest if moments[latest] else "none"  # type: ignore[return-value]  # a key of ``moments``


def intake_state(lead: Mapping[str, Any], now: datetime) -> IntakeState:
    if int(lead.get("open_intake_until") or 0) > now.timestamp():
        return "open"
    return "handled" if int(lead.get("intake_count") or 0) > 0 else "none"


def is_urgent(lead: Mapping[str, Any]) -> bool:
    """An urgent red flag at any test: verified by the coach, or typed into a form (unverified, still shown)."""
    return bool(lead.get("urgent_flag_at") or lead.get("unverified_urgent_at") or lead.get("latest_triage") == "urgent")


def lead_row(lead: Mapping[str, Any], now: datetime) -> LeadRow:
    return LeadRow(
        lead_id=str(lead["lead_id"]),
        email=str(lead["email"]),
        name=lead.get("verified_name") or lead.get("latest_name") or lead.get("marketing_request_name"),
        name_verified=bool(lead.get("verified_name")),
        created_at=str(lead["created_at"]),
        latest_submission_at=lead.get("latest_submission_at"),
        triage=lead.get("latest_triage"),
        urgent=is_urgent(lead),
        urgent_verified=bool(lead.get("urgent_flag_at")),
        category=lead.get("latest_category"),
        optin=optin_state(lead),
        intake=intake_state(lead, now),
        source=lead.get("utm_source"),
        campaign=lead.get("utm_campaign"),
        submissions=int(lead.get("submission_count") or 0),
        intakes=int(lead.get("intake_count") or 0),
    )


def followup_state(lead: Mapping[str, Any], followups: Sequence[Mapping[str, Any]], now: datetime) -> FollowupState:
    optin = optin_state(lead)
    confirmed = str(lead.get("marketing_confirmed_at") or "")
    state: Literal["none", "requested", "active", "paused", "stopped"]
    if optin == "none" or optin == "requested":
        state = optin
    elif optin == "unsubscribed" or lead.get("urgent_flag_at") or lead.get("intake_requested_at"):
        state = "stopped"
    elif str(lead.get("unverified_urgent_at") or "") > confirmed or intake_state(lead, now) == "open":
        state = "paused"
    else:
        state = "active"
    steps = [
        FollowupOut(
            sequence=str(item["sequence"]),
            step=str(item["step"]),
            kind=str(item["kind"]),
            status=str(item["status"]),
            due_at=str(item["due_at"]),
        )
        for item in sorted(followups, key=lambda item: str(item["due_at"]))
    ]
    return FollowupState(state=state, steps=steps)


# --- One person -------------------------------------------------------------------------------------------


def result_out(submission: Mapping[str, Any], with_answers: bool) -> ResultOut:
    result = PijntestResult.model_validate(submission["result"])
    return ResultOut(
        submission_id=str(submission["submission_id"]),
        created_at=str(submission["created_at"]),
        name=submission.get("name"),
        triage=result.triage,
        category=result.category,
        total=result.total,
        max_total=result.max_total,
        red_flags=list(result.red_flags),
        themes=[ThemeOut.of(domain, with_answers) for domain in result.domains],
        notes=list(result.notes),
        source={name: str(value) for name, value in (submission.get("source") or {}).items()},
        versions={name: str(value) for name, value in result.versions.model_dump().items()},
        answers=dict(submission.get("answers") or {}) if with_answers else None,
    )


def intake_out(intake: Mapping[str, Any], lead: Mapping[str, Any] | None) -> IntakeOut:
    return IntakeOut(
        request_id=str(intake["request_id"]),
        lead_id=str(intake["lead_id"]),
        status=intake.get("status", "requested"),
        created_at=str(intake["created_at"]),
        handled_at=intake.get("handled_at"),
        genuine=intake.get("genuine"),
        name=str(intake["name"]),
        email=str(intake["email"]),
        phone=intake.get("phone"),
        preferred_contact=intake["preferred_contact"],
        preferred_moments=list(intake.get("preferred_moments") or []),
        message=intake.get("message"),
        submission_id=intake.get("submission_id"),
        triage=(lead or {}).get("latest_triage"),
        urgent=is_urgent(lead or {}),
    )


def lead_detail(items: Iterable[Mapping[str, Any]], with_answers: bool, now: datetime) -> LeadDetail | None:
    """Everything of one person the caller's group may see, from their stored items; None without a lead."""
    by_entity: dict[str, list[Mapping[str, Any]]] = {}
    for item in items:
        by_entity.setdefault(str(item.get("entity")), []).append(item)
    leads = by_entity.get("lead", [])
    if not leads:
        return None
    lead = leads[0]

    def newest(entity: str, field: str = "created_at") -> list[Mapping[str, Any]]:
        return sorted(by_entity.get(entity, []), key=lambda item: str(item.get(field) or ""), reverse=True)

    submissions = newest("submission")
    results = [result_out(submission, with_answers) for submission in submissions]
    flags = [
        FlagOut(submission_id=result.submission_id, created_at=result.created_at, **flag.model_dump())
        for result in results
        for flag in result.red_flags
    ]
    flags.sort(key=lambda flag: flag.created_at, reverse=True)
    flags.sort(key=lambda flag: flag.urgency != "urgent")  # urgent first, each newest first (stable)
    return LeadDetail(
        lead=lead_row(lead, now),
        verified_at=lead.get("verified_at"),
        red_flags=flags,
        results=results,
        consents=[
            ConsentRecord(
                purpose=str(item["purpose"]),
                granted=bool(item.get("granted", True)),
                given_at=str(item["given_at"]),
                consent_version=item.get("consent_version"),
                text_sha256=item.get("text_sha256"),
                source=dict(item.get("source") or {}),
            )
            for item in newest("consent", "given_at")
        ],
        emails=[
            EmailOut(
                kind=str(item["kind"]),
                status=item["status"],
                created_at=str(item["created_at"]),
                sent_at=item.get("sent_at"),
                skipped_at=item.get("skipped_at"),
                skip_reason=item.get("skip_reason"),
                failure=item.get("failure"),
            )
            for item in newest("email_job")
        ],
        followups=followup_state(lead, by_entity.get("followup", []), now),
        intakes=[intake_out(item, lead) for item in newest("intake")],
        notes=[note_out(item) for item in newest("note")],
        answers_included=with_answers,
    )


def note_out(note: Mapping[str, Any]) -> NoteOut:
    return NoteOut(
        note_id=str(note["note_id"]),
        text=str(note["text"]),
        author=str(note["author"]),
        created_at=str(note["created_at"]),
    )


def access_entry(item: Mapping[str, Any]) -> AccessEntry:
    return AccessEntry(
        at=str(item["at"]),
        action=item["action"],
        username=str(item["username"]),
        sub=str(item["sub"]),
        groups=list(item.get("groups") or []),
        lead_id=item.get("lead_id"),
        detail=dict(item.get("detail") or {}),
    )
