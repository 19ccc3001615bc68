"""Makes SES misbehave for the sender: refuse the first N sends with a given error, then send normally."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from botocore.exceptions import ClientError


@contextmanager
def ses_refusing(monkeypatch: pytest.MonkeyPatch, code: str, message: str = "", times: int = 1) -> Iterator[list[str]]:
    """Patches the sender's SES client; yields the codes it answered, in order ("sent" for a real send)."""
    from pijnreset.handlers import email_sender

    client = email_sender.deliverer.mailer._client  # type: ignore[attr-defined]
    original = client.send_email
    answered: list[str] = []

    def send_email(**kwargs: Any) -> Any:
        if len(answered) < times:
            answered.append(code)
            raise ClientError({"Error": {"Code": code, "Message": message}}, "SendEmail")
        answered.append("sent")
        return original(**kwargs)

    monkeypatch.setattr(client, "send_email", send_email)
    yield answered
