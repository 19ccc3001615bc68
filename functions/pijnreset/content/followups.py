"""The follow-up sequence under ``templates/followups/``: which emails, how many days after the opt-in."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pijnreset.content.loader import read_model


class FollowupStep(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z_]+$")
    kind: str = Field(pattern=r"^followup_[a-z_]+$")
    delay_days: int = Field(ge=0, le=365)


class FollowupSequence(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    steps: list[FollowupStep] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered_and_unique(self) -> FollowupSequence:
        if len({step.id for step in self.steps}) != len(self.steps):
            raise ValueError("step ids must be unique")
        delays = [step.delay_days for step in self.steps]
        if delays != sorted(delays):
            raise ValueError("steps must be listed in the order they are sent")
        return self


@cache
def load_sequence(templates_dir: Path, version: str = "sequence-v1") -> FollowupSequence:
    return read_model(templates_dir / "followups" / f"{version}.yaml", FollowupSequence)
