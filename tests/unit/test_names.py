"""Names are names: what the forms take as a name, and what of a name can reach an email's headers and bodies.

The header and body checks build the real MIME the sender builds (EmailDeliverer, with fakes for the table,
SES and the queue) from stored items, as an older version may have stored them, and parse it with the stdlib
email parser, which decodes RFC 2047 encoded words as a mail client does.
"""

from __future__ import annotations

import base64
import re
from email import message_from_bytes, policy
from html import unescape

import pytest
from pijnreset.models.intake import IntakeContact
from pijnreset.models.requests import Contact
from pydantic import ValidationError

from tests.unit.test_delivery import MESSAGE
from tests.unit.test_delivery import make as _make  # noqa: F401 (the fixture ``make``: the sender with fakes)


def _encoded_word(text: str) -> str:
    return f"=?utf-8?b?{base64.b64encode(text.encode()).decode()}?="


INJECTING_NAMES = [
    _encoded_word("Anna\r\nX-I: 1"),
    _encoded_word("a@b.c, evil@x.y"),
    "=?utf-8?q?a=40b.c=2C_evil=40x.y?=",
    "=?utf-8?q?Anna=0D=0AX-I:_1?=",
    '"Anna" <evil@x.y>, other@x.y',
    "Anna\r\nX-I: 1",
    "Anna \u202eyx.live@ anna",
]


@pytest.mark.parametrize(
    "name",
    [
        "Anna de Vries",
        "O'Brien",
        "D\u2019Angelo",
        "Jean-Luc van der Berg",
        "J. de Vries",
        "Zoë Ñandú",
        "Αλέξανδρος",
        "Иван Петров",
        "محمد علي",
        "שרה כהן",
        "李小龙",
        "अनुष्का शर्मा",  # Devanagari: vowel signs are combining marks
    ],
)
def test_names_of_any_script_are_taken(name):
    assert Contact(name=name, email="anna@example.nl").name == name


def test_a_name_is_stored_composed_with_single_spaces():
    assert Contact(name="Zoe\u0308   de  Vries", email="anna@example.nl").name == "Zoë de Vries"


@pytest.mark.parametrize(
    "name",
    [
        "Bezoek www.pijnreset-herstel.example/login",
        "https://pijnreset-herstel.example",
        "anna@example.nl",
        "Anna, Bram",
        '"Anna"',
        "<b>Anna</b>",
        "Anna: bel me",
        "Anna2",
        "Anna ٣",
        "Anna \u200fde Vries",
        "Anna \u2066de Vries",
        "Anna\u00ad",
        "Anna\tde Vries",
        "...",
        "\u0301Anna",
        *INJECTING_NAMES,
    ],
)
@pytest.mark.parametrize("model", [Contact, IntakeContact], ids=["pijntest", "intake"])
def test_anything_else_is_refused_as_name_invalid(model, name):
    with pytest.raises(ValidationError) as error:
        model(name=name, email="anna@example.nl")
    assert [(e["loc"], e["type"]) for e in error.value.errors()] in (
        [(("name",), "name_invalid")],
        [(("name",), "string_too_short")],
    )


@pytest.fixture
def sender(request):
    """test_delivery's ``make``: the sender with fakes for the table, SES and the queue."""
    return request.getfixturevalue("_make")


def _sent(sender, kind, lead_name="", intake_name="Anna", message="Hallo", email="anna@example.nl"):
    deliverer, store, mailer, _ = sender()
    store.job = {**store.job, "kind": kind, "intake_sk": "INTAKE#1"}
    store.lead = {**(store.lead or {}), "verified_name": lead_name, "name": lead_name}
    store.submission = {**store.submission, "name": lead_name, "submission_id": "s-1"}
    store.intake = {
        "request_id": "5d646076-89f2-4bd3-b080-22ae9c727e2c",
        "name": intake_name,
        "email": email,
        "preferred_contact": "email",
        "message": message,
        "created_at": "2026-11-27T09:00:00.000Z",
    }
    assert deliverer.deliver(MESSAGE).outcome == "sent"
    (raw,) = mailer.sent
    return raw, message_from_bytes(raw, policy=policy.default)


def _bodies(parsed):
    return [part.get_content() for part in parsed.walk() if part.get_content_maintype() == "text"]


@pytest.mark.parametrize("name", INJECTING_NAMES)
@pytest.mark.parametrize("kind", ["result", "erase_confirm", "intake_confirmation", "intake_coach"])
def test_a_stored_name_can_add_no_header_and_no_address(sender, kind, name):
    raw, parsed = _sent(sender, kind, lead_name=name, intake_name=name)
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert parsed["X-I"] is None
    assert b"\r\nX-I:" not in headers
    recipients = {"intake_coach": ["coach@pijnresetcoach.nl"]}.get(kind, ["anna@example.nl"])
    assert [a.addr_spec for a in parsed["To"].addresses] == recipients
    reply_to = ["anna@example.nl"] if kind == "intake_coach" else ["coach@pijnresetcoach.nl"]
    assert [a.addr_spec for a in parsed["Reply-To"].addresses] == reply_to
    for header in ("To", "Reply-To", "From"):
        for shown in parsed[header].addresses:
            assert not set(shown.display_name) & set('@,<>"\r\n:;=?\u202e'), (header, shown.display_name)
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


@pytest.mark.parametrize("kind", ["result", "intake_confirmation", "intake_coach"])
def test_no_bidi_control_reaches_a_header_or_a_body(sender, kind):
    raw, parsed = _sent(
        sender, kind, lead_name="Anna \u202eseirV", intake_name="Anna \u2067seirV", message="Bel \u202e0612 \u200f"
    )
    decoded = [str(parsed[h]) for h in parsed] + _bodies(parsed)
    forging = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
    assert not [text for text in decoded if forging.search(text)]
    assert not forging.search(raw.decode("utf-8", "replace"))


def test_the_coachs_mailto_link_is_one_encoded_address(sender):
    _, parsed = _sent(sender, "intake_coach", email="anna?cc=evil@x.example&bcc=all%40x#x@example.nl")
    html = next(body for body in _bodies(parsed) if "<html" in body.lower())
    (href,) = [unescape(h) for h in re.findall(r'href="(mailto:[^"]*)"', html)]
    assert href == "mailto:anna%3Fcc%3Devil%40x.example%26bcc%3Dall%2540x%23x@example.nl"
    assert not set(href) & set("?&#")
