"""Whether an AWS error means "not now" (throttled, down, conflicting) rather than "never": a 503 with
Retry-After, after which the client's retry with the same id succeeds. Light on imports: every HTTP
function uses it."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from pijnreset.observability import logger

RETRY_AFTER_SECONDS = "5"
# AWS errors that mean "not now" rather than "never": the client's retry with the same id succeeds later.
_UNAVAILABLE_CODES = {
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "ThrottlingException",
    "InternalServerError",
    "ServiceUnavailable",
    "TransactionInProgressException",
}

_UNAVAILABLE_CANCELLATIONS = {
    "ThrottlingError",
    "ProvisionedThroughputExceeded",
    "RequestLimitExceeded",
    "TransactionConflict",
}

RETRY_AFTER_HEADER: dict[str, Any] = {
    "Retry-After": {
        "description": "Seconds to wait before retrying",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }
}


def aws_unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or what caused it) means AWS is throttling or down for now; logs it when so."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, BotoCoreError):
            code = type(cause).__name__
            break
        if isinstance(cause, ClientError):
            code = cause.response.get("Error", {}).get("Code", "")
            if code == "TransactionCanceledException":
                # A transaction throttled, or still conflicting with a concurrent one, is cancelled with
                # these reasons instead of failing with its own error code.
                reasons = {str(reason.get("Code")) for reason in cause.response.get("CancellationReasons", [])}
                if not reasons & _UNAVAILABLE_CANCELLATIONS or "ConditionalCheckFailed" in reasons:
                    return False
                code = "TransactionCanceled:" + ",".join(sorted(reasons & _UNAVAILABLE_CANCELLATIONS))
            elif code not in _UNAVAILABLE_CODES:
                return False
            break
        cause = cause.__cause__
    else:
        return False
    logger.warning("AWS unavailable, asking the client to retry", extra={"aws_error": code})
    return True
