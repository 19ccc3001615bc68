"""Smoke test: the SAM-translated template creates a stack on moto's CloudFormation.

moto's CloudFormation implements most resource types this template uses, but not all. The types in
NOT_ON_MOTO are left out of the stack and every reference to one of them becomes a placeholder string; every
other resource must be created. A type the template gains that moto lacks fails the first test until it is added
here with its reason, so nothing is skipped unnoticed.

What moto accepts but ignores is not asserted here: a table's TTL, a function's architectures and layers.
test_template.py asserts those from the YAML, and test_build.py checks the built artifacts.
"""

from __future__ import annotations

import ast
import io
import json
import re
import zipfile
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.cloudformation.parsing import get_model_map

from infra.sam import CODE_BUCKET, translate
from infra.template import REGION, load_template
from tests.support.iam import ACTIONS_WITHOUT_RESOURCES

NOT_ON_MOTO = {
    "AWS::ApiGatewayV2::Api": "moto's CloudFormation has no API Gateway v2 (the HTTP API)",
    "AWS::ApiGatewayV2::Stage": "moto's CloudFormation has no API Gateway v2 (the HTTP API's stage)",
    "AWS::SES::ConfigurationSet": "moto's CloudFormation has no SES resources (SES v1 and v2 work through the API)",
    "AWS::SES::ConfigurationSetEventDestination": "moto's CloudFormation has no SES resources",
    "AWS::SES::EmailIdentity": "moto's CloudFormation has no SES resources (the identity is verified by DNS anyway)",
    "AWS::SNS::Subscription": "moto's CloudFormation cannot create SNS subscriptions",
    "AWS::SNS::TopicPolicy": "moto's CloudFormation has no SNS topic policies",
    "AWS::SQS::QueuePolicy": "moto's CloudFormation has no SQS queue policies",
    "AWS::CloudWatch::Alarm": "moto's CloudFormation cannot create metric-math alarms (the alarms use metric math)",
    "AWS::Lambda::EventInvokeConfig": "moto's CloudFormation has no Lambda event invoke configs",
    "AWS::Lambda::Alias": "moto's CloudFormation has no Lambda aliases (AutoPublishAlias of the form's functions)",
    # The local stack creates these through the Cognito API instead (infra/resources.py).
    "AWS::Cognito::UserPool": "moto's CloudFormation has no Cognito resources",
    "AWS::Cognito::UserPoolClient": "moto's CloudFormation has no Cognito resources",
    "AWS::Cognito::UserPoolGroup": "moto's CloudFormation has no Cognito resources",
}
STACK = "pijnreset"


@pytest.fixture(scope="module")
def translated():
    return translate(load_template())


def _left_out(translated: dict[str, Any]) -> set[str]:
    return {name for name, resource in translated["Resources"].items() if resource["Type"] in NOT_ON_MOTO}


# A Ref to a left-out alias stands for its function (the permissions API Gateway gets name the alias).
_STAND_INS: dict[str, Any] = {}


def _detach(value: Any, left_out: set[str]) -> Any:
    """``value`` with every Ref, GetAtt and ${...} of a left-out resource replaced by a placeholder string."""
    if isinstance(value, list):
        return [_detach(item, left_out) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((name, argument),) = value.items()
        if name == "Ref" and argument in _STAND_INS:
            return _STAND_INS[argument]
        if name == "Ref" and argument in left_out:
            return f"not-on-moto-{argument}"
        if name == "Fn::GetAtt" and argument[0] in left_out:
            return f"not-on-moto-{argument[0]}-{argument[1]}"
        if name == "Fn::Sub":
            text, variables = (argument, None) if isinstance(argument, str) else argument

            def placeholder(match: re.Match[str]) -> str:
                return f"not-on-moto-{match.group(1)}" if match.group(1) in left_out else match.group(0)

            text = re.sub(r"\$\{([^}!.]+)(?:\.[^}]*)?\}", placeholder, text)
            return {name: text if variables is None else [text, _detach(variables, left_out)]}
    detached = {key: _detach(item, left_out) for key, item in value.items()}
    if isinstance(detached.get("DependsOn"), list):
        detached["DependsOn"] = [name for name in detached["DependsOn"] if name not in left_out]
    elif detached.get("DependsOn") in left_out:
        del detached["DependsOn"]
    return detached


def _stack_template(translated: dict[str, Any]) -> dict[str, Any]:
    left_out = _left_out(translated)
    _STAND_INS.update(
        {
            name: resource["Properties"]["FunctionName"]
            for name, resource in translated["Resources"].items()
            if resource["Type"] == "AWS::Lambda::Alias"
        }
    )
    template = {key: _detach(value, left_out) for key, value in translated.items() if key != "Resources"}
    template["Resources"] = {
        name: _detach(resource, left_out) for name, resource in translated["Resources"].items() if name not in left_out
    }
    return template


def _upload_code(translated: dict[str, Any]) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=CODE_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("placeholder.py", "")
    for resource in translated["Resources"].values():
        properties = resource.get("Properties", {})
        code = properties.get("Code") or properties.get("Content") or {}
        if "S3Key" in code:
            s3.put_object(Bucket=code["S3Bucket"], Key=code["S3Key"], Body=archive.getvalue())


@pytest.fixture(scope="module")
def stack(translated):
    with mock_aws():
        _upload_code(translated)
        cloudformation = boto3.client("cloudformation", region_name=REGION)
        cloudformation.create_stack(
            StackName=STACK,
            TemplateBody=json.dumps(_stack_template(translated)),
            # Every optional resource on, so that each is created (the dashboard is off by default).
            Parameters=[{"ParameterKey": "Dashboard", "ParameterValue": "on"}],
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
        )
        resources = cloudformation.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
        yield {
            "stack": cloudformation.describe_stacks(StackName=STACK)["Stacks"][0],
            "resources": {resource["LogicalResourceId"]: resource for resource in resources},
        }


def test_only_the_listed_resource_types_are_missing_from_moto(translated):
    types = {resource["Type"] for resource in translated["Resources"].values()}
    missing = types - set(get_model_map())
    assert missing == set(NOT_ON_MOTO) & types, "add a type moto lacks to NOT_ON_MOTO, with its reason"
    assert set(NOT_ON_MOTO) <= types, "NOT_ON_MOTO names a type the template no longer has"


def test_the_stack_creates_every_other_resource(translated, stack):
    assert stack["stack"]["StackStatus"] == "CREATE_COMPLETE", stack["stack"].get("StackStatusReason")
    expected = set(translated["Resources"]) - _left_out(translated)
    assert set(stack["resources"]) == expected
    assert {resource["ResourceStatus"] for resource in stack["resources"].values()} == {"CREATE_COMPLETE"}


def test_every_output_resolves(stack):
    outputs = stack["stack"]["Outputs"]
    assert {output["OutputKey"] for output in outputs} == set(load_template()["Outputs"])
    for output in outputs:
        assert isinstance(output["OutputValue"], str)
        assert "Fn::" not in output["OutputValue"]
        assert "${" not in output["OutputValue"]


def test_every_function_gets_its_runtime_and_resolved_environment(translated, stack):
    client = boto3.client("lambda", region_name=REGION)
    functions = {name: r for name, r in translated["Resources"].items() if r["Type"] == "AWS::Lambda::Function"}
    assert functions
    for name, resource in functions.items():
        configuration = client.get_function_configuration(FunctionName=stack["resources"][name]["PhysicalResourceId"])
        assert configuration["Runtime"] == "python3.13"
        assert configuration["Handler"] == resource["Properties"]["Handler"]
        variables = configuration["Environment"]["Variables"]
        assert set(variables) == set(resource["Properties"]["Environment"]["Variables"])
        for variable, value in resource["Properties"]["Environment"]["Variables"].items():
            if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in stack["resources"]:
                assert variables[variable] == stack["resources"][value["Ref"]]["PhysicalResourceId"], variable


def test_every_role_policy_names_resolved_arns(translated, stack):
    client = boto3.client("iam", region_name=REGION)
    roles = [name for name, resource in translated["Resources"].items() if resource["Type"] == "AWS::IAM::Role"]
    assert roles
    statements = 0
    for name in roles:
        role_name = stack["resources"][name]["PhysicalResourceId"]
        for policy_name in client.list_role_policies(RoleName=role_name)["PolicyNames"]:
            document = client.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"]
            document = _policy_document(document)
            for statement in document["Statement"]:
                targets = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
                # moto leaves an AWS::NoValue in a list as null; CloudFormation drops it from the list.
                for target in (target for target in targets if target is not None):
                    assert isinstance(target, str), (name, statement)
                    if target == "*":  # only actions that take no resource ARN at all
                        assert set(_actions(statement)) <= ACTIONS_WITHOUT_RESOURCES, (name, statement)
                        continue
                    assert target.startswith("arn:aws:"), (name, statement)
                statements += 1
    assert statements, "no inline policy statement was created"


def _actions(statement: dict[str, Any]) -> list[str]:
    return statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]


def _policy_document(document: Any) -> dict[str, Any]:
    if not isinstance(document, str):
        return dict(document)
    try:
        return dict(json.loads(document))
    except json.JSONDecodeError:
        # moto stores the policy of a role made by CloudFormation as the repr of a dict.
        return dict(ast.literal_eval(document))


def test_every_table_has_the_template_s_keys_and_stream(stack):
    client = boto3.client("dynamodb", region_name=REGION)
    tables = [(name, r) for name, r in load_template()["Resources"].items() if r["Type"] == "AWS::DynamoDB::Table"]
    assert tables
    for name, resource in tables:
        table = client.describe_table(TableName=stack["resources"][name]["PhysicalResourceId"])["Table"]
        assert table["KeySchema"] == resource["Properties"]["KeySchema"]
        if "StreamSpecification" in resource["Properties"]:
            assert table["StreamSpecification"]["StreamEnabled"] is True
