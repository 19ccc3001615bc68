"""The caps' counters (logic/caps.py) as items of a form request's own TransactWriteItems.

A request's transaction is built as before, then ``with_caps`` appends its counters and leaves out the email
jobs that earlier attempts found over a cap; each counter's condition is that it stays within its limit. A
cancelled transaction says which condition failed (DynamoDB reports every item's reason), and ``learn`` turns
that into the next attempt: a client over its bound is refused (nothing was written), an email over its cap
is left out and the transaction is written again without it. That second call is the only extra work, and only
requests over a cap pay it. The daily counter first counts against its reporting threshold; the count the
failed condition returns says whether the ceiling itself is reached (no email jobs) or only near (counted
against the ceiling from then on, reported).

Keys (beside those in dal/table.py; no address or IP in them; logic/caps.py plans them with their limits):
  pk = CAP#ADDRESS#<keyed hash of the mailbox>  sk = <email group>#<day>   emails of one group to one mailbox
  pk = CAP#CLIENT#<keyed hash of the source IP> sk = <day>T<hour>          form requests of one client
  pk = CAP#DAILY                                sk = <day>#<shard>         new email jobs of every form
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pijnreset.dal.table import key, to_item
from pijnreset.logic.caps import CapPlan, Counter

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_FAILED = "ConditionalCheckFailed"


@dataclass
class CapState:
    """What the attempts of one request learnt about its caps; it ends as what the handler reports."""

    dropped: set[str] = field(default_factory=set)  # email groups over their mailbox's cap
    daily_reached: bool = False  # the daily ceiling: no email job at all
    near: bool = False  # the daily count is past its reporting threshold

    @property
    def report(self) -> tuple[str, ...]:
        """Metric name suffixes, no PII: ``address_<group>``, ``daily``, ``near``."""
        return (
            *(f"address_{group}" for group in sorted(self.dropped)),
            *(["daily"] if self.daily_reached else []),
            *(["near"] if self.near else []),
        )


@dataclass(frozen=True)
class CappedItems:
    items: list[dict[str, Any]]
    client: int | None  # the counters' indexes in ``items``
    addresses: dict[str, int]
    daily: int | None
    jobs: int


def with_caps(table_name: str, items: list[dict[str, Any]], plan: CapPlan, state: CapState) -> CappedItems:
    """``items`` without the email jobs ``state`` drops, followed by the counters of ``plan``."""
    kept: list[dict[str, Any]] = []
    groups: list[str] = []
    for item in items:
        kind = _email_job_kind(item)
        if kind is None:
            kept.append(item)
            continue
        group = plan.group_of(kind)
        if state.daily_reached or group in state.dropped:
            continue
        kept.append(item)
        groups.append(group)
    client = None
    if plan.client is not None:
        client = len(kept)
        kept.append(counter_update(table_name, plan.client, 1, plan.client.limit))
    addresses = {}
    for group in sorted(set(groups)):
        addresses[group] = len(kept)
        kept.append(counter_update(table_name, plan.addresses[group], 1, plan.addresses[group].limit))
    daily = None
    if groups:
        daily = len(kept)
        kept.append(counter_update(table_name, plan.daily, len(groups), plan.daily.limit if state.near else plan.near))
    return CappedItems(kept, client, addresses, daily, len(groups))


def learn(
    reasons: list[dict[str, Any]], capped: CappedItems, plan: CapPlan, state: CapState
) -> Literal["limited", "again"] | None:
    """What a cancelled transaction's ``reasons`` say about its caps: ``limited`` (the client is over its bound),
    ``again`` (emails over a cap are left out now: write it again), or None (no cap's condition failed)."""

    def failed(index: int | None) -> dict[str, Any] | None:
        if index is None or index >= len(reasons) or reasons[index].get("Code") != _FAILED:
            return None
        return reasons[index]

    if failed(capped.client) is not None:
        return "limited"
    again = False
    for group, index in capped.addresses.items():
        if failed(index) is not None:
            state.dropped.add(group)
            again = True
    daily = failed(capped.daily)
    if daily is not None:
        stored = daily.get("Item") or {}
        count = int(stored.get("count", {}).get("N", "0"))
        if count + capped.jobs > plan.daily.limit:
            state.daily_reached = True
        state.near = True
        again = True
    return "again" if again else None


def counter_update(table_name: str, counter: Counter, amount: int, limit: int) -> dict[str, Any]:
    """Adds ``amount`` to ``counter`` on condition that it stays at or under ``limit``; a failed condition
    returns the stored count."""
    return {
        "Update": {
            "TableName": table_name,
            "Key": to_item(key(counter.pk, counter.sk)),
            "UpdateExpression": "SET entity = :entity, expires_at = :ttl ADD #count :amount",
            "ConditionExpression": "attribute_not_exists(#count) OR #count <= :most",
            "ExpressionAttributeNames": {"#count": "count"},
            "ExpressionAttributeValues": {
                ":entity": {"S": "cap"},
                ":ttl": {"N": str(counter.expires_at)},
                ":amount": {"N": str(amount)},
                ":most": {"N": str(limit - amount)},
            },
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }


def count_client(client: DynamoDBClient, table_name: str, plan: CapPlan) -> bool:
    """Counts the request against its client's bound in a call of its own; False, counting nothing, when the
    client is over it. For the request whose own transaction must not depend on it (POST /privacy/erase)."""
    if plan.client is None:
        return True
    update = counter_update(table_name, plan.client, 1, plan.client.limit)["Update"]
    try:
        client.update_item(**update)
    except client.exceptions.ConditionalCheckFailedException:
        return False
    return True


def _email_job_kind(item: dict[str, Any]) -> str | None:
    put = item.get("Put")
    if not put:
        return None
    stored = put.get("Item", {})
    if stored.get("entity", {}).get("S") != "email_job":
        return None
    return str(stored.get("kind", {}).get("S", ""))
