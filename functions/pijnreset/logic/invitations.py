"""The calendar invitation of a booked intake (RFC 5545 with ``icalendar``): METHOD REQUEST when booked or moved,
CANCEL when cancelled, one stable UID per intake, the times in the coach's time zone with its VTIMEZONE.

Nothing of health in it: a title, the time, where (a phone number or the video room) and who. The texts are the
templates' (templates/booking/invitation.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

Method = Literal["REQUEST", "CANCEL"]
PRODUCT_ID = "-//Pijn Reset Methode//pijnreset//NL"


@dataclass(frozen=True)
class Invitation:
    uid: str
    method: Method
    sequence: int  # raised by every change, so that a calendar takes the newest
    start: datetime
    end: datetime
    summary: str
    description: str
    location: str | None
    organizer_email: str
    organizer_name: str
    attendee_email: str
    attendee_name: str
    stamp: datetime


def intake_uid(request_id: str, domain: str) -> str:
    """One UID per intake, whatever happens to it: a move or a cancel updates the same calendar entry."""
    return f"intake-{request_id}@{domain}"


def calendar_bytes(invitation: Invitation, time_zone: ZoneInfo) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", invitation.method)
    event = Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", invitation.stamp)
    event.add("dtstart", invitation.start.astimezone(time_zone))
    event.add("dtend", invitation.end.astimezone(time_zone))
    event.add("summary", invitation.summary)
    event.add("description", invitation.description)
    if invitation.location:
        event.add("location", invitation.location)
    event.add("status", "CANCELLED" if invitation.method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer = vCalAddress(f"mailto:{invitation.organizer_email}")
    organizer.params["cn"] = vText(invitation.organizer_name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{invitation.attendee_email}")
    attendee.params.update(
        {"cn": vText(invitation.attendee_name), "role": "REQ-PARTICIPANT", "partstat": "ACCEPTED", "rsvp": "FALSE"}
    )
    event.add("attendee", attendee)
    calendar.add_component(event)
    # The VTIMEZONE of the TZID the times carry, for the years around the event (not 1970-2038).
    year = invitation.start.year
    calendar.add_missing_timezones(first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1))
    ical: bytes = calendar.to_ical()
    return ical
