"""Signed tokens: forged, truncated, expired, wrong-purpose and rotated keys."""

from __future__ import annotations

import base64

import pytest
from pijnreset.logic.tokens import TokenError, sign, verify

KEY = b"k" * 48
OLD_KEY = b"o" * 48
LEAD = "0123456789abcdef0123456789abcdef"
NOW = 1_800_000_000


def _reason(keys, token, purpose="confirm", now=NOW):
    with pytest.raises(TokenError) as raised:
        verify(keys, token, purpose, now)
    return raised.value.reason


def test_a_token_signed_now_verifies_with_its_claims():
    token = sign(KEY, "confirm", LEAD, NOW + 60)
    claims = verify([KEY], token, "confirm", NOW)
    assert (claims.purpose, claims.lead_id, claims.expires_at) == ("confirm", LEAD, NOW + 60)
    assert "@" not in token
    assert len(token) < 120


def test_a_token_names_the_one_request_it_acts_on_and_the_name_cannot_be_changed():
    ref = "5d646076-89f2-4bd3-b080-22ae9c727e2c"
    token = sign(KEY, "confirm", LEAD, NOW + 60, ref)
    assert verify([KEY], token, "confirm", NOW).ref == ref
    assert verify([KEY], sign(KEY, "confirm", LEAD, NOW + 60), "confirm", NOW).ref is None
    _, mac = token.split(".")
    other = base64.urlsafe_b64encode(f"confirm:{LEAD}:{NOW + 60}:{'0' * 8}".encode()).rstrip(b"=").decode()
    assert _reason([KEY], f"{other}.{mac}") == "forged"
    assert len(token) < 200
    with pytest.raises(ValueError, match="reference"):
        sign(KEY, "confirm", LEAD, NOW, "a:b")


def test_a_previous_key_keeps_working_during_rotation_and_stops_when_dropped():
    token = sign(OLD_KEY, "unsubscribe", LEAD, NOW + 60)
    assert verify([KEY, OLD_KEY], token, "unsubscribe", NOW).lead_id == LEAD
    assert _reason([KEY], token, "unsubscribe") == "forged"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t.split(".")[0].replace("Y", "Z", 1) + "." + t.split(".")[1],
        lambda t: sign(b"x" * 48, "confirm", LEAD, NOW + 60),
    ],
)
def test_a_forged_token_is_refused(mutate):
    assert _reason([KEY], mutate(sign(KEY, "confirm", LEAD, NOW + 60))) in ("forged", "malformed")


def test_a_token_with_another_lead_id_under_the_same_signature_is_forged():
    import base64

    _, mac = sign(KEY, "confirm", LEAD, NOW + 60).split(".")
    other = base64.urlsafe_b64encode(f"confirm:{'f' * 32}:{NOW + 60}".encode()).rstrip(b"=").decode()
    assert _reason([KEY], f"{other}.{mac}") == "forged"


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", ".", "x" * 300, sign(KEY, "confirm", LEAD, NOW + 60)[:20]])
def test_a_truncated_or_garbled_token_is_malformed(token):
    assert _reason([KEY], token) in ("malformed", "forged")


def test_an_expired_token_is_refused_as_expired():
    assert _reason([KEY], sign(KEY, "confirm", LEAD, NOW)) == "expired"


def test_a_token_for_another_purpose_is_refused():
    assert _reason([KEY], sign(KEY, "unsubscribe", LEAD, NOW + 60), "erase") == "wrong_purpose"


def test_signing_refuses_what_it_cannot_stand_for():
    with pytest.raises(ValueError, match="purpose"):
        sign(KEY, "delete_everything", LEAD, NOW)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lead id"):
        sign(KEY, "confirm", "anna@example.nl", NOW)
