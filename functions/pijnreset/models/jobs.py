"""The message that carries an email job through the queue: only the job's key, never its content."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class JobMessage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pk: str = Field(pattern=r"^LEAD#[0-9a-f]{32}$")
    sk: str = Field(pattern=r"^EMAIL#")
    attempt: int = Field(0, ge=0, description="How often SES asked us to wait for this job so far.")

    def next_attempt(self) -> JobMessage:
        return self.model_copy(update={"attempt": self.attempt + 1})


@dataclass(frozen=True)
class Claimed:
    job: dict[str, Any]


@dataclass(frozen=True)
class NotClaimable:
    status: str | None  # None: the job no longer exists (erased, or expired and deleted)
