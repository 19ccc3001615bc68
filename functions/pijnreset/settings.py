"""Each function's configuration: one pydantic model per function, composed of mixins, read once at import.

The mixins say who needs what: a function's model has exactly the fields of the variables template.yaml
sets for it (tests/infra/test_settings.py checks both ways). One name per setting: the template parameter
``ReplayRetentionDays`` is the variable ``REPLAY_RETENTION_DAYS`` is the field ``replay_retention_days`` (the
alias generator makes the variable the field's name in capitals). No field repeats a parameter's default:
the template always sets it, so a missing variable fails at cold start, naming it.
"""

from __future__ import annotations

import os
from typing import Annotated, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from pijnreset.logic.caps import CapLimits
from pijnreset.logic.retention import Retention, RetentionPurpose

_EMAIL = r"^[^@\s]+@[^@\s]+$"
_URL = r"^https?://"


class _Environment(BaseModel):
    model_config = ConfigDict(alias_generator=str.upper, extra="ignore", frozen=True)


class Observability(_Environment):
    """Read by Powertools itself (observability.py); validated here so that no function starts without them."""

    powertools_service_name: str = Field(min_length=1)
    powertools_metrics_namespace: str = Field(min_length=1)
    powertools_log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class Table(_Environment):
    table_name: str = Field(min_length=3)


class Questionnaire(_Environment):
    """The questionnaire file under templates/pijntest/ (it names its consent texts and disclaimer)."""

    questionnaire_version: str = Field(min_length=1)


class Tokens(_Environment):
    """The SSM SecureString with the key(s) that sign links, caps and challenges."""

    token_key_parameter_name: str = Field(pattern=r"^/")


class Queue(_Environment):
    """The email queue: the functions that put email jobs on it."""

    email_queue_url: str = Field(min_length=1)


# How long personal data is kept, per purpose (logic/retention.py): every PII item carries a TTL this many
# days ahead. A function's model has the periods of the items it writes: the lead and its Pijntest results
# (health data, renewed by every new test; purpose "pijntest"), proof of consent (kept longer than what it
# covers, so that it can still be shown afterwards), email jobs and follow-ups, intake requests, and the
# replay records of forms' ids (which hold the result, so they expire too).
_Days = Annotated[int, Field(ge=1, le=3650)]


class PijntestRetention(_Environment):
    retention_days: _Days


class ConsentRetention(_Environment):
    consent_retention_days: _Days


class EmailRetention(_Environment):
    email_retention_days: _Days


class IntakeRetention(_Environment):
    intake_retention_days: _Days


class NoteRetention(_Environment):
    note_retention_days: _Days


class AccessLogRetention(_Environment):
    """The access log (who did what with whose data; hashes only): kept this long, erasure or not."""

    access_log_retention_days: _Days


class ReplayRetention(_Environment):
    replay_retention_days: int = Field(ge=1, le=365)


class BackupRecovery(_Environment):
    """How far the table's point-in-time backups reach back: an erasure marker is kept that long (plus a day)."""

    backup_recovery_days: int = Field(ge=1, le=35)


class Caps(_Environment):
    """The form functions' caps (logic/caps.py, docs/front-door.md)."""

    email_cap_per_address: int = Field(ge=1, le=1000)
    client_requests_per_hour: int = Field(ge=1, le=1_000_000)
    ses_daily_quota: int = Field(ge=1)
    form_email_quota_percent: int = Field(ge=1, le=100)

    def cap_limits(self) -> CapLimits:
        """The daily ceiling is the forms' share of the SES quota: the rest stays for follow-ups and retries."""
        return CapLimits(
            per_address_per_day=self.email_cap_per_address,
            per_client_per_hour=self.client_requests_per_hour,
            daily_emails=max(1, self.ses_daily_quota * self.form_email_quota_percent // 100),
        )


class MinFill(_Environment):
    """A form sent within this many seconds of opening it was filled in by a bot. GET /pijntest serves it, so
    that the form waits it out instead of losing a quick visitor's request."""

    min_fill_seconds: int = Field(ge=0, le=60)


class Challenge(_Environment):
    """The proof of work (GET /challenge): the highest secret number a client may have to try (the difficulty),
    and how long a challenge may be solved and sent."""

    challenge_max_number: int = Field(ge=1_000, le=10_000_000)
    challenge_expiry_seconds: int = Field(ge=60, le=86_400)


class BookingAvailability(_Environment):
    """The coach's availability for booking the intake (templates/booking/<version>.yaml); empty: no booking."""

    booking_availability_version: str = Field(pattern=r"^([a-z0-9][a-z0-9.-]*)?$", max_length=64)


class VideoRoom(_Environment):
    """The coach's video room (a fixed meeting link), the location of a booked video intake; empty: none."""

    video_room_url: str = Field(pattern=r"^(https://[^\s]+)?$", max_length=500)


class SenderName(_Environment):
    """The display name of every email's From header, and the brand on the pages behind email links."""

    sender_name: str = Field(min_length=1, max_length=64)


class CoachAddress(_Environment):
    """The coach's own address: the Reply-To of every email, and never suppressed by a bounce or complaint."""

    coach_address: str = Field(pattern=_EMAIL)


class Sender(SenderName, CoachAddress):
    sender_address: str = Field(pattern=_EMAIL)
    # The landing page with the forms, and the API's public base URL: the links in emails.
    landing_page_url: str = Field(pattern=_URL)
    public_api_url: str = Field(pattern=_URL)


class SesConfigurationSet(_Environment):
    ses_configuration_set: str = Field(min_length=1)


class SendRate(_Environment):
    """The account's SES send rate, shared by at most ``sender_max_concurrency`` senders at once."""

    ses_max_send_rate: float = Field(gt=0)
    sender_max_concurrency: int = Field(ge=2)

    @property
    def send_rate_per_sender(self) -> float:
        return self.ses_max_send_rate / self.sender_max_concurrency


class SesEventSource(_Environment):
    """Only this topic's notifications are SES's own about our email; markers that could not be written wait
    on the async-failure queue, as ids."""

    ses_events_topic_arn: str = Field(pattern=r"^arn:")
    async_failure_queue_url: str = Field(min_length=1)


class FunctionSettings(Observability):
    """The base of every function's model."""

    # The retention purposes and their fields; a model has those of the items its function writes.
    _RETENTION: ClassVar[dict[RetentionPurpose, str]] = {
        "pijntest": "retention_days",
        "consent": "consent_retention_days",
        "email": "email_retention_days",
        "intake": "intake_retention_days",
        "replay": "replay_retention_days",
        "note": "note_retention_days",
        "access_log": "access_log_retention_days",
    }

    @classmethod
    def from_env(cls) -> Self:
        """The model from the process environment; a missing or bad variable raises, naming it."""
        return cls.model_validate(dict(os.environ))

    def retention(self) -> Retention:
        """The periods this function's model has; asking for another purpose is a KeyError."""
        fields = type(self).model_fields
        return Retention({purpose: getattr(self, name) for purpose, name in self._RETENTION.items() if name in fields})


# One model per function (template.yaml's logical ids, without "Function").
class QuestionnaireSettings(FunctionSettings, Questionnaire, MinFill):
    pass


class ChallengeSettings(FunctionSettings, Tokens, Challenge):
    pass


class _FormWrites(FunctionSettings, Table, Questionnaire, Tokens, Caps, MinFill):
    """What POST /pijntest and POST /intake share: the one write of a form, with its consent, email jobs and
    replay record."""


class SubmitSettings(_FormWrites, PijntestRetention, ConsentRetention, EmailRetention, ReplayRetention):
    pass


class IntakeSettings(
    _FormWrites, IntakeRetention, ConsentRetention, EmailRetention, ReplayRetention, BookingAvailability
):
    pass


class ConfirmSettings(FunctionSettings, Table, Questionnaire, Tokens, SenderName, ConsentRetention, EmailRetention):
    pass


class UnsubscribeSettings(FunctionSettings, Table, Questionnaire, Tokens, SenderName, ConsentRetention):
    pass


class EraseRequestSettings(FunctionSettings, Table, Tokens, Caps, EmailRetention):
    pass


class EraseSettings(FunctionSettings, Table, Questionnaire, Tokens, SenderName, BackupRecovery):
    pass


class BookingCancelSettings(FunctionSettings, Table, Questionnaire, Tokens, SenderName, EmailRetention):
    pass


class ReportSettings(FunctionSettings, Table, Questionnaire, Tokens, SenderName, AccessLogRetention):
    """The PDFs: the visitor's (signed links) and the coach's intake-prep sheet (written to the access log)."""


class OutboxRelaySettings(FunctionSettings, Table, Queue):
    pass


class EmailSenderSettings(
    FunctionSettings,
    Table,
    Queue,
    Tokens,
    Questionnaire,
    Sender,
    SesConfigurationSet,
    SendRate,
    BackupRecovery,
    VideoRoom,
):
    pass


class DueWorkSettings(FunctionSettings, Table, Queue, EmailRetention):
    pass


class SesEventsSettings(FunctionSettings, Table, SesConfigurationSet, CoachAddress, SesEventSource):
    pass


class CoachPool(_Environment):
    """The coach's Cognito user pool and the dashboard's app client in it (no secret)."""

    coach_user_pool_id: str = Field(min_length=1)
    coach_client_id: str = Field(min_length=1)


class CoachSessionSettings(FunctionSettings, CoachPool):
    pass


class CoachAppSettings(FunctionSettings):
    """The dashboard's files need nothing of the stack: they call /coach on their own origin."""


class CoachReportSettings(FunctionSettings, Table):
    pass


class DeadLetterQueues(_Environment):
    """The queues where failed work waits: the weekly digest reports how much."""

    email_dead_letter_queue_url: str = Field(min_length=1)
    relay_dead_letter_queue_url: str = Field(min_length=1)
    async_failure_queue_url: str = Field(min_length=1)


class WeeklyDigestSettings(FunctionSettings, Table, Questionnaire, Sender, SesConfigurationSet, DeadLetterQueues):
    pass


class CoachApiSettings(FunctionSettings, Table, BackupRecovery, NoteRetention, AccessLogRetention):
    """The dashboard's API: reads the table, writes notes and the access log, erases (as the erasure link)."""
