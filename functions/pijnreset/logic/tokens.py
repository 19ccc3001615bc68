"""Signed tokens for the links that act on a person (confirm, unsubscribe, erase, cancel a booked intake) or
show their data (the PDFs of one Pijntest: ``report``, the visitor's report; ``gp_summary``, the summary for their GP).

A token is ``<payload>.<mac>``, both base64url: the payload names the purpose, the lead, the expiry (epoch
seconds) and, where the link acts on one request only, that request (``ref``: a confirm link names the
submission whose opt-in it confirms, so it cannot confirm a later one); the mac is HMAC-SHA256 over the
payload. Verification tries the current key, then the previous ones (key rotation), comparing in constant
time. No email address is ever in a token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

Purpose = Literal["confirm", "unsubscribe", "erase", "report", "gp_summary", "booking"]
PURPOSES: tuple[Purpose, ...] = ("confirm", "unsubscribe", "erase", "report", "gp_summary", "booking")
# The PDFs of one submission (its ``ref``): a link of each purpose renders that kind.
DOCUMENT_PURPOSES: tuple[Purpose, ...] = ("report", "gp_summary")
_LEAD_ID = re.compile(r"^[0-9a-f]{32}$")
_REF = re.compile(r"^[0-9a-f-]{1,64}$")
MAX_TOKEN_LENGTH = 256

# How long the link in each kind of email keeps working.
LINK_VALIDITY_SECONDS: Mapping[Purpose, int] = {
    "confirm": 7 * 24 * 3600,
    "unsubscribe": 400 * 24 * 3600,  # outlives every marketing email that carries it
    "erase": 7 * 24 * 3600,
    "booking": 100 * 24 * 3600,  # outlives the furthest slot (the availability's horizon is at most 90 days)
    # The PDFs' links in the result email: they outlive the submission, whose expiry (and erasure) ends them.
    "report": 400 * 24 * 3600,
    "gp_summary": 400 * 24 * 3600,
}
# The PDFs' links in the submit response, for the result screen: short-lived, as the browser keeps them in view
# (``issued_at`` means the email links' issue time; no rule reads it for these purposes).
SCREEN_LINK_SECONDS = 3600
# Where each PDF's link points, under the API's base URL (ReportFunction's routes).
DOCUMENT_PATHS: Mapping[Purpose, str] = {"report": "/pijntest/rapport", "gp_summary": "/pijntest/huisarts"}


def document_links(key: bytes, lead_id: str, submission_id: str, urgent: bool, expires_at: int) -> dict[str, Any]:
    """The signed links (paths) to one submission's PDFs; after an urgent result only the GP summary's."""
    links = {
        purpose: f"{path}?{urlencode({'token': sign(key, purpose, lead_id, expires_at, submission_id)})}"
        for purpose, path in DOCUMENT_PATHS.items()
    }
    return {"report": None if urgent else links["report"], "gp_summary": links["gp_summary"], "expires_at": expires_at}


class TokenError(ValueError):
    """Why a token was refused: malformed, forged, expired or meant for another purpose."""

    def __init__(self, reason: Literal["malformed", "forged", "expired", "wrong_purpose"]) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TokenClaims:
    purpose: Purpose
    lead_id: str
    expires_at: int
    ref: str | None = None  # the one request the link acts on, where it acts on one

    @property
    def issued_at(self) -> int:
        """When the link was made (epoch seconds): its expiry less its purpose's validity."""
        return self.expires_at - LINK_VALIDITY_SECONDS[self.purpose]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, b"pijnreset-token-v1|" + payload, hashlib.sha256).digest()


def sign(key: bytes, purpose: Purpose, lead_id: str, expires_at: int, ref: str | None = None) -> str:
    if purpose not in PURPOSES or not _LEAD_ID.match(lead_id):
        raise ValueError("a token names a known purpose and a lead id")
    if ref is not None and not _REF.match(ref):
        raise ValueError("a token's request reference is a lower-case id")
    payload = f"{purpose}:{lead_id}:{expires_at}{'' if ref is None else ':' + ref}".encode()
    return f"{_b64(payload)}.{_b64(_mac(key, payload))}"


def verify(keys: Sequence[bytes], token: str, purpose: Purpose, now: int) -> TokenClaims:
    """The token's claims when one of ``keys`` signed it for ``purpose`` and it has not expired."""
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        raise TokenError("malformed")
    encoded_payload, encoded_mac = token.split(".")
    try:
        payload, mac = _unb64(encoded_payload), _unb64(encoded_mac)
        token_purpose, lead_id, expires, *refs = payload.decode("ascii").split(":")
        expires_at = int(expires)
        if len(refs) > 1:
            raise ValueError("more than one reference")
    except (ValueError, UnicodeDecodeError) as error:
        raise TokenError("malformed") from error
    # Every key is tried, so the time taken does not tell which key (if any) matched.
    matched = [hmac.compare_digest(_mac(key, payload), mac) for key in keys]
    if not any(matched):
        raise TokenError("forged")
    if token_purpose not in PURPOSES or not _LEAD_ID.match(lead_id) or not all(map(_REF.match, refs)):
        raise TokenError("malformed")
    if token_purpose != purpose:
        raise TokenError("wrong_purpose")
    if expires_at <= now:
        raise TokenError("expired")
    return TokenClaims(purpose=purpose, lead_id=lead_id, expires_at=expires_at, ref=refs[0] if refs else None)
