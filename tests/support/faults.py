"""Makes AWS fail for the code under test: any botocore client's calls of one operation raise an error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import ClientError, EndpointConnectionError

from infra.aws import around_api_calls


def aws_error(code: str, operation: str) -> Exception:
    """The error botocore raises when AWS answers ``code``; ``"connection"`` for an unreachable endpoint."""
    if code == "connection":
        return EndpointConnectionError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com")
    return ClientError({"Error": {"Code": code, "Message": f"injected {code}"}}, operation)


def cancelled(client: Any, reason: str, items: int) -> Exception:
    """The TransactionCanceledException DynamoDB raises for a transaction cancelled for ``reason`` (how a
    throttled or conflicting transaction fails): the first item names the reason, the others "None"."""
    reasons = [{"Code": reason, "Message": f"injected {reason}"}] + [{"Code": "None"}] * max(items - 1, 0)
    response = {
        "Error": {"Code": "TransactionCanceledException", "Message": "injected"},
        "CancellationReasons": reasons,
    }
    exception: Exception = client.exceptions.TransactionCanceledException(response, "TransactWriteItems")
    return exception


@contextmanager
def aws_failing(
    operations: set[str] | str, code: str = "ThrottlingException", times: int | None = 1, after: int = 0
) -> Iterator[list[str]]:
    """The first ``times`` calls (every call with None) of ``operations`` (e.g. ``"TransactWriteItems"``),
    by any client, raise ``code`` before anything reaches AWS (``"cancelled:ThrottlingError"``: a transaction
    cancelled for that reason); with ``after``, only once that many calls went through. Yields the
    operations it failed, in order."""
    names = {operations} if isinstance(operations, str) else set(operations)
    failed: list[str] = []
    passed = 0

    def failing(call: Any, client: Any, operation_name: str, api_params: Any) -> Any:
        nonlocal passed
        if operation_name in names and passed < after:
            passed += 1
        elif operation_name in names and (times is None or len(failed) < times):
            failed.append(operation_name)
            if code.startswith("cancelled:"):
                raise cancelled(client, code.split(":", 1)[1], len(api_params.get("TransactItems", [])))
            raise aws_error(code, operation_name)
        return call(client, operation_name, api_params)

    with around_api_calls(failing):
        yield failed
