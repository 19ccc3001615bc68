"""One timestamp format everywhere it is stored: ISO 8601 in UTC with milliseconds and a Z.

People read times in the coach's own time zone (the ``tzdata`` package carries its rules, for runtimes
without the system's time zone files).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

COACH_TIME_ZONE = ZoneInfo("Europe/Amsterdam")


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def for_people(stored: str) -> str:
    """A stored timestamp as the coach and a Dutch visitor read it: ``27-11-2026 11:13``, Dutch time."""
    return moment(stored).astimezone(COACH_TIME_ZONE).strftime("%d-%m-%Y %H:%M")


def moment(stored: str) -> datetime:
    """A stored timestamp as an aware datetime in UTC."""
    return datetime.fromisoformat(stored.replace("Z", "+00:00"))
