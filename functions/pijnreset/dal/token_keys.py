"""The token signing keys, from SSM Parameter Store (a SecureString), through Powertools Parameters.

The parameter holds either one key, or JSON ``{"current": "<key>", "previous": ["<key>", ...]}``
while keys rotate: links signed with a previous key keep working until it is dropped. Values are cached
for five minutes, so a rotation reaches every function within that time.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import boto3
from aws_lambda_powertools.utilities.parameters import SSMProvider

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

CACHE_SECONDS = 300
MIN_KEY_LENGTH = 32


class TokenKeys:
    def __init__(self, parameter_name: str, client: SSMClient | None = None) -> None:
        self.parameter_name = parameter_name
        self._provider = SSMProvider(boto3_client=client or boto3.client("ssm"))

    def all(self) -> list[bytes]:
        """The current key first, then the previous ones."""
        value = str(self._provider.get(self.parameter_name, decrypt=True, max_age=CACHE_SECONDS))
        keys = _parse(value)
        if any(len(key) < MIN_KEY_LENGTH for key in keys):
            raise ValueError(f"every token key in {self.parameter_name} must be at least {MIN_KEY_LENGTH} bytes")
        return keys

    def current(self) -> bytes:
        return self.all()[0]


def _parse(value: str) -> list[bytes]:
    stripped = value.strip()
    if stripped.startswith("{"):
        document = json.loads(stripped)
        previous = document.get("previous") or []
        return [str(document["current"]).encode(), *(str(key).encode() for key in previous)]
    return [stripped.encode()]
