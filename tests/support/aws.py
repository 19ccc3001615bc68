"""moto in-process with the tables of template.yaml, and a recorder of every AWS call made meanwhile."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
from moto import mock_aws

from infra.aws import around_api_calls, moto_client
from infra.local import ses_suppression
from infra.resources import create_resources, seed_token_key
from infra.template import REGION, Resolver, load_template

TEST_TOKEN_KEY = "test-token-key-0123456789abcdefghijklmnopqrstuvwxyz"


@contextmanager
def template_on_moto() -> Iterator[Resolver]:
    with mock_aws(), ses_suppression.emulated():
        resolver = Resolver(load_template())
        create_resources(moto_client, resolver)
        # A fixed key: handlers cache it for minutes, across tests.
        seed_token_key(moto_client("ssm"), dict(os.environ), TEST_TOKEN_KEY)
        yield resolver


def scan_all(table_name: str) -> list[dict[str, Any]]:
    """Every item of the table, deserialised: tests check the whole table, not just what they expect."""
    client = boto3.client("dynamodb", region_name=REGION)
    from pijnreset.dal.leads_table import from_item

    items: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(TableName=table_name, ConsistentRead=True):
        items += [from_item(item) for item in page["Items"]]
    return items


@dataclass
class AwsCalls:
    calls: list[tuple[str, str]] = field(default_factory=list)
    params: list[dict[str, Any]] = field(default_factory=list)

    def of(self, service: str) -> list[str]:
        return [operation for called, operation in self.calls if called == service]

    def params_of(self, service: str, operation: str) -> list[dict[str, Any]]:
        return [p for (s, o), p in zip(self.calls, self.params, strict=True) if (s, o) == (service, operation)]

    def clear(self) -> None:
        self.calls.clear()
        self.params.clear()


@contextmanager
def recording_aws_calls() -> Iterator[AwsCalls]:
    """Records (service, operation) and the parameters of every call any botocore client makes, through
    botocore's event hooks (before-parameter-build: once per call, with the caller's own parameters).

    Hooks registered on the base client class reach clients created before the recording began too.
    """
    recorded = AwsCalls()

    def record(model: Any, params: Any = None, **_: Any) -> None:
        recorded.calls.append((model.service_model.service_name, model.name))
        recorded.params.append(dict(params or {}))

    hooked_emitters: list[Any] = []

    def hooked(call: Any, client: Any, operation_name: str, api_params: Any) -> Any:
        if not any(emitter is client.meta.events for emitter in hooked_emitters):
            client.meta.events.register_first("before-parameter-build.*.*", record, unique_id=_RECORDER_ID)
            hooked_emitters.append(client.meta.events)
        return call(client, operation_name, api_params)

    try:
        with around_api_calls(hooked):
            yield recorded
    finally:
        for emitter in hooked_emitters:
            emitter.unregister("before-parameter-build.*.*", unique_id=_RECORDER_ID)


_RECORDER_ID = "pijnreset-test-aws-call-recorder"
