"""The access log's writer (dal/access_log.py) on moto: one item per action, keyed by the person's hash and in
the month index, nothing of the person but the hash, its TTL AccessLogRetentionDays ahead; in a transaction
with the action it logs, or on its own before the data leaves."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from pijnreset.dal.access_log import access_item, access_of_person, access_put, record_access
from pijnreset.dal.table import MONTH_INDEX, to_item

from infra.aws import moto_client

LEAD = "a" * 32
NOW = datetime(2026, 12, 2, 17, 5, tzinfo=UTC)


@dataclass(frozen=True)
class Coach:
    username: str = "coach"
    sub: str = "3f0c-sub"
    groups: frozenset[str] = frozenset({"coach"})


def test_an_action_is_logged_by_hash_with_its_ttl(stack, table_items):
    client = moto_client("dynamodb")
    item = record_access(
        client, os.environ["TABLE_NAME"], Coach(), "view", NOW, keep_days=730, lead_id=LEAD, detail={"results": 2}
    )
    (stored,) = table_items()
    assert stored == item
    assert (stored["pk"], stored["gsi2pk"]) == (f"ACCESS#{LEAD}", "ACCESS#2026-12")
    assert stored["sk"].startswith("2026-12-02T17:05:00.000Z#")
    assert (stored["username"], stored["sub"], stored["groups"], stored["action"]) == (
        "coach",
        "3f0c-sub",
        ["coach"],
        "view",
    )
    assert stored["expires_at"] == int((NOW + timedelta(days=730)).timestamp())
    assert set(stored) == {
        "pk", "sk", "gsi2pk", "gsi2sk", "entity", "event_id", "at", "action", "username", "sub", "groups",
        "lead_id", "detail", "expires_at",
    }  # fmt: skip


def test_a_person_s_log_is_one_query_newest_first_and_the_month_index_lists_it(stack):
    client = moto_client("dynamodb")
    table = os.environ["TABLE_NAME"]
    for minutes, action in enumerate(["view", "note", "handled"]):
        record_access(client, table, Coach(), action, NOW + timedelta(minutes=minutes), keep_days=1, lead_id=LEAD)
    record_access(client, table, Coach(), "export_leads_csv", NOW, keep_days=1, detail={"rows": 3})
    assert [item["action"] for item in access_of_person(client, table, LEAD)] == ["handled", "note", "view"]
    month = client.query(
        TableName=table,
        IndexName=MONTH_INDEX,
        KeyConditionExpression="gsi2pk = :m",
        ExpressionAttributeValues=to_item({":m": "ACCESS#2026-12"}),
        ScanIndexForward=False,
    )["Items"]
    assert len(month) == 4


def test_the_log_item_rides_in_the_action_s_transaction(stack, table_items):
    client = moto_client("dynamodb")
    table = os.environ["TABLE_NAME"]
    item = access_item(Coach(), "note", NOW, 30, lead_id=LEAD, detail={"note_id": "n1"})
    client.transact_write_items(TransactItems=[access_put(table, item)])
    assert table_items() == [item]
    with pytest.raises(client.exceptions.TransactionCanceledException):
        client.transact_write_items(TransactItems=[access_put(table, item)])  # never overwrites one


def test_detail_holds_ids_dates_and_counts_only():
    with pytest.raises(ValueError, match="detail"):
        access_item(Coach(), "view", NOW, 1, lead_id=LEAD, detail={"answers": "x" * 500})
    with pytest.raises(ValueError, match="detail"):
        access_item(Coach(), "view", NOW, 1, lead_id=LEAD, detail={"answers": {"q": 1}})  # type: ignore[dict-item]
