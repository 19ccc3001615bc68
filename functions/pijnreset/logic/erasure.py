"""When an erasure link may still act: once, while the email that carried it is stored.

Erasing deletes every item of the person, that email's job included, so a second use of the same link
(a replay, or a click days later) finds no such job and deletes nothing, not even what the person
stored after the first erasure. A new erasure request sends a new link.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
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


def erasure_marker_expires_at(erased_at: datetime, backup_days: int) -> int:
    """An erasure marker (dal/table.py: the address's hash and the time, no PII) keeps a restore from backup
    from quietly undoing the erasure. It expires a day after the oldest backup that could still hold the
    person (the table's point-in-time recovery period): past then no restore can bring them back."""
    return int((erased_at + timedelta(days=backup_days + 1)).timestamp())


def needs_reapplying(source: Mapping[str, Any], restored: Mapping[str, Any] | None) -> bool:
    """Whether the erasure ``source`` records must be applied again to a restored table whose own marker for
    that address is ``restored``: yes, unless the restored table was taken after that erasure (its marker
    is as recent), since everything of the person before then was deleted by it."""
    return restored is None or str(restored.get("erased_at", "")) < str(source["erased_at"])
