"""Planning the follow-up emails of a confirmed opt-in: one due item per step of the sequence."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pijnreset.content.followups import FollowupSequence
from pijnreset.logic.due import due_keys
from pijnreset.timestamps import iso


def plan_followups(
    sequence: FollowupSequence, lead_pk: str, confirmed_at: datetime, keep_days: int
) -> list[dict[str, Any]]:
    """Follow-up items, each in the due index at its send time; kept ``keep_days`` after that."""
    items = []
    for step in sequence.steps:
        due_at = confirmed_at + timedelta(days=step.delay_days)
        sk = f"FOLLOWUP#{sequence.version}#{step.id}#{iso(confirmed_at)}"
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
