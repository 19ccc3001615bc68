"""The functions' configuration: the environment, read once into one validated model."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from pijnreset.content.loader import Content, default_templates_dir, load_content


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    table_name: str = Field(alias="TABLE_NAME", min_length=3)
    questionnaire_version: str = Field("pijntest-v1", alias="QUESTIONNAIRE_VERSION")
    templates_dir: Path | None = Field(None, alias="TEMPLATES_DIR")
    # How long personal data is kept: every PII item carries a TTL this many days ahead.
    retention_days: int = Field(365, alias="RETENTION_DAYS", ge=1, le=3650)
    # How long a submission_id is remembered for replays (the record holds the result, so it expires too).
    idempotency_days: int = Field(7, alias="IDEMPOTENCY_DAYS", ge=1, le=365)
    # A form sent within this many seconds of opening it was filled in by a bot.
    min_fill_seconds: int = Field(3, alias="MIN_FILL_SECONDS", ge=0, le=600)

    def content(self) -> Content:
        return load_content(self.questionnaire_version, self.templates_dir or default_templates_dir())


@cache
def get_settings() -> Settings:
    return Settings.model_validate(dict(os.environ))
