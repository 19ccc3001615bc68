"""The local stack's faster moto transactions keep moto's all-or-nothing behaviour, stream included."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from infra.local import moto_speed


@pytest.fixture
def table():
    moto_speed.apply()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        client.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        yield client


def _put(pk, sk, value, new=False):
    put = {"TableName": "t", "Item": {"pk": {"S": pk}, "sk": {"S": sk}, "v": {"S": value}}}
    return {"Put": {**put, "ConditionExpression": "attribute_not_exists(pk)"} if new else put}


def _state(client):
    items = sorted((i["pk"]["S"], i["sk"]["S"], i["v"]["S"]) for i in client.scan(TableName="t")["Items"])
    streams = boto3.client(
        "dynamodbstreams", region_name="eu-west-1", endpoint_url="https://streams.dynamodb.eu-west-1.amazonaws.com"
    )
    arn = client.describe_table(TableName="t")["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    return items, [r["eventName"] for r in records]


def test_a_transaction_writes_every_item_and_its_stream_records(table):
    table.transact_write_items(TransactItems=[_put("a", "1", "x", new=True), _put("a", "2", "y", new=True)])
    assert _state(table) == ([("a", "1", "x"), ("a", "2", "y")], ["INSERT", "INSERT"])


def test_a_cancelled_transaction_leaves_no_item_and_no_stream_record(table):
    table.transact_write_items(TransactItems=[_put("a", "1", "x", new=True)])
    with pytest.raises(table.exceptions.TransactionCanceledException) as cancelled:
        table.transact_write_items(TransactItems=[_put("a", "2", "new", new=True), _put("a", "1", "again", new=True)])
    assert [r["Code"] for r in cancelled.value.response["CancellationReasons"]] == ["None", "ConditionalCheckFailed"]
    assert _state(table) == ([("a", "1", "x")], ["INSERT"])


def test_a_cancelled_overwrite_restores_the_item_as_it_was(table):
    table.transact_write_items(TransactItems=[_put("a", "1", "x", new=True), _put("c", "1", "w", new=True)])
    overwrite_then_fail = [_put("a", "1", "changed"), _put("b", "1", "y", new=True), _put("c", "1", "z", new=True)]
    with pytest.raises(table.exceptions.TransactionCanceledException):
        table.transact_write_items(TransactItems=overwrite_then_fail)
    assert _state(table) == ([("a", "1", "x"), ("c", "1", "w")], ["INSERT", "INSERT"])
