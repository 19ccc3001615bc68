"""What each kind of email says and to whom, from the job and the items it refers to."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from pijnreset.content.loader import Content
from pijnreset.logic.tokens import Purpose

# How long the link in each kind of email keeps working.
LINK_VALIDITY_SECONDS: Mapping[Purpose, int] = {
    "confirm": 7 * 24 * 3600,
    "unsubscribe": 400 * 24 * 3600,  # outlives every marketing email that carries it
    "erase": 7 * 24 * 3600,
}
_ACTION_PATHS: Mapping[Purpose, str] = {
    "confirm": "/confirm",
    "unsubscribe": "/unsubscribe",
    "erase": "/privacy/erase/confirm",
}

Signer = Callable[[Purpose, str, int], str]
ContextBuilder = Callable[["JobData", Content, "EmailLinks", datetime], "Envelope"]


@dataclass(frozen=True)
class JobData:
    """A claimed job with the live items it refers to (expired items read as absent)."""

    job: dict[str, Any]
    lead: dict[str, Any] | None
    submission: dict[str, Any] | None = None
    suppression: dict[str, Any] | None = None


@dataclass(frozen=True)
class Envelope:
    recipient_email: str
    recipient_name: str
    variant: str
    context: dict[str, Any]
    reply_to: str | None = None  # None: the coach
    headers: dict[str, str] = field(default_factory=dict)


class JobNotRenderable(Exception):
    """The job refers to items that are gone; sending it is no longer possible or wanted."""


@dataclass(frozen=True)
class EmailLinks:
    landing_page_url: str
    api_url: str
    signer: Signer

    @property
    def intake_url(self) -> str:
        return f"{self.landing_page_url.split('#', 1)[0]}#intake"

    def action_url(self, purpose: Purpose, lead_id: str, now: datetime) -> str:
        token = self.signer(purpose, lead_id, int(now.timestamp()) + LINK_VALIDITY_SECONDS[purpose])
        return f"{self.api_url.rstrip('/')}{_ACTION_PATHS[purpose]}?{urlencode({'token': token})}"


def _lead(data: JobData) -> dict[str, Any]:
    if data.lead is None:
        raise JobNotRenderable("lead or submission gone")
    return data.lead


def _base(data: JobData, content: Content) -> dict[str, Any]:
    lead = _lead(data)
    return {"name": lead.get("name", ""), "disclaimer": content.disclaimer.model_dump()}


def result_email(data: JobData, content: Content, links: EmailLinks, now: datetime) -> Envelope:
    lead = _lead(data)
    if data.submission is None:
        raise JobNotRenderable("lead or submission gone")
    result = data.submission["result"]
    return Envelope(
        recipient_email=lead["email"],
        recipient_name=lead.get("name", ""),
        variant=result["triage"],
        context={**_base(data, content), "result": result, "intake_url": links.intake_url},
    )


def _action_email(purpose: Purpose) -> ContextBuilder:
    """An email whose point is one signed link (``<purpose>_url`` in the template)."""

    def build(data: JobData, content: Content, links: EmailLinks, now: datetime) -> Envelope:
        lead = _lead(data)
        return Envelope(
            recipient_email=lead["email"],
            recipient_name=lead.get("name", ""),
            variant="default",
            context={**_base(data, content), f"{purpose}_url": links.action_url(purpose, lead["lead_id"], now)},
        )

    return build


def marketing_email(data: JobData, content: Content, links: EmailLinks, now: datetime) -> Envelope:
    """A follow-up: one-click unsubscribe in the headers (RFC 8058) and as a link in both parts."""
    lead = _lead(data)
    unsubscribe_url = links.action_url("unsubscribe", lead["lead_id"], now)
    return Envelope(
        recipient_email=lead["email"],
        recipient_name=lead.get("name", ""),
        variant="default",
        context={**_base(data, content), "unsubscribe_url": unsubscribe_url, "intake_url": links.intake_url},
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


BUILDERS: dict[str, ContextBuilder] = {
    "result": result_email,
    "optin_confirm": _action_email("confirm"),
    "erase_confirm": _action_email("erase"),
}


def builder_for(kind: str) -> ContextBuilder:
    """Follow-ups (kinds ``followup_*``) share one builder; every other kind has its own."""
    if kind.startswith("followup_"):
        return marketing_email
    return BUILDERS[kind]
