"""The dashboard's CSV exports as Dutch Excel opens them: ``;`` between cells, UTF-8 with a byte-order mark,
CRLF line ends, a header row. Minimal columns by default; the answers only when the coach asks for them.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a CR is prefixed with ``'``, so that nothing a
visitor typed (a name, a message) runs as a formula in the coach's spreadsheet (OWASP's CSV injection advice).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pijnreset.logic.coach_views import intake_state, is_urgent, optin_state

BOM = "\ufeff"
DELIMITER = ";"
ANSWER_PREFIX = "answer:"
LEAD_COLUMNS = (
    "lead_id",
    "created_at",
    "name",
    "email",
    "triage",
    "urgent",
    "category",
    "optin",
    "intake",
    "source",
    "campaign",
)
INTAKE_COLUMNS = (
    "request_id",
    "lead_id",
    "created_at",
    "status",
    "handled_at",
    "name",
    "email",
    "phone",
    "preferred_contact",
    "preferred_moments",
    "urgent",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list | tuple):
        value = ",".join(str(part) for part in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def document(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """The whole file: BOM, header row, one row per mapping (missing cells empty)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(column)) for column in columns])
    return out.getvalue()


def lead_cells(lead: Mapping[str, Any], now: datetime, answers: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One lead's row; ``answers``: its latest test's, as ``answer:<question id>`` cells."""
    row: dict[str, Any] = {
        "lead_id": lead["lead_id"],
        "created_at": lead.get("created_at"),
        "name": lead.get("verified_name") or lead.get("latest_name"),
        "email": lead.get("email"),
        "triage": lead.get("latest_triage"),
        "urgent": is_urgent(lead),
        "category": lead.get("latest_category"),
        "optin": optin_state(lead),
        "intake": intake_state(lead, now),
        "source": lead.get("utm_source"),
        "campaign": lead.get("utm_campaign"),
    }
    for question, value in (answers or {}).items():
        row[ANSWER_PREFIX + question] = value
    return row


def intake_cells(intake: Mapping[str, Any], lead: Mapping[str, Any] | None) -> dict[str, Any]:
    return {
        **{column: intake.get(column) for column in INTAKE_COLUMNS},
        "status": intake.get("status", "requested"),
        "urgent": is_urgent(lead or {}),
    }


def answer_columns(answer_sets: Iterable[Mapping[str, Any]]) -> list[str]:
    """The answer columns of the rows, in the order the questions first appear."""
    seen: dict[str, None] = {}
    for answers in answer_sets:
        for question in answers:
            seen.setdefault(ANSWER_PREFIX + question, None)
    return list(seen)
