"""What the HTTP API accepts: request bodies, validated field by field.

Kept apart from the response models so that a function that only answers (GET /pijntest) never
imports email-validator and these schemas.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated
from uuid import UUID

from email_validator import validate_email
from pydantic import BaseModel, ConfigDict, EmailStr, Field, StrictBool, StrictInt, StrictStr, field_validator
from pydantic.functional_validators import AfterValidator, PlainValidator
from pydantic_core import PydanticCustomError

from pijnreset.models.characters import BIDI_CONTROLS

# Line and paragraph separators and bidirectional controls (embeddings, overrides, isolates, marks) can forge
# what a mail client shows.
FORGING_CHARACTERS = {"\u2028", "\u2029", *BIDI_CONTROLS}


def _answer_value(value: object) -> int | str:
    """An answer is a JSON integer or string; which one, and which values, the questionnaire decides."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PydanticCustomError("answer_type", "An answer is an integer or a string")
    return value


AnswerValue = Annotated[int | str, PlainValidator(_answer_value)]


def _deliverable(value: str) -> str:
    """The address as SES can send to it: an ASCII mailbox, an internationalised domain in Punycode.

    SES takes 7-bit addresses only; a mailbox with non-ASCII letters (SMTPUTF8) cannot be reached at all,
    so it is refused here rather than accepted and never emailed.
    """
    ascii_email = validate_email(value, check_deliverability=False).ascii_email
    if ascii_email is None:
        raise PydanticCustomError("email_not_ascii", "The part before the @ must be plain ASCII")
    return ascii_email


EmailAddress = Annotated[EmailStr, Field(max_length=254), AfterValidator(_deliverable)]


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# Besides letters (and the marks that some scripts write letters with): what names are written with.
NAME_PUNCTUATION = frozenset(" '\u2019-.")
_SPACES = re.compile(r" {2,}")


def plain_name(value: str) -> str:
    """A person's name: letters of any script, spaces, apostrophes (' and \u2019), hyphens and full stops.

    An allow-list, since a name reaches email headers and bodies: no digits, no "@", "/", ":", "<>", quotes,
    commas or "=?" (URLs, addresses, RFC 2047 encoded words), no control, format or bidi characters. NFC first,
    so that a letter typed as letter + combining accent counts once; runs of spaces become one.
    """
    name = _SPACES.sub(" ", unicodedata.normalize("NFC", value))
    if not any(unicodedata.category(char)[0] == "L" for char in name):
        raise PydanticCustomError("name_invalid", "A name has at least one letter")
    if any(unicodedata.category(char)[0] not in "LM" and char not in NAME_PUNCTUATION for char in name):
        raise PydanticCustomError("name_invalid", "A name has only letters, spaces and ' \u2019 - .")
    if unicodedata.category(name[0])[0] == "M":
        raise PydanticCustomError("name_invalid", "A name does not start with a combining mark")
    return name


class Contact(RequestModel):
    name: Annotated[StrictStr, Field(min_length=1, max_length=100)]
    email: EmailAddress

    _plain = field_validator("name")(plain_name)


def required_consent(value: bool) -> bool:
    """A consent the form cannot be sent without: only ``true`` will do."""
    if value is not True:
        raise PydanticCustomError("consent_required", "This consent is required")
    return value


ConsentVersion = Annotated[StrictStr, Field(min_length=1, max_length=50)]


class Consent(RequestModel):
    health_data: StrictBool
    marketing: StrictBool = False
    version: ConsentVersion

    _health_data_given = field_validator("health_data")(required_consent)


ShortText = Annotated[StrictStr, Field(max_length=200)]
Honeypot = Annotated[
    Annotated[StrictStr, Field(max_length=500)] | None,
    Field(description="Honeypot: hidden from people, so only bots fill it in."),
]


# Epoch milliseconds: 0 up to the end of year 9999 (a number DynamoDB stores as it is); the window around the
# time of the request is checked with the request (logic/submission.py).
StartedAt = Annotated[
    StrictInt,
    Field(ge=0, le=253_402_300_799_999, description="Epoch milliseconds when the form was opened (required)."),
]
Altcha = Annotated[
    StrictStr,
    Field(
        min_length=1,
        max_length=2000,
        description="The solved GET /challenge: the ALTCHA widget's base64 JSON {algorithm, challenge, number, "
        "salt, signature}. Each solution is accepted once.",
    ),
]


class Source(RequestModel):
    """Where the visitor came from, as the form read it from the page URL and document.referrer."""

    utm_source: ShortText | None = None
    utm_medium: ShortText | None = None
    utm_campaign: ShortText | None = None
    utm_term: ShortText | None = None
    utm_content: ShortText | None = None
    referrer: Annotated[StrictStr, Field(max_length=2000)] | None = None
    landing_path: Annotated[StrictStr, Field(max_length=500)] | None = None


class SubmitRequest(RequestModel):
    submission_id: UUID = Field(description="Made by the client once per filled-in test and reused on retry.")
    answers: Annotated[dict[Annotated[str, Field(max_length=64)], AnswerValue], Field(max_length=64)]
    contact: Contact
    consent: Consent
    source: Source | None = None
    website: Honeypot = None
    started_at: StartedAt
    altcha: Altcha


class StartedRequest(RequestModel):
    """The started beacon: the questionnaire's version and where the visitor came from, nothing of a person."""

    questionnaire_version: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    source: Source | None = None
    website: Honeypot = None
    started_at: StartedAt


class ErasureRequest(RequestModel):
    email: EmailAddress
    altcha: Altcha
