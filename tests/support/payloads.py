"""Valid request bodies, for tests to break one field at a time."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from tests.support.answers import answers_with


def submission(questionnaire: Any, **answer_options: Any) -> dict[str, Any]:
    return {
        "submission_id": str(uuid.uuid4()),
        "answers": answers_with(questionnaire, **answer_options),
        "contact": {"name": "Anna de Vries", "email": "Anna.de.Vries@Example.nl"},
        "consent": {"health_data": True, "marketing": False, "version": "consent-v1"},
        "source": {"utm_source": "nieuwsbrief", "utm_medium": "email", "landing_path": "/pijntest"},
    }


def intake_request(**contact: Any) -> dict[str, Any]:
    return {
        "request_id": str(uuid.uuid4()),
        "contact": {"name": "Anna de Vries", "email": "Anna.de.Vries@Example.nl", "phone": "06 12345678", **contact},
        "preferred_contact": "phone",
        "preferred_moments": ["weekday_evening", "saturday"],
        "message": "Ik heb al twee jaar rugpijn.\nBellen kan na 18:00.",
        "consent": {"contact": True, "version": "consent-v1"},
    }


def changed(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``body`` with the dotted ``path`` set to ``value`` (or removed when value is ...)."""
    result = copy.deepcopy(body)
    *parents, last = path.split(".")
    target = result
    for part in parents:
        target = target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return result


# A contact every form refuses, as (dotted path, value); ``...`` leaves the field out.
BAD_CONTACTS: list[tuple[str, Any]] = [
    ("contact", ...),
    ("contact.email", ...),
    ("contact.email", "anna@"),
    ("contact.email", "not an address"),
    ("contact.email", "jürgen@example.de"),  # SES sends to ASCII mailboxes only
    ("contact.name", "A" * 101),
    ("contact.name", ""),
    ("contact.name", 42),
    ("contact.name", "Anna\r\nBcc: all@example.nl"),
    ("contact.name", "Anna\nde Vries"),
    ("contact.name", "Anna\x00"),
    ("contact.name", "Anna \u202eseirV ed"),
    ("contact.name", "Bezoek www.pijnreset-herstel.example/login"),
    ("contact.name", "anna@example.nl"),
    ("contact.name", "=?utf-8?b?QW5uYQ0KWC1JOiAx?="),  # an RFC 2047 encoded word: "Anna\r\nX-I: 1"
    ("contact.name", "Anna, Bram"),
    ("contact.name", "Anna2"),
]


def bad_contact_cases() -> list[tuple[Any, set[str]]]:
    """``BAD_CONTACTS`` as (change, fields it must name) pairs for a bad-input test's parametrize."""
    return [((lambda body, p=path, v=value: changed(body, p, v)), {path}) for path, value in BAD_CONTACTS]
