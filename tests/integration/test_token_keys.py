"""The token keys as the functions read them from SSM: one key, or the current one and those rotating out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws
from pijnreset.dal.token_keys import MIN_KEY_LENGTH, TokenKeys
from pijnreset.logic import tokens

from infra.template import REGION

NAME = "/pijnreset/token-key"
OLD = "old-key-" + "o" * MIN_KEY_LENGTH
NEW = "new-key-" + "n" * MIN_KEY_LENGTH
LEAD = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def ssm() -> Iterator[object]:
    with mock_aws():
        yield boto3.client("ssm", region_name=REGION)


def _store(ssm, value: str) -> None:
    ssm.put_parameter(Name=NAME, Value=value, Type="SecureString", Overwrite=True)


def _link(key: str) -> str:
    expires = int((datetime.now(UTC) + timedelta(days=7)).timestamp())
    return tokens.sign(key.encode(), "unsubscribe", LEAD, expires)


def test_one_key_signs_and_verifies(ssm):
    _store(ssm, OLD)
    keys = TokenKeys(NAME, ssm)
    assert keys.all() == [OLD.encode()]
    assert keys.current() == OLD.encode()


def test_during_rotation_links_signed_with_the_previous_key_keep_working(ssm):
    old_link = _link(OLD)
    _store(ssm, json.dumps({"current": NEW, "previous": [OLD]}))
    keys = TokenKeys(NAME, ssm)
    assert keys.current() == NEW.encode(), "new links are signed with the current key"
    now = int(datetime.now(UTC).timestamp())
    assert tokens.verify(keys.all(), old_link, "unsubscribe", now).lead_id == LEAD
    _store(ssm, NEW)
    dropped = TokenKeys(NAME, ssm)  # a fresh cache: what every function sees within CACHE_SECONDS
    with pytest.raises(tokens.TokenError, match="forged"):
        tokens.verify(dropped.all(), old_link, "unsubscribe", now)


def test_a_short_key_is_refused_loudly(ssm):
    _store(ssm, json.dumps({"current": NEW, "previous": ["short"]}))
    with pytest.raises(ValueError, match=str(MIN_KEY_LENGTH)):
        TokenKeys(NAME, ssm).all()
