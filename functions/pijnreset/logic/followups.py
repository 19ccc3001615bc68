"""Which opt-in confirmation a follow-up belongs to, read from its key (dal/table.py builds it).

The email rules decide by it whether a follow-up still belongs to the lead's current consent; they are pure
and do not import the data layer, so the one reading of the key lives here. tests/unit/test_table_keys.py
checks that it reads back what dal/table.py writes.
"""

from __future__ import annotations

_PREFIX = "FOLLOWUP"


def confirmation_of(followup_sk: str) -> str:
    """The opt-in confirmation (its time, as stored on the lead) whose schedule a follow-up item belongs to."""
    prefix, _, _, confirmed_at = followup_sk.split("#", 3)
    if prefix != _PREFIX:
        raise ValueError(f"not a follow-up key: {followup_sk!r}")
    return confirmed_at
