"""Planning the follow-up emails of a confirmed opt-in: one due item per step of the sequence."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pijnreset.logic.due import due_keys
from pijnreset.timestamps import iso

if TYPE_CHECKING:  # the due work and the sender read follow-up keys without loading any content
    from pijnreset.content.followups import FollowupSequence

_PREFIX = "FOLLOWUP"


def confirmation_of(followup_sk: str) -> str:
    """The opt-in confirmation (its time, as stored on the lead) whose schedule a follow-up item belongs to."""
    prefix, _, _, confirmed_at = followup_sk.split("#", 3)
    if prefix != _PREFIX:
        raise ValueError(f"not a follow-up key: {followup_sk!r}")
    return confirmed_at


def plan_followups(
    sequence: FollowupSequence, lead_pk: str, confirmed_at: datetime, keep_days: int
) -> list[dict[str, Any]]:
    """Follow-up items, each in the due index at its send time; kept ``keep_days`` after that."""
    items = []
    for step in sequence.steps:
        due_at = confirmed_at + timedelta(days=step.delay_days)
        sk = f"{_PREFIX}#{sequence.version}#{step.id}#{iso(confirmed_at)}"
        items.append(
            {
                "pk": lead_pk,
                "sk": sk,
                **due_keys(due_at, lead_pk, sk),
                "entity": "followup",
                "lead_id": lead_pk.removeprefix("LEAD#"),
                "kind": step.kind,
                "sequence": sequence.version,
                "step": step.id,
                "status": "scheduled",
                "due_at": iso(due_at),
                "created_at": iso(confirmed_at),
                "expires_at": int((due_at + timedelta(days=keep_days)).timestamp()),
            }
        )
    return items
