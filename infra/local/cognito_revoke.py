"""Cognito's RevokeToken for moto, which does not implement it (moto 5.2.5 answers a 500): answered at the
botocore level on moto's own user pools, in this process, so a revoked refresh token really stops refreshing.
On AWS, Cognito answers it itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.cognitoidp.models import cognitoidp_backends

from infra.aws import around_api_calls
from infra.template import ACCOUNT_ID, REGION


def revoke(params: dict[str, Any]) -> dict[str, Any]:
    """Revokes the refresh token of that client (moto's own sign-out marks a refresh token so); an unknown token
    is no error, as on AWS."""
    token, client_id = str(params["Token"]), str(params["ClientId"])
    for pool in cognitoidp_backends[ACCOUNT_ID][REGION].user_pools.values():
        issued = pool.refresh_tokens.get(token)
        if issued is not None and issued[0] == client_id:
            pool.refresh_tokens[token] = None
    return {}


@contextmanager
def emulated() -> Iterator[None]:
    def around(call: Any, client: Any, operation_name: str, api_params: Any) -> Any:
        if client.meta.service_model.service_name == "cognito-idp" and operation_name == "RevokeToken":
            return revoke(dict(api_params))
        return call(client, operation_name, api_params)

    with around_api_calls(around):
        yield
