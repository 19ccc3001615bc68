"""Valid request bodies, for tests to break one field at a time (the bodies live in infra.samples, which the
bench uses too)."""

from __future__ import annotations

from typing import Any

from infra.samples import (
    changed,
    erasure_request,
    for_stack,
    form_fields,
    fresh,
    intake_request,
    resolved,
    started_a_minute_ago,
    submission,
)

__all__ = [
    "BAD_CONTACTS",
    "bad_contact_cases",
    "changed",
    "erasure_request",
    "for_stack",
    "form_fields",
    "fresh",
    "intake_request",
    "resolved",
    "started_a_minute_ago",
    "submission",
]

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
