"""Creates the template's AWS resources on moto, from their definitions in template.yaml.

Each resource gets a predictable local name first (``name_locally``), so that the functions' environment
can be computed before anything exists; creating a resource then records what only AWS can tell (stream
ARNs).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

from infra.template import ACCOUNT_ID, REGION, Resolver, local_name, resources_of_type

# DynamoDB table properties that CreateTable takes as they are written in the template.
_CREATE_TABLE_PROPERTIES = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "ProvisionedThroughput",
)
# SQS queue properties that are queue attributes of the same name.
_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
)
# The property that names each kind of resource, where the template may set the name itself.
_NAME_PROPERTY = {
    "AWS::DynamoDB::Table": "TableName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SES::ConfigurationSet": "Name",
    "AWS::SES::EmailIdentity": "EmailIdentity",
    "AWS::SNS::Topic": "TopicName",
}


def name_locally(resolver: Resolver) -> Resolver:
    """Gives every resource the name, and the Ref and GetAtt values, it will have on moto."""
    template = resolver.template
    for logical_id in template.get("Resources", {}):
        resolver.physical_ids.setdefault(logical_id, local_name(logical_id))
    for logical_id, resource in template.get("Resources", {}).items():
        kind = resource.get("Type", "")
        name_property = _NAME_PROPERTY.get(kind)
        given = resource.get("Properties", {}).get(name_property) if name_property else None
        name = str(resolver.resolve(given)) if given else local_name(logical_id)
        if kind == "AWS::DynamoDB::Table":
            resolver.physical_ids[logical_id] = name
            resolver.attributes[(logical_id, "Arn")] = f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{name}"
        elif kind == "AWS::SQS::Queue":
            arn = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"
            url = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/{name}"
            resolver.physical_ids[logical_id] = url
            resolver.attributes.update(
                {(logical_id, "Arn"): arn, (logical_id, "QueueName"): name, (logical_id, "QueueUrl"): url}
            )
        elif kind == "AWS::SNS::Topic":
            arn = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{name}"
            resolver.physical_ids[logical_id] = arn
            resolver.attributes[(logical_id, "TopicArn")] = arn
        elif name_property:
            resolver.physical_ids[logical_id] = name
    return resolver


ClientFactory = Callable[[str], Any]


def create_resources(client: ClientFactory, resolver: Resolver) -> None:
    """Creates every resource the local stack supports, in an order that satisfies their references."""
    name_locally(resolver)
    for _, resource in resources_of_type(resolver.template, "AWS::SES::ConfigurationSet"):
        client("sesv2").create_configuration_set(ConfigurationSetName=resolver.resolve(resource["Properties"]["Name"]))
    _create_queues(client("sqs"), resolver)
    _create_tables(client("dynamodb"), resolver)
    for logical_id, _ in resources_of_type(resolver.template, "AWS::SNS::Topic"):
        client("sns").create_topic(Name=resolver.attributes[(logical_id, "TopicArn")].rsplit(":", 1)[1])
    for _, resource in resources_of_type(resolver.template, "AWS::SES::EmailIdentity"):
        client("sesv2").create_email_identity(EmailIdentity=resolver.resolve(resource["Properties"]["EmailIdentity"]))
    _create_user_pools(client("cognito-idp"), resolver)


def seed_token_key(ssm: Any, environment: dict[str, str], value: str | None = None) -> None:
    """The token signing key the template expects in SSM (made by hand before a real deploy): a random one,
    unless ``value`` is given."""
    name = environment.get("TOKEN_KEY_PARAMETER_NAME")
    if name:
        ssm.put_parameter(Name=name, Type="SecureString", Value=value or secrets.token_urlsafe(48), Overwrite=True)


def _create_tables(dynamodb: Any, resolver: Resolver) -> None:
    for logical_id, resource in resources_of_type(resolver.template, "AWS::DynamoDB::Table"):
        properties = resolver.resolve(resource.get("Properties", {}))
        name = resolver.physical_ids[logical_id]
        request: dict[str, Any] = {key: properties[key] for key in _CREATE_TABLE_PROPERTIES if key in properties}
        stream = properties.get("StreamSpecification")
        if stream:
            request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
        description = dynamodb.create_table(TableName=name, **request)["TableDescription"]
        ttl = properties.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            dynamodb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]}
            )
        if "LatestStreamArn" in description:
            resolver.attributes[(logical_id, "StreamArn")] = description["LatestStreamArn"]


def _create_queues(sqs: Any, resolver: Resolver) -> None:
    """Queues in dependency order: a dead-letter queue before the queue that redrives to it."""
    pending = dict(resources_of_type(resolver.template, "AWS::SQS::Queue"))
    created: set[str] = set()
    while pending:
        ready = [
            logical_id for logical_id, resource in pending.items() if _redrive_target(resource) in (None, *created)
        ]
        if not ready:
            raise ValueError(f"queues with unresolvable redrive targets: {sorted(pending)}")
        for logical_id in ready:
            properties = resolver.resolve(pending.pop(logical_id).get("Properties", {}))
            attributes = {
                key: str(properties[key]).lower() if isinstance(properties[key], bool) else str(properties[key])
                for key in _QUEUE_ATTRIBUTES
                if key in properties
            }
            if "RedrivePolicy" in properties:
                attributes["RedrivePolicy"] = json.dumps(properties["RedrivePolicy"])
            name = resolver.attributes[(logical_id, "QueueName")]
            sqs.create_queue(QueueName=name, Attributes=attributes)
            created.add(logical_id)


def _redrive_target(resource: dict[str, Any]) -> str | None:
    target = resource.get("Properties", {}).get("RedrivePolicy", {}).get("deadLetterTargetArn")
    if isinstance(target, dict) and "Fn::GetAtt" in target:
        return str(target["Fn::GetAtt"][0])
    return None


# User pool properties CreateUserPool takes as they are written in the template (MFA is set after creation).
_USER_POOL_PROPERTIES = ("Policies", "AdminCreateUserConfig", "AutoVerifiedAttributes", "UsernameConfiguration")
_USER_POOL_CLIENT_PROPERTIES = (
    "GenerateSecret",
    "ExplicitAuthFlows",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
    "AccessTokenValidity",
    "IdTokenValidity",
    "RefreshTokenValidity",
    "TokenValidityUnits",
)


def _create_user_pools(cognito: Any, resolver: Resolver) -> None:
    """The Cognito user pools, their app clients and groups; moto picks the ids, which become their Refs."""
    for logical_id, resource in resources_of_type(resolver.template, "AWS::Cognito::UserPool"):
        properties = resolver.resolve(resource.get("Properties", {}))
        given = {name: properties[name] for name in _USER_POOL_PROPERTIES if name in properties}
        pool = cognito.create_user_pool(PoolName=local_name(logical_id), **given)["UserPool"]
        if properties.get("MfaConfiguration", "OFF") != "OFF":
            cognito.set_user_pool_mfa_config(
                UserPoolId=pool["Id"],
                SoftwareTokenMfaConfiguration={"Enabled": "SOFTWARE_TOKEN_MFA" in properties.get("EnabledMfas", [])},
                MfaConfiguration=properties["MfaConfiguration"],
            )
        resolver.physical_ids[logical_id] = pool["Id"]
        resolver.attributes[(logical_id, "Arn")] = pool["Arn"]
        resolver.attributes[(logical_id, "ProviderURL")] = f"https://cognito-idp.{REGION}.amazonaws.com/{pool['Id']}"
    for logical_id, resource in resources_of_type(resolver.template, "AWS::Cognito::UserPoolClient"):
        properties = resolver.resolve(resource["Properties"])
        given = {name: properties[name] for name in _USER_POOL_CLIENT_PROPERTIES if name in properties}
        created = cognito.create_user_pool_client(
            UserPoolId=properties["UserPoolId"], ClientName=local_name(logical_id), **given
        )["UserPoolClient"]
        resolver.physical_ids[logical_id] = created["ClientId"]
    for _, resource in resources_of_type(resolver.template, "AWS::Cognito::UserPoolGroup"):
        properties = resolver.resolve(resource["Properties"])
        cognito.create_group(
            UserPoolId=properties["UserPoolId"],
            GroupName=properties["GroupName"],
            Description=properties.get("Description", ""),
        )
