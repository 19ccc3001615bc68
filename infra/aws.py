"""boto3 clients for moto, in-process (``mock_aws``) or behind the local stack's server; and a way in
around every AWS call, for the tests and the bench that count or fail them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import botocore.client

from infra.template import REGION


def moto_client(service: str, endpoint: str | None = None) -> Any:
    """A client for ``service`` on moto. Without ``endpoint``, for moto's in-process mock.

    botocore now sends DynamoDB Streams calls to an account-based host (<account>.streams-ddb...), which
    moto's mock does not recognise yet; the regional host it does recognise is named explicitly.
    """
    if endpoint is None and service == "dynamodbstreams":
        endpoint = f"https://streams.dynamodb.{REGION}.amazonaws.com"
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint)  # type: ignore[call-overload]


# (the real call, the client, the operation's name, its parameters) -> the response
Around = Callable[[Callable[[Any, str, Any], Any], Any, str, Any], Any]


@contextmanager
def around_api_calls(around: Around) -> Iterator[None]:
    """Meanwhile every call of every botocore client, made before or after, goes through ``around``."""
    original = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]

    def through(self: Any, operation_name: str, api_params: Any) -> Any:
        return around(original, self, operation_name, api_params)

    botocore.client.BaseClient._make_api_call = through  # type: ignore[attr-defined]
    try:
        yield
    finally:
        botocore.client.BaseClient._make_api_call = original  # type: ignore[attr-defined]
