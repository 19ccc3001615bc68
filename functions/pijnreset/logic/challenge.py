"""The proof-of-work challenge every form solves before it is sent: the open ALTCHA protocol (v1), through the
``altcha`` library's own create and verify.

A challenge is ``{algorithm, challenge, maxnumber, salt, signature}``: the salt carries its expiry
(``?expires=<epoch seconds>&``), the challenge is SHA-256(salt + secret number) and the signature an HMAC of
it, so the server keeps no state until a solution comes back. A solution is the base64 JSON the ALTCHA widget
sends (``{algorithm, challenge, number, salt, signature}``); the caller records its ``challenge`` as used, once.

The HMAC key is derived from the token signing key (logic/tokens.py), so there is one secret to own and
rotate; the derivation separates the two uses, so no challenge signature is ever a valid link token's MAC.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, cast

from altcha.v1 import ChallengeOptions, create_challenge, verify_solution

from pijnreset.logic.answers import FieldProblem

if TYPE_CHECKING:
    from altcha.v1 import PayloadType

ALGORITHM: Literal["SHA-256"] = "SHA-256"
FIELD = "altcha"
# A widget's solution is ~300 characters; anything far longer is not one (and is not worth decoding).
MAX_SOLUTION_LENGTH = 2000
_HEX = re.compile(r"^[0-9a-f]{64}$")
_KEY_LABEL = b"pijnreset-altcha-v1"


def challenge_key(signing_key: bytes) -> bytes:
    """The ALTCHA HMAC key for one token signing key: HMAC-SHA256(signing key, a fixed label)."""
    return hmac.new(signing_key, _KEY_LABEL, hashlib.sha256).digest()


def issue(signing_key: bytes, now: datetime, max_number: int, expiry_seconds: int) -> dict[str, Any]:
    """A new challenge, as GET /challenge answers it (the field names of the ALTCHA protocol)."""
    made = create_challenge(
        ChallengeOptions(
            algorithm=ALGORITHM,
            max_number=max_number,
            hmac_key=challenge_key(signing_key),
            expires=now + timedelta(seconds=expiry_seconds),
        )
    )
    return {
        "algorithm": made.algorithm,
        "challenge": made.challenge,
        "maxnumber": made.max_number,
        "salt": made.salt,
        "signature": made.signature,
    }


@dataclass(frozen=True)
class SolvedChallenge:
    """A verified solution: ``challenge`` identifies it (recorded as used once), ``expires_at`` its end (epoch s)."""

    challenge: str
    expires_at: int


def check_solution(signing_keys: Sequence[bytes], encoded: str, now: datetime) -> SolvedChallenge | FieldProblem:
    """The solution's challenge when one of the keys signed it and it has not expired; else why not.

    The payload's shape is checked here before the library sees it (it trusts its input's types); the expiry
    is compared with ``now`` rather than the library's own clock, so that the outcome is a pure function.
    """
    payload = _decode(encoded)
    if payload is None:
        return FieldProblem(FIELD, "altcha_invalid")
    expires_at = _expiry(payload["salt"])
    if expires_at is None:
        return FieldProblem(FIELD, "altcha_invalid")
    # Every key is tried, so the time taken does not tell which key (if any) matched.
    verified = [
        verify_solution(cast("PayloadType", payload), challenge_key(key), check_expires=False)[0]
        for key in signing_keys
    ]
    if not any(verified):
        return FieldProblem(FIELD, "altcha_invalid")
    if expires_at <= now.timestamp():
        return FieldProblem(FIELD, "altcha_expired")
    return SolvedChallenge(challenge=payload["challenge"], expires_at=expires_at)


def _decode(encoded: str) -> dict[str, Any] | None:
    if not encoded or len(encoded) > MAX_SOLUTION_LENGTH:
        return None
    try:
        payload = json.loads(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError, RecursionError):
        return None
    if not isinstance(payload, dict):
        return None
    number = payload.get("number")
    if (
        payload.get("algorithm") != ALGORITHM
        or not isinstance(payload.get("challenge"), str)
        or not _HEX.match(payload["challenge"])
        or not isinstance(payload.get("salt"), str)
        or not isinstance(payload.get("signature"), str)
        or isinstance(number, bool)
        or not isinstance(number, int)
        or not 0 <= number <= 10**12
    ):
        return None
    return payload


def _expiry(salt: str) -> int | None:
    """The one ``expires`` the salt carries (every challenge this API issues has one), in epoch seconds."""
    _, _, query = salt.partition("?")
    values = urllib.parse.parse_qs(query).get("expires", [])
    if len(values) != 1 or not values[0].isdigit() or len(values[0]) > 12:
        return None
    return int(values[0])
