"""Time buckets of the due index (gsi1): work that is due at a time is found without scanning.

An item due at T carries gsi1pk = DUE#<T's UTC hour> and gsi1sk = <T>#<its pk>#<its sk>. Finding what is
due means querying each hour bucket of the look-back window for gsi1sk <= now: a handful of small queries
that read only due items.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from pijnreset.timestamps import iso

BUCKET_PREFIX = "DUE#"


def due_bucket(moment: datetime) -> str:
    return BUCKET_PREFIX + iso(moment)[:13]  # 2026-11-27T10


def due_sort_key(moment: datetime, pk: str, sk: str) -> str:
    return f"{iso(moment)}#{pk}#{sk}"


def due_keys(moment: datetime, pk: str, sk: str) -> dict[str, str]:
    """The gsi1 attributes that put an item in the due index at ``moment``."""
    return {"gsi1pk": due_bucket(moment), "gsi1sk": due_sort_key(moment, pk, sk)}


def buckets(now: datetime, look_back: timedelta) -> Iterator[str]:
    """Every hour bucket from ``now - look_back`` to ``now``, oldest first."""
    hour = (now - look_back).replace(minute=0, second=0, microsecond=0)
    while hour <= now:
        yield due_bucket(hour)
        hour += timedelta(hours=1)
