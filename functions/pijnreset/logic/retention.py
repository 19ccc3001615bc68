"""How long each kind of personal data is kept, and which stored items still count.

DynamoDB deletes an item some time (up to days) after its TTL passed; until then every read treats it as
gone. Each purpose has its own period (template parameters, see template.yaml).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

RetentionPurpose = Literal["pijntest", "consent", "email", "replay", "intake"]


@dataclass(frozen=True)
class Retention:
    days: Mapping[RetentionPurpose, int]

    def expires_at(self, purpose: RetentionPurpose, now: datetime) -> int:
        """The TTL (epoch seconds) of an item kept for ``purpose``, written ``now``."""
        return int((now + timedelta(days=self.days[purpose])).timestamp())


def live(item: Mapping[str, Any] | None, now: datetime) -> bool:
    """Whether a read item still counts: it exists and its TTL, if any, has not passed."""
    if item is None:
        return False
    expires_at = item.get("expires_at")
    return expires_at is None or int(expires_at) > now.timestamp()
