"""When an erasure link may still act: once, while the email that carried it is stored.

Erasing deletes every item of the person, that email's job included, so a second use of the same link
(a replay, or a click days later) finds no such job and deletes nothing, not even what the person
stored after the first erasure. A new erasure request sends a new link.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any


def link_still_open(items: Iterable[Mapping[str, Any]], issued_at: int) -> bool:
    """Whether one of ``items`` is the sent erasure email whose link was made at ``issued_at``."""
    return any(
        item.get("entity") == "email_job"
        and item.get("kind") == "erase_confirm"
        and item.get("sent_at")
        and int(datetime.fromisoformat(str(item["sent_at"])).timestamp()) == issued_at
        for item in items
    )
