"""One timestamp format everywhere it is stored: ISO 8601 in UTC with milliseconds and a Z."""

from datetime import datetime


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
