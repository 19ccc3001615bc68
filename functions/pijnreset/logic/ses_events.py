"""Reads SES bounce and complaint notifications (configuration-set events and identity notifications).

Several recipients, several event types and unknown fields are all fine; anything unreadable is reported
as such and never raises, because SNS would only deliver it again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

Action = Literal["suppress_bounce", "suppress_complaint", "transient_bounce", "ignored", "malformed", "foreign"]


@dataclass(frozen=True)
class SesEvent:
    action: Action
    email: str | None = None


def parse_notification(message: object, configuration_set: str | None = None) -> list[SesEvent]:
    """With ``configuration_set``, only that configuration set's events count; any other (no tag, another
    set: something else published to the topic) is "foreign" and suppresses nobody. A ``message`` that is no
    string (none at all, in a record SNS would not send) is malformed."""
    if not isinstance(message, str):
        return [SesEvent("malformed")]
    try:
        document: Any = json.loads(message)
    except (TypeError, ValueError):
        return [SesEvent("malformed")]
    if not isinstance(document, dict):
        return [SesEvent("malformed")]
    if configuration_set is not None and configuration_set not in _configuration_sets(document):
        return [SesEvent("foreign")]
    event_type = document.get("eventType") or document.get("notificationType")
    if event_type == "Bounce":
        bounce = document.get("bounce")
        if not isinstance(bounce, dict):
            return [SesEvent("malformed")]
        action: Action = "suppress_bounce" if bounce.get("bounceType") == "Permanent" else "transient_bounce"
        return _recipients(bounce.get("bouncedRecipients"), action)
    if event_type == "Complaint":
        complaint = document.get("complaint")
        if not isinstance(complaint, dict):
            return [SesEvent("malformed")]
        return _recipients(complaint.get("complainedRecipients"), "suppress_complaint")
    return [SesEvent("ignored")]


def _configuration_sets(document: dict[str, Any]) -> list[Any]:
    """SES tags every event it publishes through a configuration set with that set's name."""
    mail = document.get("mail")
    tags = mail.get("tags") if isinstance(mail, dict) else None
    found = tags.get("ses:configuration-set") if isinstance(tags, dict) else None
    return found if isinstance(found, list) else []


def _recipients(recipients: Any, action: Action) -> list[SesEvent]:
    if not isinstance(recipients, list) or not recipients:
        return [SesEvent("malformed")]
    events = []
    for recipient in recipients:
        email = recipient.get("emailAddress") if isinstance(recipient, dict) else None
        events.append(
            SesEvent(action, _address(email)) if isinstance(email, str) and "@" in email else SesEvent("malformed")
        )
    return events


def _address(value: str) -> str:
    """SES may give 'Name <addr>'; only the address counts."""
    from email.utils import parseaddr

    return parseaddr(value)[1] or value
