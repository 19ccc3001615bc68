"""Creates the template's AWS resources on moto, from their definitions in template.yaml."""

from __future__ import annotations

from typing import Any

from infra.template import Resolver, local_name, resources_of_type

# DynamoDB table properties that CreateTable takes as they are written in the template.
_CREATE_TABLE_PROPERTIES = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "ProvisionedThroughput",
)


def create_tables(dynamodb: Any, resolver: Resolver) -> dict[str, str]:
    """Creates every AWS::DynamoDB::Table of the template; returns logical id -> table name."""
    created = {}
    for logical_id, resource in resources_of_type(resolver.template, "AWS::DynamoDB::Table"):
        properties = resolver.resolve(resource.get("Properties", {}))
        name = properties.get("TableName") or local_name(logical_id)
        request: dict[str, Any] = {key: properties[key] for key in _CREATE_TABLE_PROPERTIES if key in properties}
        stream = properties.get("StreamSpecification")
        if stream:
            request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
        description = dynamodb.create_table(TableName=name, **request)["TableDescription"]
        ttl = properties.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
            )
        resolver.physical_ids[logical_id] = name
        resolver.attributes[(logical_id, "Arn")] = description["TableArn"]
        if "LatestStreamArn" in description:
            resolver.attributes[(logical_id, "StreamArn")] = description["LatestStreamArn"]
        created[logical_id] = name
    return created
