"""The caps that keep the forms from being used to mail strangers or flood the account (docs/front-door.md).

- per recipient mailbox (``mailbox_of``: case, ``+tag`` and Gmail dots do not make another one), per kind of
  email, per UTC day: past it the request is stored and answered as usual, only without that email;
- per client (the source IP), per UTC hour, across every form: past it the request is refused with 429;
- per day, every new email job of every form together, a ceiling derived from the SES daily quota; counts
  past ``NEAR_SHARE`` of it are reported (an alarm), past it no form writes an email job until the next day.

Counters are items of the leads table, counted inside the request's own transaction. Their keys are keyed
hashes (HMAC-SHA256) under keys derived from the token signing key and the day, so no address or IP is
stored, and one day's hash cannot be matched to another's. Each counts in the fixed window its sort key names
and carries a TTL a window past it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pijnreset.logic.identity import mailbox_of

CAP_PREFIX = "CAP#"
# The share of the daily ceiling past which every request reports that it is near (EmailDailyCeilingNear).
NEAR_SHARE = 0.8
# The daily counter is split over up to this many items, each counting its share of the ceiling: every form
# request writes it, and transactions writing one item at the same moment cancel each other (TransactionConflict).
MAX_DAILY_SHARDS = 8
_MIN_SHARD_SHARE = 50

# The kinds of email counted together per mailbox. The intake's two emails are one request of one address:
# the coach's notice about an address is capped with that address's confirmation (the intake itself is kept).
EMAIL_GROUPS = {
    "result": "result",
    "optin_confirm": "optin_confirm",
    "intake_confirmation": "intake",
    "intake_coach": "intake",
    "erase_confirm": "erase_confirm",
}


@dataclass(frozen=True)
class CapLimits:
    per_address_per_day: int  # emails of one group to one mailbox a day
    per_client_per_hour: int  # form requests of one client an hour
    daily_emails: int  # new email jobs of every form together a day

    @property
    def daily_shards(self) -> int:
        return max(1, min(MAX_DAILY_SHARDS, self.daily_emails // _MIN_SHARD_SHARE))


@dataclass(frozen=True)
class Counter:
    pk: str
    sk: str
    limit: int  # the count it may reach
    expires_at: int  # its TTL: a window after its own


@dataclass(frozen=True)
class CapPlan:
    """The counters one request counts in: its client's (None without a source IP), its mailbox's per group of
    the emails it would send, and the daily ceiling's (one shard of it, with ``near`` its reporting threshold)."""

    client: Counter | None
    addresses: dict[str, Counter]
    daily: Counter
    near: int
    retry_after: int  # seconds until the client's window ends

    @staticmethod
    def group_of(kind: str) -> str:
        return EMAIL_GROUPS.get(kind, kind)


def plan_caps(
    limits: CapLimits,
    signing_key: bytes,
    *,
    email: str,
    source_ip: str | None,
    kinds: Iterable[str],
    now: datetime,
    shard: int,
) -> CapPlan:
    """The counters of a request to mail ``email``'s ``kinds``, from ``source_ip``, ``now``; ``shard`` (any int)
    picks the daily counter's item."""
    now = now.astimezone(UTC)
    day = now.strftime("%Y-%m-%d")
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    hour_start = now.replace(minute=0, second=0, microsecond=0)
    day_ttl = int((day_start + timedelta(days=2)).timestamp())
    mailbox = _keyed(_derived(signing_key, f"address:{day}"), mailbox_of(email))
    addresses = {
        group: Counter(f"{CAP_PREFIX}ADDRESS#{mailbox}", f"{group}#{day}", limits.per_address_per_day, day_ttl)
        for group in sorted({CapPlan.group_of(kind) for kind in kinds})
    }
    client = client_counter(limits, signing_key, source_ip, now)
    shards = limits.daily_shards
    share = max(1, limits.daily_emails // shards)
    daily = Counter(f"{CAP_PREFIX}DAILY", f"{day}#{shard % shards}", share, day_ttl)
    retry_after = max(1, int((hour_start + timedelta(hours=1) - now).total_seconds()))
    return CapPlan(client, addresses, daily, max(1, int(share * NEAR_SHARE)), retry_after)


def client_counter(
    limits: CapLimits, signing_key: bytes, source_ip: str | None, now: datetime, purpose: str = "client"
) -> Counter | None:
    """The hourly counter of the client at ``source_ip`` (None without one); ``purpose`` keeps the counts of one
    kind of request (``client``: the forms, ``started``: the started beacon) apart from another's."""
    if not source_ip:
        return None
    now = now.astimezone(UTC)
    hour_start = now.replace(minute=0, second=0, microsecond=0)
    client_id = _keyed(_derived(signing_key, f"{purpose}:{now:%Y-%m-%d}"), source_ip)
    return Counter(
        f"{CAP_PREFIX}CLIENT#{client_id}",
        hour_start.strftime("%Y-%m-%dT%H"),
        limits.per_client_per_hour,
        int((hour_start + timedelta(hours=2)).timestamp()),
    )


def _derived(signing_key: bytes, purpose: str) -> bytes:
    """A key of its own per purpose and day, derived from the signing key (HMAC as a key derivation function):
    a counter's key never signs a link, and a day's key cannot be worked back from another's."""
    return hmac.new(signing_key, f"pijnreset-caps:{purpose}".encode(), hashlib.sha256).digest()


def _keyed(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]
