"""The message that carries an email job through the queue: only the job's key, never its content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class JobMessage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pk: str = Field(pattern=r"^LEAD#[0-9a-f]{32}$")
    sk: str = Field(pattern=r"^EMAIL#")
    attempt: int = Field(0, ge=0, description="How often SES asked us to wait for this job so far.")
    not_before: AwareDatetime | None = Field(
        None,
        description="SES is not to be tried for this job before then. SQS delays a message by 15 minutes at "
        "most, so a longer wait travels with the message and the sender puts it back until then.",
    )

    def next_attempt(self, not_before: datetime | None = None) -> JobMessage:
        return self.model_copy(update={"attempt": self.attempt + 1, "not_before": not_before})


@dataclass(frozen=True)
class Claimed:
    job: dict[str, Any]


@dataclass(frozen=True)
class NotClaimable:
    status: str | None  # None: the job no longer exists (erased, or expired and deleted)
