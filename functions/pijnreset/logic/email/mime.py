"""Builds the raw MIME message SES sends: plain-text and HTML parts, headers free of visitor text.

The only visitor text that reaches a header is the display name, and only after ``safe_display_name``: the
request models already refuse such names, but what is stored (or written by an older version) is read again
at every send, so the header gets its own filter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid

from pijnreset.models.email import Attachment

MAX_DISPLAY_NAME = 64
# Headers that hold a URL in angle brackets and must reach the mail client exactly so.
_UNFOLDED = {"list-unsubscribe"}
_ASCII_URL_HEADER = re.compile(r"^<https?://[\x21-\x7e]+>$")


class _Policy(EmailPolicy):
    """SMTP's policy, except that a long List-Unsubscribe URL stays on one line (up to RFC 5322's 998).

    Python would fold it into RFC 2047 encoded words, which mail clients do not read as a URL."""

    def fold_binary(self, name: str, value: str) -> bytes:
        if _kept_whole(name, value):
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)

    def fold(self, name: str, value: str) -> str:
        if _kept_whole(name, value):
            return f"{name}: {value}{self.linesep}"
        folded: str = super().fold(name, value)
        return folded


def _kept_whole(name: str, value: str) -> bool:
    return name.lower() in _UNFOLDED and bool(_ASCII_URL_HEADER.match(value)) and len(name) + len(value) < 990


_POLICY = _Policy(linesep="\r\n")
_SPACES = re.compile(r"\s+")
# Address punctuation (RFC 5322 specials but the full stop) and the two characters of an RFC 2047 encoded word
# ("=?...?="): without them no parser can read an address, a group or another header into a display name, even
# one that decodes encoded words found in it.
_ADDRESS_PUNCTUATION = frozenset('"\\()<>[]:;@,=?')


def safe_display_name(name: str) -> str:
    """The name without control, format (bidi included) and separator characters, without address punctuation,
    spaces collapsed, and cut short.

    The header encoder quotes and RFC 2047-encodes what remains, so no character can end the header.
    """
    kept = "".join(
        " " if unicodedata.category(char) in {"Zl", "Zp", "Cc"} or char in _ADDRESS_PUNCTUATION else char
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
    attachments: Sequence[Attachment] = (),
) -> bytes:
    message = EmailMessage(policy=_POLICY)
    message["From"] = sender
    message["To"] = recipient
    if reply_to is not None:
        message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = make_msgid(domain=sender.domain)
    for name, value in (extra_headers or {}).items():
        message[name] = value
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    for attachment in attachments:  # base64: an iCalendar file's CRLF lines arrive exactly as written
        maintype, subtype = attachment.content_type.split("/", 1)
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype,
            cte="base64",
            filename=attachment.filename,
            params=attachment.params,
        )
    return message.as_bytes()


def address(email: str, display_name: str = "") -> Address:
    username, _, domain = email.rpartition("@")
    return Address(display_name=safe_display_name(display_name), username=username, domain=domain)
