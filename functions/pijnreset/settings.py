"""The functions' configuration: the environment, read once into one validated model."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from pijnreset.logic.caps import CapLimits
from pijnreset.logic.retention import Retention

if TYPE_CHECKING:
    from pijnreset.content.loader import Content

# The content loader (YAML, the questionnaire's models) is imported by the functions that use content, not by
# every function that reads its settings: the outbox relay, the due work and the SES events never do.


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    table_name: str = Field(alias="TABLE_NAME", min_length=3)
    questionnaire_version: str = Field("pijntest-v1", alias="QUESTIONNAIRE_VERSION")
    templates_dir: Path | None = Field(None, alias="TEMPLATES_DIR")
    # How long personal data is kept, per purpose: every PII item carries a TTL this many days ahead.
    # The lead and its Pijntest results (health data), renewed by every new test:
    retention_days: int = Field(365, alias="RETENTION_DAYS", ge=1, le=3650)
    # Proof of consent, kept longer than what it covers so that consent can still be shown afterwards:
    consent_retention_days: int = Field(730, alias="CONSENT_RETENTION_DAYS", ge=1, le=3650)
    # Email jobs and follow-ups (delivery records):
    email_retention_days: int = Field(90, alias="EMAIL_RETENTION_DAYS", ge=1, le=3650)
    # Intake requests:
    intake_retention_days: int = Field(365, alias="INTAKE_RETENTION_DAYS", ge=1, le=3650)
    # How long a submission_id is remembered for replays (the record holds the result, so it expires too).
    idempotency_days: int = Field(7, alias="IDEMPOTENCY_DAYS", ge=1, le=365)
    # How far the table's point-in-time backups reach back: an erasure marker is kept that long (plus a day).
    backup_recovery_days: int = Field(7, alias="BACKUP_RECOVERY_DAYS", ge=1, le=35)
    # A form sent within this many seconds of opening it was filled in by a bot.
    min_fill_seconds: int = Field(3, alias="MIN_FILL_SECONDS", ge=0, le=600)
    # Only the functions that put email jobs on the queue get this.
    email_queue_url: str | None = Field(None, alias="EMAIL_QUEUE_URL", min_length=1)
    # The SSM SecureString with the token signing key(s); only the functions that sign or verify get it.
    token_key_parameter: str | None = Field(None, alias="TOKEN_KEY_PARAMETER", min_length=1)
    # The proof of work (GET /challenge): the highest secret number a client may have to try (the difficulty),
    # and how long a challenge may be solved and sent. Only the challenge function gets these.
    challenge_max_number: int = Field(100_000, alias="CHALLENGE_MAX_NUMBER", ge=1_000, le=10_000_000)
    challenge_expiry_seconds: int = Field(1800, alias="CHALLENGE_EXPIRY_SECONDS", ge=60, le=86_400)
    # The API's public base URL, for links in emails and pages.
    public_api_url: str | None = Field(None, alias="PUBLIC_API_URL", pattern=r"^https?://")
    brand_name: str = Field("Pijn Reset Methode", alias="BRAND_NAME", min_length=1, max_length=64)
    followup_sequence: str = Field("sequence-v1", alias="FOLLOWUP_SEQUENCE")
    # The caps of the form functions (logic/caps.py; template parameters, see docs/front-door.md):
    email_cap_per_address: int = Field(5, alias="EMAIL_CAP_PER_ADDRESS", ge=1, le=1000)
    client_requests_per_hour: int = Field(30, alias="CLIENT_REQUESTS_PER_HOUR", ge=1, le=1_000_000)
    ses_daily_quota: int = Field(50_000, alias="SES_DAILY_QUOTA", ge=1)
    form_email_quota_percent: int = Field(50, alias="FORM_EMAIL_QUOTA_PERCENT", ge=1, le=100)

    @property
    def queue_url(self) -> str:
        return _required(self.email_queue_url, "EMAIL_QUEUE_URL")

    @property
    def token_parameter(self) -> str:
        return _required(self.token_key_parameter, "TOKEN_KEY_PARAMETER")

    @property
    def api_url(self) -> str:
        return _required(self.public_api_url, "PUBLIC_API_URL")

    @property
    def templates(self) -> Path:
        from pijnreset.content.loader import default_templates_dir

        return self.templates_dir or default_templates_dir()

    def retention(self) -> Retention:
        return Retention(
            {
                "pijntest": self.retention_days,
                "consent": self.consent_retention_days,
                "email": self.email_retention_days,
                "intake": self.intake_retention_days,
                "replay": self.idempotency_days,
            }
        )

    def cap_limits(self) -> CapLimits:
        """The daily ceiling is the forms' share of the SES quota: the rest stays for follow-ups and retries."""
        return CapLimits(
            per_address_per_day=self.email_cap_per_address,
            per_client_per_hour=self.client_requests_per_hour,
            daily_emails=max(1, self.ses_daily_quota * self.form_email_quota_percent // 100),
        )

    def content(self) -> Content:
        from pijnreset.content.loader import load_content

        return load_content(self.questionnaire_version, self.templates)


class EmailSettings(BaseModel):
    """What the email sender needs beyond the shared settings; validated when a sender starts."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    sender_address: str = Field(alias="SENDER_ADDRESS", pattern=r"^[^@\s]+@[^@\s]+$")
    sender_name: str = Field(alias="SENDER_NAME", min_length=1, max_length=64)
    coach_address: str = Field(alias="COACH_ADDRESS", pattern=r"^[^@\s]+@[^@\s]+$")
    configuration_set: str = Field(alias="SES_CONFIGURATION_SET", min_length=1)
    landing_page_url: str = Field(alias="LANDING_PAGE_URL", pattern=r"^https?://")
    # The account's SES send rate, shared by at most max_concurrency senders at once.
    max_send_rate: float = Field(14.0, alias="SES_MAX_SEND_RATE", gt=0)
    max_concurrency: int = Field(2, alias="SENDER_MAX_CONCURRENCY", ge=2)
    # A job claimed longer ago than this by a sender that never finished may be claimed again.
    claim_stale_seconds: int = Field(120, alias="CLAIM_STALE_SECONDS", ge=1)

    @property
    def send_rate_per_sender(self) -> float:
        return self.max_send_rate / self.max_concurrency


class SesEventsSettings(BaseModel):
    """What the SES-events function needs beyond the shared settings."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    # Only this topic's notifications, of this configuration set's events, are SES's own about our email.
    topic_arn: str = Field(alias="SES_EVENTS_TOPIC_ARN", pattern=r"^arn:")
    configuration_set: str = Field(alias="SES_CONFIGURATION_SET", min_length=1)
    # The coach's own address is never suppressed by a bounce or complaint: the coach's notices go there.
    coach_address: str = Field(alias="COACH_ADDRESS", pattern=r"^[^@\s]+@[^@\s]+$")
    # Suppression markers that could not be written wait here, as ids.
    failure_queue_url: str = Field(alias="ASYNC_FAILURE_QUEUE_URL", min_length=1)


def _required(value: str | None, name: str) -> str:
    if not value:
        raise RuntimeError(f"{name} is not set for this function; see template.yaml")
    return value


@cache
def get_settings() -> Settings:
    return Settings.model_validate(dict(os.environ))


@cache
def get_email_settings() -> EmailSettings:
    return EmailSettings.model_validate(dict(os.environ))


@cache
def get_ses_events_settings() -> SesEventsSettings:
    return SesEventsSettings.model_validate(dict(os.environ))
