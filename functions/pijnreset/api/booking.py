"""The booking side of the intake function: the slot picker's answer and the refusals of a booking."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pijnreset.api.errors import ApiError
from pijnreset.content.booking import Availability
from pijnreset.logic.booking import booking_problems, free_slots, window
from pijnreset.models.api import BookingSlotsResponse, SlotOut
from pijnreset.observability import logger

if TYPE_CHECKING:
    from pijnreset.dal.bookings import Bookings


def free_slots_body(availability: Availability | None, bookings: Bookings, now: datetime) -> BookingSlotsResponse:
    """The free slots (times in the coach's time zone): one or two Queries; none when booking is off."""
    if availability is None:
        return BookingSlotsResponse(time_zone=None, slots=[])
    taken = bookings.taken(window(availability, now), now)
    slots = [
        SlotOut(start=start, end=end)
        for start, end in (s.local(availability) for s in free_slots(availability, now, taken))
    ]
    return BookingSlotsResponse(time_zone=availability.time_zone, slots=slots)


def refuse_by_triage(triage: str | None, urgent_flagged: bool, gp_acknowledged: bool) -> None:
    """The 422 of a booking that triage forbids (an urgent result) or that needs the GP acknowledgement."""
    problems = booking_problems(triage, urgent_flagged, gp_acknowledged)
    if problems:
        logger.info("booking refused", extra={"reason": problems[0].type})
        raise ApiError(422, "booking_refused", problems)
