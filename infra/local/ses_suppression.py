"""SES's account-level suppression list for moto, which does not implement it (PutSuppressedDestination,
GetSuppressedDestination, DeleteSuppressedDestination), answered at the botocore level with SES v2's own
response shapes and errors. Used by the local stack and the moto tests; on AWS, SES answers these itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from infra.aws import around_api_calls

_OPERATIONS = {"PutSuppressedDestination", "GetSuppressedDestination", "DeleteSuppressedDestination"}


class SuppressionList:
    """The emulated list: address -> (reason, when). SES compares addresses case-insensitively."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, datetime]] = {}

    def answer(self, client: Any, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        address = str(params["EmailAddress"]).lower()
        if operation == "PutSuppressedDestination":
            self.entries[address] = (str(params["Reason"]), datetime.now(UTC))
            return {}
        if address not in self.entries:
            error = {"Error": {"Code": "NotFoundException", "Message": f"{address} is not on the suppression list"}}
            raise client.exceptions.NotFoundException(error, operation)
        if operation == "DeleteSuppressedDestination":
            del self.entries[address]
            return {}
        reason, when = self.entries[address]
        return {
            "SuppressedDestination": {"EmailAddress": params["EmailAddress"], "Reason": reason, "LastUpdateTime": when}
        }


@contextmanager
def emulated() -> Iterator[SuppressionList]:
    """Meanwhile every SES v2 client's suppression-list calls are answered by one emulated list."""
    suppression_list = SuppressionList()

    def around(call: Any, client: Any, operation_name: str, api_params: Any) -> Any:
        if client.meta.service_model.service_name == "sesv2" and operation_name in _OPERATIONS:
            return suppression_list.answer(client, operation_name, dict(api_params))
        return call(client, operation_name, api_params)

    with around_api_calls(around):
        yield suppression_list
