"""The free slots of the coach's availability: wall-clock openings, real-time lengths, DST, blocks, bookings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pijnreset.content.booking import Availability, load_availability
from pijnreset.content.loader import ContentError
from pijnreset.logic.booking import Slot, bookable_slot, booking_problems, candidate_slots, free_slots, window
from pydantic import ValidationError

AMSTERDAM = "Europe/Amsterdam"


def availability(**changes) -> Availability:
    data = {
        "version": "availability-test",
        "time_zone": AMSTERDAM,
        "slot_minutes": 30,
        "buffer_minutes": 15,
        "minimum_notice_hours": 0,
        "horizon_days": 14,
        "hours": {"monday": [{"start": "09:00", "end": "10:30"}], "friday": [{"start": "09:00", "end": "10:30"}]},
    } | changes
    return Availability.model_validate(data)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def starts(slots) -> list[str]:
    return [slot.start.isoformat() for slot in slots]


def test_an_opening_gives_slots_of_slot_length_with_the_buffer_between_them():
    slots = candidate_slots(availability(horizon_days=3), utc("2026-11-30T06:00:00+00:00"))  # a Monday
    assert [(s.start, s.end) for s in slots] == [
        (utc("2026-11-30T09:00+01:00"), utc("2026-11-30T09:30+01:00")),
        (utc("2026-11-30T09:45+01:00"), utc("2026-11-30T10:15+01:00")),
    ]  # 10:30 would end after the opening closes


def test_nine_oclock_stays_nine_oclock_across_the_autumn_change():
    # The clocks go back on Sunday 25 October 2026: 09:00 is 07:00 UTC on the Friday, 08:00 UTC on the Monday.
    slots = candidate_slots(availability(horizon_days=4), utc("2026-10-23T05:00:00+00:00"))
    assert starts(slots) == [
        "2026-10-23T07:00:00+00:00",
        "2026-10-23T07:45:00+00:00",
        "2026-10-26T08:00:00+00:00",
        "2026-10-26T08:45:00+00:00",
    ]
    assert [slot.local(availability())[0].isoformat() for slot in slots][::2] == [
        "2026-10-23T09:00:00+02:00",
        "2026-10-26T09:00:00+01:00",
    ]


def test_nine_oclock_stays_nine_oclock_across_the_spring_change():
    slots = candidate_slots(availability(horizon_days=4), utc("2026-03-27T05:00:00+00:00"))  # clocks go forward 29th
    assert starts(slots)[::2] == ["2026-03-27T08:00:00+00:00", "2026-03-30T07:00:00+00:00"]


def test_a_slot_lasts_its_length_in_real_time_on_the_night_the_clocks_change():
    night = {"sunday": [{"start": "01:00", "end": "04:00"}]}
    hourly = availability(hours=night, slot_minutes=60, buffer_minutes=0, horizon_days=1)
    # 25 October: 01:00 (+02:00) to 04:00 (+01:00) is four real hours, 02:00 comes twice.
    autumn = candidate_slots(hourly, utc("2026-10-24T12:00:00+00:00"))
    assert [slot.local(hourly)[0].isoformat() for slot in autumn] == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T02:00:00+01:00",
        "2026-10-25T03:00:00+01:00",
    ]
    assert all(slot.end - slot.start == timedelta(hours=1) for slot in autumn)
    # 29 March: 01:00 (+01:00) to 04:00 (+02:00) is two real hours; 02:00-03:00 does not exist.
    spring = candidate_slots(hourly, utc("2026-03-28T12:00:00+00:00"))
    assert [slot.local(hourly)[0].isoformat() for slot in spring] == [
        "2026-03-29T01:00:00+01:00",
        "2026-03-29T03:00:00+02:00",
    ]


def test_minimum_notice_and_horizon_bound_the_slots():
    now = utc("2026-11-30T08:10:00+00:00")  # Monday 09:10 in Amsterdam
    slots = candidate_slots(availability(minimum_notice_hours=1, horizon_days=4), now)
    assert starts(slots) == ["2026-12-04T08:00:00+00:00", "2026-12-04T08:45:00+00:00"]  # today's are too soon
    assert candidate_slots(availability(minimum_notice_hours=1, horizon_days=3), now) == []  # Friday: beyond 3 days
    assert window(availability(horizon_days=4), now).end == utc("2026-12-05T00:00:00+01:00")


def test_blocked_times_of_the_availability_and_taken_slots_are_left_out():
    now = utc("2026-11-30T06:00:00+00:00")
    blocked = availability(blocked=[{"start": "2026-11-30T09:40", "end": "2026-12-04T09:10"}], horizon_days=4)
    assert starts(candidate_slots(blocked, now)) == ["2026-11-30T08:00:00+00:00", "2026-12-04T08:45:00+00:00"]

    plain = availability(horizon_days=4)
    booked = Slot(utc("2026-11-30T09:45+01:00"), utc("2026-11-30T10:15+01:00"))
    coach_block = Slot(utc("2026-12-04T09:29+01:00"), utc("2026-12-04T09:31+01:00"))  # overlaps by a minute
    assert starts(free_slots(plain, now, [booked, coach_block])) == [
        "2026-11-30T08:00:00+00:00",
        "2026-12-04T08:45:00+00:00",
    ]
    touching = Slot(utc("2026-11-30T09:30+01:00"), utc("2026-11-30T09:45+01:00"))  # the buffer itself
    assert len(free_slots(plain, now, [touching])) == 4


def test_only_an_offered_start_is_bookable():
    now = utc("2026-11-30T06:00:00+00:00")
    plain = availability(horizon_days=4)
    slot = bookable_slot(plain, now, datetime.fromisoformat("2026-11-30T09:45:00+01:00"))
    assert slot == Slot(utc("2026-11-30T08:45:00+00:00"), utc("2026-11-30T09:15:00+00:00"))
    assert bookable_slot(plain, now, datetime.fromisoformat("2026-11-30T09:50:00+01:00")) is None
    assert bookable_slot(plain, now + timedelta(hours=3), utc("2026-11-30T08:00:00+00:00")) is None  # past


def test_triage_decides_before_any_slot():
    assert [p.type for p in booking_problems("urgent", False, True)] == ["booking_refused_urgent"]
    assert [p.type for p in booking_problems("none", True, True)] == ["booking_refused_urgent"]
    assert [(p.field, p.type) for p in booking_problems("see_gp", False, False)] == [("gp_acknowledged", "gp_required")]
    assert booking_problems("see_gp", False, True) == []
    assert booking_problems(None, False, False) == []


@pytest.mark.parametrize(
    "change",
    [
        {"time_zone": "Europe/Nowhere"},
        {"slot_minutes": 5},
        {"hours": {"monday": [{"start": "10:00", "end": "09:00"}]}},
        {"hours": {"monday": [{"start": "09:00", "end": "11:00"}, {"start": "10:00", "end": "12:00"}]}},
        {"hours": {"maandag": [{"start": "09:00", "end": "10:00"}]}},
        {"blocked": [{"start": "2026-12-01T10:00+01:00", "end": "2026-12-01T12:00+01:00"}]},
        {"surprise": 1},
    ],
)
def test_a_broken_availability_is_refused_when_loaded(change):
    with pytest.raises(ValidationError):
        availability(**change)


def test_the_shipped_availability_loads_and_an_empty_version_is_no_booking(tmp_path):
    shipped = load_availability("availability-v1")
    assert shipped is not None
    assert shipped.time_zone == AMSTERDAM
    assert load_availability("") is None
    (tmp_path / "booking").mkdir()
    (tmp_path / "booking" / "availability-x.yaml").write_text("version: availability-y\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"availability-x\.yaml"):
        load_availability("availability-x", tmp_path)


def test_the_reminder_is_due_a_day_before_unless_that_has_passed():
    from pijnreset.logic.booking import reminder_time

    slot = Slot(utc("2026-12-10T08:00:00+00:00"), utc("2026-12-10T08:30:00+00:00"))
    assert reminder_time(slot, utc("2026-12-01T08:00:00+00:00")) == utc("2026-12-09T08:00:00+00:00")
    assert reminder_time(slot, utc("2026-12-09T09:00:00+00:00")) is None
