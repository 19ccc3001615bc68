"""What each kind of email says and to whom, from the job and the items it refers to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pijnreset.content.loader import Content


@dataclass(frozen=True)
class Envelope:
    recipient_email: str
    recipient_name: str
    variant: str
    context: dict[str, Any]


class JobNotRenderable(Exception):
    """The job refers to items that are gone; sending it is no longer possible or wanted."""


@dataclass(frozen=True)
class EmailLinks:
    landing_page_url: str

    @property
    def intake_url(self) -> str:
        return f"{self.landing_page_url.split('#', 1)[0]}#intake"


def result_email(
    job: dict[str, Any],
    lead: dict[str, Any] | None,
    submission: dict[str, Any] | None,
    content: Content,
    links: EmailLinks,
) -> Envelope:
    if lead is None or submission is None:
        raise JobNotRenderable("lead or submission gone")
    result = submission["result"]
    return Envelope(
        recipient_email=lead["email"],
        recipient_name=lead.get("name", ""),
        variant=result["triage"],
        context={
            "name": lead.get("name", ""),
            "result": result,
            "disclaimer": content.disclaimer.model_dump(),
            "intake_url": links.intake_url,
        },
    )


ContextBuilder = Callable[[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None, Content, EmailLinks], Envelope]

BUILDERS: dict[str, ContextBuilder] = {"result": result_email}
