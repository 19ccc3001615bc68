"""The coach's availability for booking the intake (templates/booking/<version>.yaml), validated when loaded.

Without a version (the template parameter ``BookingAvailabilityVersion`` empty) there is no availability:
the intake form offers no slots and ``POST /intake`` takes none.
"""

from __future__ import annotations

from datetime import datetime, time
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pijnreset.content.loader import ContentError, default_templates_dir, read_model
from pijnreset.timestamps import COACH_TIME_ZONE

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Opening(_Strict):
    """Opening hours within one day, wall-clock times."""

    start: time
    end: time

    @model_validator(mode="after")
    def _ordered(self) -> Opening:
        if self.end <= self.start:
            raise ValueError(f"an opening ends ({self.end}) before it starts ({self.start})")
        return self


class BlockedTime(_Strict):
    """Time off known in advance, wall-clock date-times in the availability's time zone."""

    start: datetime
    end: datetime

    @model_validator(mode="after")
    def _ordered(self) -> BlockedTime:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("blocked times are wall-clock times, without an offset")
        if self.end <= self.start:
            raise ValueError(f"blocked time ends ({self.end}) before it starts ({self.start})")
        return self


class Availability(_Strict):
    version: str = Field(min_length=1)
    time_zone: str
    slot_minutes: Annotated[int, Field(ge=10, le=240)]
    buffer_minutes: Annotated[int, Field(ge=0, le=240)]
    minimum_notice_hours: Annotated[int, Field(ge=0, le=24 * 14)]
    horizon_days: Annotated[int, Field(ge=1, le=90)]
    hours: dict[Weekday, list[Opening]]
    blocked: list[BlockedTime] = Field(default_factory=list)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        if value != COACH_TIME_ZONE.key:  # the emails, invitations and the funnel's days all read the coach's
            raise ValueError(f"the coach's time zone is {COACH_TIME_ZONE.key}, not {value!r}")
        return value

    @field_validator("hours")
    @classmethod
    def _no_overlap(cls, value: dict[Weekday, list[Opening]]) -> dict[Weekday, list[Opening]]:
        for day, openings in value.items():
            ordered = sorted(openings, key=lambda opening: opening.start)
            for before, after in pairwise(ordered):
                if after.start < before.end:
                    raise ValueError(f"{day}: openings {before.start}-{before.end} and {after.start} overlap")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


def load_availability(version: str, templates_dir: Path | None = None) -> Availability | None:
    """The availability of ``version`` (None when the version is empty: no booking)."""
    if not version:
        return None
    return _load(version, templates_dir or default_templates_dir())


@cache
def _load(version: str, templates_dir: Path) -> Availability:
    path = templates_dir / "booking" / f"{version}.yaml"
    availability = read_model(path, Availability)
    if availability.version != version:
        raise ContentError(f"{path}: the file name must equal its version ({availability.version!r})")
    return availability


class InvitationTexts(_Strict):
    """The words of the calendar invitation (templates/booking/invitation.yaml)."""

    version: str
    summary: str = Field(min_length=1, max_length=120)
    coach_summary: str = Field(min_length=1, max_length=120, pattern=r"\{name\}")
    description: str = Field(min_length=1, max_length=1000)
    coach_description: str = Field(min_length=1, max_length=1000)
    phone_location: str = Field(pattern=r"\{phone\}")
    video_location: str = Field(pattern=r"\{url\}")
    cancelled_prefix: str = Field(min_length=1, max_length=40)


def invitation_texts(templates_dir: Path | None = None) -> InvitationTexts:
    return _texts(templates_dir or default_templates_dir())


@cache
def _texts(templates_dir: Path) -> InvitationTexts:
    return read_model(templates_dir / "booking" / "invitation.yaml", InvitationTexts)
