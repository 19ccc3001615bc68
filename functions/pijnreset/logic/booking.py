"""Booking the intake: the free slots of the coach's availability, and whether a visitor may book (pure).

Slots are made in the availability's wall-clock time (an opening at 09:00 starts at 09:00 in winter and in
summer) and measured in real time: a slot lasts ``slot_minutes`` even on the night the clocks change. A wall
time that does not exist (the spring gap) or exists twice (the autumn hour) follows zoneinfo's rule (fold 0);
slots are stored and compared in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from pijnreset.content.booking import WEEKDAYS, Availability
from pijnreset.logic.answers import FieldProblem


@dataclass(frozen=True, order=True)
class Slot:
    """One bookable interval, in UTC."""

    start: datetime
    end: datetime

    def overlaps(self, other: Slot) -> bool:
        return self.start < other.end and other.start < self.end

    def local(self, availability: Availability) -> tuple[datetime, datetime]:
        """Start and end in the availability's time zone (ISO 8601 with the offset of that moment)."""
        return self.start.astimezone(availability.zone), self.end.astimezone(availability.zone)


def _days(availability: Availability, now: datetime) -> Iterator[date]:
    today = now.astimezone(availability.zone).date()
    for offset in range(availability.horizon_days + 1):
        yield today + timedelta(days=offset)


def _day_slots(availability: Availability, day: date) -> Iterator[Slot]:
    length = timedelta(minutes=availability.slot_minutes)
    step = length + timedelta(minutes=availability.buffer_minutes)
    for opening in availability.hours.get(WEEKDAYS[day.weekday()], []):
        start = datetime.combine(day, opening.start, availability.zone).astimezone(UTC)
        close = datetime.combine(day, opening.end, availability.zone).astimezone(UTC)
        while start + length <= close:
            yield Slot(start, start + length)
            start += step


def blocked_slots(availability: Availability) -> list[Slot]:
    """The availability's own blocked times, in UTC."""
    zone = availability.zone
    return [
        Slot(block.start.replace(tzinfo=zone).astimezone(UTC), block.end.replace(tzinfo=zone).astimezone(UTC))
        for block in availability.blocked
    ]


def candidate_slots(availability: Availability, now: datetime) -> list[Slot]:
    """Every slot of the availability from ``now`` plus the minimum notice to the horizon's last day (its end
    included), not blocked by the availability itself; nothing of bookings yet."""
    earliest = now + timedelta(hours=availability.minimum_notice_hours)
    blocks = blocked_slots(availability)
    return [
        slot
        for day in _days(availability, now)
        for slot in _day_slots(availability, day)
        if slot.start >= earliest and not any(slot.overlaps(block) for block in blocks)
    ]


def free_slots(availability: Availability, now: datetime, taken: Iterable[Slot]) -> list[Slot]:
    """The candidate slots that overlap nothing ``taken`` (booked slots, the coach's blocks, busy times)."""
    occupied = sorted(taken)
    return [slot for slot in candidate_slots(availability, now) if not any(slot.overlaps(o) for o in occupied)]


def bookable_slot(availability: Availability, now: datetime, start: datetime) -> Slot | None:
    """The slot that starts at ``start`` if the availability offers it now (whether it is still free is the
    slot item's condition to decide), else None."""
    wanted = start.astimezone(UTC)
    return next((slot for slot in candidate_slots(availability, now) if slot.start == wanted), None)


def window(availability: Availability, now: datetime) -> Slot:
    """The interval every candidate slot lies in: from now to the end of the horizon's last day."""
    last = max(_days(availability, now)) + timedelta(days=1)
    return Slot(now.astimezone(UTC), datetime.combine(last, datetime.min.time(), availability.zone).astimezone(UTC))


def booking_problems(triage: str | None, urgent_flagged: bool, gp_acknowledged: bool) -> list[FieldProblem]:
    """Triage decides before any slot: after an urgent result (or the coach's urgent flag) no booking at all;
    after see-your-GP only with the visitor's word that they will see, or have seen, their GP."""
    if triage == "urgent" or urgent_flagged:
        return [FieldProblem("slot_start", "booking_refused_urgent")]
    if triage == "see_gp" and not gp_acknowledged:
        return [FieldProblem("gp_acknowledged", "gp_required")]
    return []


REMINDER_BEFORE = timedelta(hours=24)


def reminder_time(slot: Slot, now: datetime) -> datetime | None:
    """When the reminder of a slot booked ``now`` is due: 24 hours before it; None when that has passed (a
    booking made less than a day ahead gets its confirmation, no reminder)."""
    due = slot.start - REMINDER_BEFORE
    return due if due > now else None
