"""The caps' rules, pure: which mailbox an address is, which counters a request counts in, and their keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pijnreset.logic.caps import CapLimits, plan_caps
from pijnreset.logic.identity import lead_id_for, mailbox_of

KEY = b"k" * 48
LIMITS = CapLimits(per_address_per_day=5, per_client_per_hour=30, daily_emails=25_000)
NOW = datetime(2026, 12, 2, 14, 45, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("address", "mailbox"),
    [
        (" Anna.de.Vries@Example.NL ", "anna.de.vries@example.nl"),  # dots matter outside Gmail
        ("anna+pijntest@example.nl", "anna@example.nl"),
        ("Anna.Vries@gmail.com", "annavries@gmail.com"),
        ("a.n.n.a.vries+tag.with.dots@googlemail.com", "annavries@gmail.com"),
        ("ANNAVRIES@GOOGLEMAIL.COM", "annavries@gmail.com"),
        ("+only@example.nl", "@example.nl"),
    ],
)
def test_a_mailbox_ignores_case_tags_and_gmail_dots(address, mailbox):
    assert mailbox_of(address) == mailbox


def test_the_lead_is_still_the_address_as_written_only_lower_cased():
    assert lead_id_for("Anna.Vries@gmail.com") != lead_id_for("annavries@gmail.com")


def _plan(**changes):
    arguments = {"email": "anna@example.nl", "source_ip": "198.51.100.7", "kinds": ["result"], "now": NOW, "shard": 3}
    return plan_caps(LIMITS, KEY, **(arguments | changes))


def test_one_counter_per_email_group_the_intakes_two_emails_count_once():
    plan = _plan(kinds=["result", "optin_confirm", "intake_coach", "intake_confirmation"])
    assert sorted(plan.addresses) == ["intake", "optin_confirm", "result"]
    assert {counter.sk for counter in plan.addresses.values()} == {
        "intake#2026-12-02",
        "optin_confirm#2026-12-02",
        "result#2026-12-02",
    }
    assert all(counter.limit == 5 for counter in plan.addresses.values())


def test_spellings_of_one_mailbox_share_their_counter_other_mailboxes_do_not():
    one = _plan(email="Anna.Vries+a@gmail.com").addresses["result"].pk
    assert _plan(email="annavries@googlemail.com").addresses["result"].pk == one
    assert _plan(email="anna.vries2@gmail.com").addresses["result"].pk != one


def test_keys_are_keyed_hashes_that_change_every_day_and_with_the_key():
    plan = _plan()
    assert plan.client is not None
    for counter in (plan.client, plan.addresses["result"]):
        assert "198.51.100.7" not in counter.pk
        assert "anna" not in counter.pk
    tomorrow = _plan(now=NOW + timedelta(days=1))
    assert tomorrow.client is not None
    assert tomorrow.client.pk != plan.client.pk
    assert tomorrow.addresses["result"].pk != plan.addresses["result"].pk
    other_key = plan_caps(
        LIMITS, b"o" * 48, email="anna@example.nl", source_ip="198.51.100.7", kinds=[], now=NOW, shard=0
    )
    assert other_key.client is not None
    assert other_key.client.pk != plan.client.pk


def test_the_client_counts_in_its_hour_and_is_told_when_that_ends():
    plan = _plan()
    assert plan.client is not None
    assert (plan.client.sk, plan.client.limit) == ("2026-12-02T14", 30)
    assert plan.retry_after == 14 * 60 + 30
    assert plan.client.expires_at == int(datetime(2026, 12, 2, 16, tzinfo=UTC).timestamp())
    assert _plan(source_ip=None).client is None


def test_the_daily_ceiling_is_split_over_shards_and_reported_from_eighty_percent():
    plan = _plan(shard=11)
    assert LIMITS.daily_shards == 8
    assert (plan.daily.pk, plan.daily.sk) == ("CAP#DAILY", "2026-12-02#3")
    assert plan.daily.limit == 25_000 // 8
    assert plan.near == int(25_000 // 8 * 0.8)
    small = plan_caps(
        CapLimits(5, 30, 100), KEY, email="a@example.nl", source_ip=None, kinds=["result"], now=NOW, shard=5
    )
    assert (small.daily.sk, small.daily.limit, small.near) == ("2026-12-02#1", 50, 40)
    assert plan.daily.expires_at == int(datetime(2026, 12, 4, tzinfo=UTC).timestamp())
