"""Builds the raw MIME message SES sends: plain-text and HTML parts, headers free of visitor text.

The only visitor text that reaches a header is the display name, and only after ``safe_display_name``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

MAX_DISPLAY_NAME = 64
_SPACES = re.compile(r"\s+")


def safe_display_name(name: str) -> str:
    """The name with control, format and separator characters removed, spaces collapsed, and cut short.

    The header encoder quotes and RFC 2047-encodes what remains, so no character can end the header.
    """
    kept = "".join(
        " " if unicodedata.category(char) in {"Zl", "Zp", "Cc"} else char
        for char in name
        if unicodedata.category(char) not in {"Cf", "Cs", "Co", "Cn"}
    )
    collapsed = _SPACES.sub(" ", kept).strip()
    return collapsed[:MAX_DISPLAY_NAME].strip()


def build_message(
    *,
    sender: Address,
    recipient: Address,
    reply_to: Address | None,
    subject: str,
    text: str,
    html: str,
    sent_at: datetime,
    extra_headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = recipient
    if reply_to is not None:
        message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = make_msgid(domain=sender.domain)
    for name, value in (extra_headers or {}).items():
        message[name] = value
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message.as_bytes()


def address(email: str, display_name: str = "") -> Address:
    username, _, domain = email.rpartition("@")
    return Address(display_name=safe_display_name(display_name), username=username, domain=domain)
