"""The body of POST /intake, validated field by field.

Apart from models/requests.py because phonenumbers takes a noticeable part of a cold start: only the
intake function imports it.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Literal
from uuid import UUID

import phonenumbers
from pydantic import AwareDatetime, Field, StrictBool, StrictStr, field_validator
from pydantic_core import PydanticCustomError

from pijnreset.models.requests import (
    FORGING_CHARACTERS,
    Altcha,
    ConsentVersion,
    Contact,
    Honeypot,
    RequestModel,
    StartedAt,
    required_consent,
)

DEFAULT_PHONE_REGION = "NL"
MAX_MESSAGE_CHARS = 2000

PreferredContact = Literal["phone", "email", "video"]
# The moments a prospect can tick; the form shows them in this order, the coach reads them in it.
PreferredMoment = Literal["weekday_morning", "weekday_afternoon", "weekday_evening", "saturday"]
MOMENTS: tuple[PreferredMoment, ...] = ("weekday_morning", "weekday_afternoon", "weekday_evening", "saturday")


def e164(value: str) -> str:
    """A phone number as written by a person (Dutch by default) in E.164, or a ``phone_invalid`` error."""
    try:
        number = phonenumbers.parse(value, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException as error:
        raise PydanticCustomError("phone_invalid", "Not a phone number") from error
    if not phonenumbers.is_valid_number(number):
        raise PydanticCustomError("phone_invalid", "Not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class IntakeContact(Contact):
    phone: Annotated[StrictStr, Field(min_length=1, max_length=40)] | None = Field(
        None, description="Any common way of writing it; Dutch numbers need no country code. Stored in E.164."
    )

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return None if value is None else e164(value)  # null is "no phone number", as the schema says


class IntakeConsent(RequestModel):
    contact: StrictBool
    version: ConsentVersion

    _contact_given = field_validator("contact")(required_consent)


def _message_text(value: str | None) -> str | None:
    """Line breaks kept (as \\n); any other control character, or one that can forge what is shown, refused.
    null is no message, as the schema says."""
    if value is None:
        return None
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if any((unicodedata.category(char) == "Cc" and char not in "\n\t") or char in FORGING_CHARACTERS for char in text):
        raise PydanticCustomError("control_characters", "The message may not contain control characters")
    return text


def _unique_moments(moments: list[PreferredMoment]) -> list[PreferredMoment]:
    """Each ticked moment once, in the fixed order: the payload's identity does not hang on click order."""
    return [moment for moment in MOMENTS if moment in moments]


class IntakeRequest(RequestModel):
    request_id: UUID = Field(description="Made by the client once per intake request and reused on retry.")
    contact: IntakeContact
    preferred_contact: PreferredContact
    preferred_moments: Annotated[list[PreferredMoment], Field(max_length=len(MOMENTS))] = Field(
        default_factory=list, description="Possibly empty: any moment suits."
    )
    message: Annotated[StrictStr, Field(max_length=MAX_MESSAGE_CHARS)] | None = None
    submission_id: UUID | None = Field(None, description="The Pijntest this visitor took just before, if any.")
    consent: IntakeConsent
    slot_start: AwareDatetime | None = Field(
        None, description="The start of a free slot from GET /booking/slots (ISO 8601 with offset); none: a call back."
    )
    gp_acknowledged: StrictBool = Field(
        False, description="After a see-your-GP result: the visitor will see, or has seen, their GP (needed to book)."
    )
    website: Honeypot = None
    started_at: StartedAt
    altcha: Altcha

    _message = field_validator("message")(_message_text)
    _moments = field_validator("preferred_moments")(_unique_moments)
