"""SES v2: sends one raw MIME message, naming the configuration set. Never retries by itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from pijnreset.models.email_errors import SendError

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

# How long the client waits for SES's answer. The deliverer reads it from the mailer and starts a send only
# with this much time left in the invocation, and a margin (logic/email/rules.py).
READ_TIMEOUT_SECONDS = 10
# One attempt: the sender classifies SES's errors itself (see logic/email/rules.py).
_NO_RETRIES = Config(
    retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=READ_TIMEOUT_SECONDS
)


class SesMailer:
    read_timeout_seconds: float = READ_TIMEOUT_SECONDS  # what the deliverer keeps time for

    def __init__(self, configuration_set: str, client: SESV2Client | None = None) -> None:
        self.configuration_set = configuration_set
        self._client: SESV2Client = client or boto3.client("sesv2", config=_NO_RETRIES)

    def send(self, raw: bytes, sender: str, recipient: str) -> str:
        """Sends and returns SES's message id, or raises SendError with SES's code and message."""
        try:
            response = self._client.send_email(
                FromEmailAddress=sender,
                Destination={"ToAddresses": [recipient]},
                Content={"Raw": {"Data": raw}},
                ConfigurationSetName=self.configuration_set,
            )
        except ClientError as error:
            details = error.response.get("Error", {})
            raise SendError(str(details.get("Code", "Unknown")), str(details.get("Message", ""))) from error
        return response["MessageId"]
