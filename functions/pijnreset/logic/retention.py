"""How long each kind of personal data is kept: each purpose has its own period (template parameters, see
template.yaml). Which stored items still count (the TTL-live rule) is the table's: dal/table.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

RetentionPurpose = Literal["pijntest", "consent", "email", "replay", "intake", "note", "access_log"]


@dataclass(frozen=True)
class Retention:
    days: Mapping[RetentionPurpose, int]

    def expires_at(self, purpose: RetentionPurpose, now: datetime) -> int:
        """The TTL (epoch seconds) of an item kept for ``purpose``, written ``now``."""
        return int((now + timedelta(days=self.days[purpose])).timestamp())
