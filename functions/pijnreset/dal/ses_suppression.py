"""SES's account-level suppression list: the plain addresses SES itself stops sending to (bounces, complaints).

Erasure takes the address off it, after recording SES's reason in the table's hashed suppression marker, so
that a bounce or complaint is still honoured with no plain address kept (see PersonData.erase).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import boto3

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client


class SesSuppressionList:
    def __init__(self, client: SESV2Client | None = None) -> None:
        self._client: SESV2Client = client or boto3.client("sesv2")

    def reason(self, address: str) -> str | None:
        """Why SES suppresses ``address`` ("bounce" or "complaint"), or None when it does not."""
        try:
            found = self._client.get_suppressed_destination(EmailAddress=address)
        except self._client.exceptions.NotFoundException:
            return None
        return str(found["SuppressedDestination"]["Reason"]).lower()

    def remove(self, address: str) -> None:
        # Not on it (or gone already, in a retried erasure): what was asked.
        with contextlib.suppress(self._client.exceptions.NotFoundException):
            self._client.delete_suppressed_destination(EmailAddress=address)
