"""moto in-process with the tables of template.yaml (infra.in_process), and a recorder of every AWS call made
meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3

from infra.aws import around_api_calls
from infra.in_process import TOKEN_KEY as TEST_TOKEN_KEY
from infra.in_process import template_on_moto
from infra.template import REGION

__all__ = ["TEST_TOKEN_KEY", "AwsCalls", "recording_aws_calls", "scan_all", "template_on_moto"]


def scan_all(table_name: str) -> list[dict[str, Any]]:
    """Every item of the table, deserialised: tests check the whole table, not just what they expect."""
    client = boto3.client("dynamodb", region_name=REGION)
    from pijnreset.dal.table import from_item

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


# A spent proof of work (ALTCHA) is kept until its challenge expires: its hash, a hashed fingerprint of the
# request that spent it, and its TTL. Nothing of a person, so it is not theirs to erase.
SPENT_CHALLENGE_ATTRIBUTES = {"pk", "sk", "entity", "expires_at", "request"}


def beside_spent_challenges(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``items`` without the spent proofs of work, each checked to hold nothing but the attributes above."""
    spent = [item for item in items if item.get("entity") == "used_challenge"]
    for item in spent:
        assert set(item) <= SPENT_CHALLENGE_ATTRIBUTES, item
        assert item["pk"].startswith("ALTCHA#"), item
    return [item for item in items if item.get("entity") != "used_challenge"]
