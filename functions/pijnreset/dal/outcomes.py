"""What a form's write came to, as values the handler turns into a response (dal/leads_table.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Recorded:
    body: dict[str, Any]
    capped: tuple[str, ...] = ()  # what the caps held back or reported (CapState.report)


@dataclass(frozen=True)
class Replayed:
    body: dict[str, Any]


@dataclass(frozen=True)
class Conflict:
    pass


@dataclass(frozen=True)
class Reused:
    """A new request whose proof of work was already spent: nothing was written."""


@dataclass(frozen=True)
class Limited:
    """The client is over its hourly bound (logic/caps.py): nothing was written."""

    retry_after: int


@dataclass(frozen=True)
class SlotTaken:
    """The slot the intake books was booked by another request first: nothing was written."""


FormOutcome = Recorded | Replayed | Conflict | Reused | Limited | SlotTaken
