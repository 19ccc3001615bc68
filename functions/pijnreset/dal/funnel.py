"""The funnel's counters (logic/funnel.py) as items of a request's own TransactWriteItems, and their report.

Keys (no person, no lead id, no address or IP in them; an erasure never touches them):
  pk = FUNNEL#<yyyy-mm>  sk = COUNT#<day>#<version>#<source>#<medium>#<campaign>   one counter per step
  pk = FUNNEL#<yyyy-mm>  sk = SOURCES#<day>                                           the day's distinct sources

A request adds its steps to its counter and its source to the day's registry, in the transaction it already
makes, on condition that the registry knows the source or has room for it. A full registry fails that
condition; the request is then written again counting under OTHER (``overflowed``). Counters are kept
``KEEP_DAYS`` (their TTL), the registry two days past its day.

Who counts which step, once each:
  started                      POST /pijntest/started, its own transaction
  completed, optin_requested   POST /pijntest, in the submission's one transaction
  intake_requested             POST /intake, in the intake's one transaction
  lead                         the outbox relay, from the stream's INSERT of a lead profile (``FunnelCounters``)
  optin_confirmed              POST /confirm, in the confirmation's transaction (dal/consents.py)
  unsubscribed                 POST /unsubscribe, in the withdrawal's transaction (dal/consents.py)
  booked                       the booking's own transaction, through ``with_booked``
The form's writes also store, on the lead, the sort key of the counter they counted in: ``LEAD_COUNTER`` (the
request that created the lead) and ``OPTIN_COUNTER`` (the latest opt-in request). Later steps count under that
counter's version and source, on the day they happen (``later_count``). A replay, a bot, a second confirmation or
unsubscribe fails or skips its transaction, so it counts nothing; an erasure deletes the lead (and these
attributes) but never a counter.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import boto3

from pijnreset.dal.table import PROFILE, from_item, key, to_item
from pijnreset.logic.funnel import (
    DISTINCT_SOURCES_PER_DAY,
    STEPS,
    FunnelCount,
    FunnelRow,
    FunnelSource,
    Grouping,
    Step,
    later_count,
    plan_count,
)
from pijnreset.models.items import Key
from pijnreset.timestamps import COACH_TIME_ZONE

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

FUNNEL_PREFIX = "FUNNEL#"
KEEP_DAYS = 2 * 366  # two years: a year compared with the one before
_REGISTRY_DAYS = 2
_FAILED = "ConditionalCheckFailed"
# The lead's attributes that say where it came from (a counter's sort key), and that it was counted as a lead.
LEAD_COUNTER = "funnel_counter"
OPTIN_COUNTER = "marketing_request_counter"
LEAD_COUNTED = "funnel_lead_counted_at"


def funnel_pk(day: date) -> str:
    return f"{FUNNEL_PREFIX}{day:%Y-%m}"


def counter_sk(day: date, version: str, source: FunnelSource) -> str:
    return f"COUNT#{day.isoformat()}#{version}#{source.source}#{source.medium}#{source.campaign}"


def counter_of(count: FunnelCount) -> str:
    """The sort key of the counter ``count`` adds to (what a lead stores as ``LEAD_COUNTER``/``OPTIN_COUNTER``)."""
    return counter_sk(count.day, count.version, count.source)


def parse_counter(sk: str) -> tuple[date, str, FunnelSource]:
    """The day, version and source of a counter's sort key (source values never hold ``#``)."""
    _, day, rest = sk.split("#", 2)
    version, source, medium, campaign = rest.rsplit("#", 3)
    return date.fromisoformat(day), version, FunnelSource(source, medium, campaign)


def counted_later(counter: str | None, moment: datetime, step: Step) -> FunnelCount | None:
    """``step`` on ``moment``'s day under the version and source of the stored ``counter`` (None: not counted)."""
    if not counter:
        return None
    _, version, source = parse_counter(counter)
    return later_count(moment, version, source, step)


def registry_key(day: date) -> Key:
    return key(funnel_pk(day), f"SOURCES#{day.isoformat()}")


def _expires(day: date, days: int) -> int:
    return int(datetime.combine(day + timedelta(days=days), time(), COACH_TIME_ZONE).timestamp())


def _registry_value(source: FunnelSource) -> str:
    return f"{source.source}#{source.medium}#{source.campaign}"


def _counter_update(table_name: str, count: FunnelCount) -> dict[str, Any]:
    names = {f"#{step}": step for step in count.steps}
    values: dict[str, Any] = {
        ":entity": "funnel_count",
        ":day": count.day.isoformat(),
        ":version": count.version,
        ":source": count.source.source,
        ":medium": count.source.medium,
        ":campaign": count.source.campaign,
        ":ttl": _expires(count.day, KEEP_DAYS),
        ":one": 1,
    }
    return {
        "Update": {
            "TableName": table_name,
            "Key": to_item(key(funnel_pk(count.day), counter_of(count))),
            "UpdateExpression": "SET entity = :entity, #day = :day, version = :version, #source = :source, "
            "medium = :medium, campaign = :campaign, expires_at = :ttl ADD "
            + ", ".join(f"#{step} :one" for step in count.steps),
            "ExpressionAttributeNames": {**names, "#day": "day", "#source": "source"},
            "ExpressionAttributeValues": to_item(values),
        }
    }


def funnel_items(table_name: str, count: FunnelCount) -> list[dict[str, Any]]:
    """The counter update of ``count`` and, unless it counts under OTHER, the registry update (last)."""
    counter = _counter_update(table_name, count)
    if count.source.overflow:
        return [counter]
    registry = {
        "Update": {
            "TableName": table_name,
            "Key": to_item(registry_key(count.day)),
            "UpdateExpression": "SET entity = :entity, expires_at = :ttl ADD seen :value",
            "ConditionExpression": "attribute_not_exists(seen) OR contains(seen, :member) OR size(seen) < :cap",
            "ExpressionAttributeValues": {
                ":entity": {"S": "funnel_sources"},
                ":ttl": {"N": str(_expires(count.day, _REGISTRY_DAYS))},
                ":value": {"SS": [_registry_value(count.source)]},
                ":member": {"S": _registry_value(count.source)},
                ":cap": {"N": str(DISTINCT_SOURCES_PER_DAY)},
            },
        }
    }
    return [counter, registry]


def with_funnel(
    table_name: str, items: list[dict[str, Any]], count: FunnelCount | None
) -> tuple[list[dict[str, Any]], int | None]:
    """``items`` followed by the funnel's; the registry update's index (None when there is none)."""
    if count is None:
        return items, None
    added = funnel_items(table_name, count)
    registry = len(items) + 1 if len(added) == 2 else None
    return [*items, *added], registry


def overflowed(codes: list[Any], registry: int | None) -> bool:
    """Whether a cancelled transaction failed on the day's full source registry."""
    return registry is not None and registry < len(codes) and codes[registry] == _FAILED


def with_booked(
    table_name: str,
    items: list[dict[str, Any]],
    moment: datetime,
    version: str,
    source: dict[str, object] | None,
    overflow: bool = False,
) -> tuple[list[dict[str, Any]], int | None]:
    """The one way a booking counts ``booked``: its transaction's ``items`` followed by the count's, and the index
    of the day's source registry among them (None when there is none).

    ``moment``: when the slot was booked; ``version``/``source``: the questionnaire version and the ``source``
    (the form's Source fields, as stored on the submission or intake) of the request the booking belongs to.
    Send the items in ONE TransactWriteItems. When it is cancelled and ``overflowed(codes, registry)`` holds
    (``codes``: the cancellation reasons' codes), the day's sources are full: build the items again with
    ``overflow=True`` (counting under OTHER) and send them again. A replayed or refused booking must cancel
    that transaction, so it never counts twice.
    """
    count = plan_count(moment, version, source, "booked")
    return with_funnel(table_name, items, count.overflowed() if overflow else count)


class FunnelCounters:
    """The ``lead`` step, counted off the request path: the outbox relay calls ``count_new_lead`` for every
    INSERT of a lead profile on the table's stream (which carries keys only)."""

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client: DynamoDBClient = client or boto3.client("dynamodb")

    def count_new_lead(self, lead_pk: str, now: datetime) -> bool:
        """Adds the new lead to the counter its creating request counted in, once: the same transaction marks the
        lead counted, on condition that it still exists and is not marked yet (a redelivered stream record, an
        erasure in between). True when it counted."""
        profile = key(lead_pk, PROFILE)
        stored = self._client.get_item(
            TableName=self.table_name,
            Key=to_item(profile),
            ConsistentRead=True,
            ProjectionExpression="#counter, #counted",
            ExpressionAttributeNames={"#counter": LEAD_COUNTER, "#counted": LEAD_COUNTED},
        ).get("Item")
        return self.count_lead(lead_pk, from_item(dict(stored)) if stored else {}, now)

    def count_lead(self, lead_pk: str, lead: dict[str, Any], now: datetime) -> bool:
        """``count_new_lead`` for a lead profile read already (an erasure counts a lead the relay has not yet
        counted, before deleting it: an erased person's counts stay)."""
        counter = lead.get(LEAD_COUNTER)
        if not counter or LEAD_COUNTED in lead:
            return False
        profile = key(lead_pk, PROFILE)
        day, version, source = parse_counter(counter)
        mark = {
            "Update": {
                "TableName": self.table_name,
                "Key": to_item(profile),
                "UpdateExpression": "SET #counted = :now",
                "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(#counted)",
                "ExpressionAttributeNames": {"#counted": LEAD_COUNTED},
                "ExpressionAttributeValues": to_item({":now": now.isoformat()}),
            }
        }
        # The creating request's own counter, on its day: its source is in that day's registry already.
        count = _counter_update(self.table_name, FunnelCount(day, version, source, ("lead",)))
        try:
            self._client.transact_write_items(TransactItems=[mark, count])  # type: ignore[list-item]
        except self._client.exceptions.TransactionCanceledException as error:
            codes = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
            if codes and codes[0] == _FAILED:
                return False  # erased or counted meanwhile
            raise
        return True


def funnel_counts(
    client: DynamoDBClient, table_name: str, from_day: date, to_day: date, by: Grouping = "none"
) -> list[FunnelRow]:
    """Every step's count per day (``from_day`` to ``to_day``, both included) × ``by`` × questionnaire version,
    read with one Query per calendar month (never a Scan); days without counts are left out."""
    if to_day < from_day:
        return []
    totals: dict[tuple[date, str, str], dict[Step, int]] = defaultdict(lambda: dict.fromkeys(STEPS, 0))
    month = from_day.replace(day=1)
    while month <= to_day:
        for item in _query(client, table_name, funnel_pk(month), from_day, to_day):
            day = date.fromisoformat(item["day"])
            group = _group(item, by)
            row = totals[(day, group, item["version"])]
            for step in STEPS:
                row[step] += int(item.get(step, 0))
        month = (month + timedelta(days=32)).replace(day=1)
    return [FunnelRow(day, group, version, counts) for (day, group, version), counts in sorted(totals.items())]


def _group(item: dict[str, Any], by: Grouping) -> str:
    if by == "source":
        return f"{item['source']}/{item['medium']}"
    if by == "campaign":
        return str(item["campaign"])
    return "all"


def _query(client: DynamoDBClient, table_name: str, pk: str, from_day: date, to_day: date) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    arguments: dict[str, Any] = {
        "TableName": table_name,
        "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
        "ExpressionAttributeValues": to_item(
            {":pk": pk, ":low": f"COUNT#{from_day.isoformat()}", ":high": f"COUNT#{to_day.isoformat()}#\uffff"}
        ),
    }
    while True:
        response = client.query(**arguments)
        items.extend(from_item(item) for item in response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            return items
        arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]
