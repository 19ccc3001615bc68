"""The local outbox: every email moto's SES accepted, parsed back into its parts, newest first."""

from __future__ import annotations

from email import message_from_string, policy
from email.message import EmailMessage
from typing import Any

from moto.ses.models import ses_backends

from infra.template import ACCOUNT_ID, REGION


def sent_count() -> int:
    """How many emails SES accepted, without parsing them (for waiting on the pipeline)."""
    return len(ses_backends[ACCOUNT_ID][REGION].sent_messages)


def sent_emails() -> list[dict[str, Any]]:
    backend = ses_backends[ACCOUNT_ID][REGION]
    emails = []
    for sent in reversed(list(backend.sent_messages)):
        raw = getattr(sent, "raw_data", None)
        if raw is None:
            continue
        message = message_from_string(raw, _class=EmailMessage, policy=policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        emails.append(
            {
                "id": sent.id,
                "to": str(message["To"]),
                "from": str(message["From"]),
                "subject": str(message["Subject"]),
                "text": text.get_content() if text is not None else "",
                "html": html.get_content() if html is not None else "",
                "headers": [[name, str(value)] for name, value in message.items()],
                "attachments": [_attachment(part) for part in message.iter_attachments()],
                "raw": raw,
            }
        )
    return emails


def _attachment(part: EmailMessage) -> dict[str, Any]:
    """One attached file: its name, its type with the parameters that matter (method=REQUEST) and its text."""
    content_type = part.get_content_type()
    method = part.get_param("method")
    content = part.get_content()
    return {
        "filename": part.get_filename(),
        "content_type": f"{content_type}; method={method}" if method else content_type,
        "content": content.decode("utf-8") if isinstance(content, bytes) else content,
    }
