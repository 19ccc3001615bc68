"""The funnel's counters (logic/funnel.py) as items of a request's own TransactWriteItems, and their report.

Keys (no person, no lead id, no address or IP in them; an erasure never touches them):
  pk = FUNNEL#<yyyy-mm>  sk = COUNT#<day>#<version>#<source>#<medium>#<campaign>   one counter per step
  pk = FUNNEL#<yyyy-mm>  sk = SOURCES#<day>                                           the day's distinct sources

A request adds its steps to its counter and its source to the day's registry, in the transaction it already
makes, on condition that the registry knows the source or has room for it. A full registry fails that
condition; the request is then written again counting under OTHER (``overflow_at``). Counters are kept
``KEEP_DAYS`` (their TTL), the registry two days past its day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from pijnreset.dal.table import from_item, key, to_item
from pijnreset.logic.funnel import (
    DISTINCT_SOURCES_PER_DAY,
    STEPS,
    FunnelCount,
    FunnelSource,
    Grouping,
    Step,
)
from pijnreset.models.items import Key
from pijnreset.timestamps import COACH_TIME_ZONE

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

FUNNEL_PREFIX = "FUNNEL#"
KEEP_DAYS = 2 * 366  # two years: a year compared with the one before
_REGISTRY_DAYS = 2
_FAILED = "ConditionalCheckFailed"


def funnel_pk(day: date) -> str:
    return f"{FUNNEL_PREFIX}{day:%Y-%m}"


def counter_sk(day: date, version: str, source: FunnelSource) -> str:
    return f"COUNT#{day.isoformat()}#{version}#{source.source}#{source.medium}#{source.campaign}"


def registry_key(day: date) -> Key:
    return key(funnel_pk(day), f"SOURCES#{day.isoformat()}")


def _expires(day: date, days: int) -> int:
    return int(datetime.combine(day + timedelta(days=days), time(), COACH_TIME_ZONE).timestamp())


def _registry_value(source: FunnelSource) -> str:
    return f"{source.source}#{source.medium}#{source.campaign}"


def funnel_items(table_name: str, count: FunnelCount) -> list[dict[str, Any]]:
    """The counter update of ``count`` and, unless it counts under OTHER, the registry update (last)."""
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
    counter = {
        "Update": {
            "TableName": table_name,
            "Key": to_item(key(funnel_pk(count.day), counter_sk(count.day, count.version, count.source))),
            "UpdateExpression": "SET entity = :entity, #day = :day, version = :version, #source = :source, "
            "medium = :medium, campaign = :campaign, expires_at = :ttl ADD "
            + ", ".join(f"#{step} :one" for step in count.steps),
            "ExpressionAttributeNames": {**names, "#day": "day", "#source": "source"},
            "ExpressionAttributeValues": to_item(values),
        }
    }
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


@dataclass(frozen=True)
class FunnelRow:
    """The counts of one day, one group (a source ``source/medium``, a campaign, or ``all``) and one version."""

    day: date
    group: str
    version: str
    counts: dict[Step, int] = field(default_factory=dict)


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
