"""The scored, explained result of one Pijntest, as returned to the visitor and stored."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Triage = Literal["urgent", "see_gp", "none"]


class ResultModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Message(ResultModel):
    title: str
    text: str


class TriageMessage(Message):
    crisis_line: str | None = None  # 113 suicide prevention, only when that flag was raised


class Driver(ResultModel):
    """One answer that raised its domain's score: the result explains itself with these."""

    question_id: str
    text: str
    value: int
    answer: str


class DomainScore(ResultModel):
    id: str
    label: str
    score: int
    max: int
    percent: int
    band: Literal["low", "medium", "high"]
    explanation: str
    drivers: list[Driver]


class RedFlag(ResultModel):
    id: str
    urgency: Literal["urgent", "see_gp"]
    flag: str


class AdviceItem(ResultModel):
    id: str
    title: str
    text: str


class Versions(ResultModel):
    questionnaire: str
    scoring: str
    disclaimer: str
    consent: str


class PijntestResult(ResultModel):
    triage: Triage
    category: Literal["low", "medium", "high"] | None
    indication: Message | None
    total: int | None
    max_total: int
    domains: list[DomainScore]
    red_flags: list[RedFlag]
    triage_message: TriageMessage | None
    notes: list[str]
    advice: list[AdviceItem]
    call_to_action: Message | None
    disclaimer: str
    versions: Versions
