"""boto3 clients for moto, in-process (``mock_aws``) or behind the local stack's server."""

from __future__ import annotations

from typing import Any

import boto3

from infra.template import REGION


def moto_client(service: str, endpoint: str | None = None) -> Any:
    """A client for ``service`` on moto. Without ``endpoint``, for moto's in-process mock.

    botocore now sends DynamoDB Streams calls to an account-based host (<account>.streams-ddb...), which
    moto's mock does not recognise yet; the regional host it does recognise is named explicitly.
    """
    if endpoint is None and service == "dynamodbstreams":
        endpoint = f"https://streams.dynamodb.{REGION}.amazonaws.com"
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint)  # type: ignore[call-overload]
