"""template.yaml as plain CloudFormation: what the AWS::Serverless transform makes of it, offline.

The translation is the one CloudFormation runs at deploy time (aws-sam-translator, the library the SAM CLI and
cfn-lint use). Code locations are S3 objects as `sam package` writes them, one per function or layer; managed
policies named by ARN need no IAM lookup, so none is made.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import boto3
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

from infra.template import REGION

# Where `code_location` puts every function's and layer's code; the smoke test uploads zips there.
CODE_BUCKET = "pijnreset-code"

_CODE_PROPERTY = {"AWS::Serverless::Function": "CodeUri", "AWS::Serverless::LayerVersion": "ContentUri"}


def code_location(logical_id: str) -> str:
    return f"s3://{CODE_BUCKET}/{logical_id}.zip"


def packaged(template: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``template`` with each function's and layer's local code path replaced by its S3 location."""
    result = copy.deepcopy(dict(template))
    result.get("Globals", {}).get("Function", {}).pop("CodeUri", None)
    for logical_id, resource in result.get("Resources", {}).items():
        code_property = _CODE_PROPERTY.get(resource.get("Type", ""))
        if code_property:
            resource.setdefault("Properties", {})[code_property] = code_location(logical_id)
    return result


def translate(template: Mapping[str, Any], parameters: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The CloudFormation template that the AWS::Serverless-2016-10-31 transform makes of ``template``."""
    translator = Translator(
        managed_policy_map=None, sam_parser=Parser(), boto_session=boto3.Session(region_name=REGION)
    )
    translated: dict[str, Any] = translator.translate(
        packaged(template), parameter_values=dict(parameters or {}), get_managed_policy_map=dict
    )
    return translated


def generated_from(translated: Mapping[str, Any], template: Mapping[str, Any]) -> dict[str, str]:
    """Each resource of the translated template -> the resource of ``template`` it came from.

    The transform names what it generates after the serverless resource (SubmitFunction -> SubmitFunctionRole,
    HttpApi -> HttpApiApiGatewayDefaultStage), so the longest logical id that prefixes a name is its source;
    a dead-letter queue it creates for a schedule or rule event takes the name the event gives it instead.
    """
    resources = template.get("Resources", {})
    sources = sorted(resources, key=len, reverse=True)
    named_by_events = {
        event.get("Properties", {}).get("DeadLetterConfig", {}).get("QueueLogicalId"): logical_id
        for logical_id, resource in resources.items()
        for event in resource.get("Properties", {}).get("Events", {}).values()
    }
    origin = {}
    for logical_id in translated.get("Resources", {}):
        source = named_by_events.get(logical_id) or next(
            (name for name in sources if logical_id.startswith(name)), None
        )
        if source is not None:
            origin[logical_id] = source
    return origin
