"""Pydantic models of the content files. A definition that breaks a rule fails at load, loudly."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from pijnreset.content.wording import forbidden_phrases_in

Urgency = Literal["urgent", "see_gp"]
Band = Literal["low", "medium", "high"]
Category = Literal["low", "medium", "high"]
OptionValue = StrictInt | StrictStr
Text = Annotated[str, Field(min_length=1)]


class ContentModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Disclaimer(ContentModel):
    version: str
    title: Text
    text: Text


ConsentPurpose = Literal["health_data", "marketing", "contact"]
ConsentForm = Literal["pijntest", "intake"]
# The form that asks each purpose. A purpose asked in the wrong form would be asked without its context.
CONSENT_FORMS: dict[str, ConsentForm] = {"health_data": "pijntest", "marketing": "pijntest", "contact": "intake"}


class ConsentText(ContentModel):
    purpose: ConsentPurpose
    form: ConsentForm  # the form that shows this consent; ``required`` means required in that form
    required: bool
    text: Text


class ConsentSet(ContentModel):
    version: str
    consents: list[ConsentText]

    @model_validator(mode="after")
    def _health_data_consent_is_required(self) -> ConsentSet:
        purposes = Counter(consent.purpose for consent in self.consents)
        if any(count > 1 for count in purposes.values()):
            raise ValueError("each consent purpose may appear once")
        health = self.by_purpose("health_data")
        if health is None or not health.required:
            raise ValueError("a required health_data consent is mandatory (AVG art. 9)")
        marketing = self.by_purpose("marketing")
        if marketing is not None and marketing.required:
            raise ValueError("marketing consent must stay optional")
        contact = self.by_purpose("contact")
        if contact is None or not contact.required:
            raise ValueError("a required contact consent is mandatory: the intake form cannot be sent without it")
        for consent in self.consents:
            if consent.form != CONSENT_FORMS[consent.purpose]:
                raise ValueError(f"{consent.purpose} consent belongs in the {CONSENT_FORMS[consent.purpose]} form")
        return self

    def by_purpose(self, purpose: str) -> ConsentText | None:
        return next((consent for consent in self.consents if consent.purpose == purpose), None)


class Option(ContentModel):
    value: OptionValue
    label: Text


class Condition(ContentModel):
    """True when the answer to ``question`` (a context question) is one of ``any_of``."""

    question: str
    any_of: list[OptionValue] = Field(min_length=1)

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return answers.get(self.question) in self.any_of


class SafetyQuestion(ContentModel):
    id: str
    urgency: Urgency
    text: Text
    flag: Text  # short description of the red flag, for the result and the coach
    crisis_line: bool = False  # the answer calls for the 113 suicide-prevention line
    applies_if: Condition | None = None


class ContextQuestion(ContentModel):
    id: str
    text: Text
    options: list[Option] = Field(min_length=2)


class ContextTrigger(ContentModel):
    id: str
    urgency: Urgency
    when: Condition
    flag: Text


class DomainExplanation(ContentModel):
    low: Text
    medium: Text
    high: Text


class Domain(ContentModel):
    id: str
    label: Text
    explanation: DomainExplanation


class ScoredItem(ContentModel):
    id: str
    domain: str
    text: Text


class SafetyBlock(ContentModel):
    intro: Text
    options: list[Option]
    questions: list[SafetyQuestion] = Field(min_length=1)

    @field_validator("options")
    @classmethod
    def _yes_no(cls, options: list[Option]) -> list[Option]:
        if sorted(str(option.value) for option in options) != ["no", "yes"]:
            raise ValueError('safety questions are answered "yes" or "no"')
        return options


class ContextBlock(ContentModel):
    intro: Text
    questions: list[ContextQuestion]
    triggers: list[ContextTrigger] = []


class ScoredBlock(ContentModel):
    intro: Text
    options: list[Option]
    domains: list[Domain] = Field(min_length=1)
    items: list[ScoredItem] = Field(min_length=1)

    @field_validator("options")
    @classmethod
    def _zero_to_three(cls, options: list[Option]) -> list[Option]:
        if [option.value for option in options] != [0, 1, 2, 3]:
            raise ValueError("scored items are answered 0, 1, 2 or 3, in that order")
        return options

    @property
    def max_value(self) -> int:
        return max(int(option.value) for option in self.options)


class DomainBands(ContentModel):
    medium_from_percent: int = Field(gt=0, lt=100)
    high_above_percent: int = Field(gt=0, lt=100)


class OverallBands(ContentModel):
    medium_from: int = Field(gt=0)
    high_from: int = Field(gt=0)


class Gate(ContentModel):
    domain: str
    min_score: int = Field(gt=0)


class Scoring(ContentModel):
    version: str
    domain_bands: DomainBands
    overall: OverallBands
    gate: Gate
    worries_note_domain: str
    driver_min_value: int = Field(ge=1)


class TitledText(ContentModel):
    title: Text
    text: Text


class UrgentTexts(TitledText):
    crisis_line: Text


class TriageTexts(ContentModel):
    urgent: UrgentTexts
    see_gp: TitledText


class Notes(ContentModel):
    gate: Text
    worries: Text


class CallsToAction(ContentModel):
    none: TitledText
    see_gp: TitledText


class AdviceStep(ContentModel):
    id: str
    title: Text
    text: Text
    domains: list[str]


class ResultTexts(ContentModel):
    categories: dict[Category, TitledText]
    triage: TriageTexts
    notes: Notes
    call_to_action: CallsToAction
    advice: list[AdviceStep] = Field(min_length=2)  # the first and last steps keep their place

    @field_validator("categories")
    @classmethod
    def _every_category(cls, categories: dict[Category, TitledText]) -> dict[Category, TitledText]:
        if set(categories) != {"low", "medium", "high"}:
            raise ValueError("texts for low, medium and high are all required")
        return categories


class Questionnaire(ContentModel):
    version: str
    consent: str
    disclaimer: str
    title: Text
    intro: Text
    safety: SafetyBlock
    context: ContextBlock
    scored: ScoredBlock
    scoring: Scoring
    result: ResultTexts

    @model_validator(mode="after")
    def _consistent(self) -> Questionnaire:
        ids = [question_id for question_id, _ in self.question_ids()]
        duplicates = sorted(question_id for question_id, count in Counter(ids).items() if count > 1)
        if duplicates:
            raise ValueError(f"question ids must be unique, repeated: {duplicates}")

        domain_ids = {domain.id for domain in self.scored.domains}
        for item in self.scored.items:
            if item.domain not in domain_ids:
                raise ValueError(f"item {item.id} names unknown domain {item.domain!r}")
        empty = domain_ids - {item.domain for item in self.scored.items}
        if empty:
            raise ValueError(f"domains without items: {sorted(empty)}")

        for domain_id in (self.scoring.gate.domain, self.scoring.worries_note_domain):
            if domain_id not in domain_ids:
                raise ValueError(f"scoring names unknown domain {domain_id!r}")
        for step in self.result.advice:
            unknown = set(step.domains) - domain_ids
            if unknown:
                raise ValueError(f"advice {step.id} names unknown domains {sorted(unknown)}")

        context = {question.id: question for question in self.context.questions}
        conditions = [q.applies_if for q in self.safety.questions if q.applies_if] + [
            trigger.when for trigger in self.context.triggers
        ]
        for condition in conditions:
            question = context.get(condition.question)
            if question is None:
                raise ValueError(f"condition names unknown context question {condition.question!r}")
            possible = {option.value for option in question.options}
            if not set(condition.any_of) <= possible:
                raise ValueError(f"condition on {condition.question!r} uses values it cannot take")

        for question_id, options in self.question_ids():
            values = [option.value for option in options]
            if len(values) != len(set(values)):
                raise ValueError(f"question {question_id} repeats an option value")

        gate_max = self.domain_max(self.scoring.gate.domain)
        if self.scoring.gate.min_score > gate_max:
            raise ValueError("the gate asks more than the gate domain can score")
        bands = self.scoring.domain_bands
        overall = self.scoring.overall
        if not bands.medium_from_percent <= bands.high_above_percent:
            raise ValueError("domain bands must rise")
        if not overall.medium_from < overall.high_from <= self.max_total:
            raise ValueError("overall bands must rise and fit within the maximum total")

        found = forbidden_phrases_in(self.all_texts())
        if found:
            raise ValueError(f"forbidden wording in the questionnaire: {found}")
        return self

    def question_ids(self) -> Iterator[tuple[str, list[Option]]]:
        for safety in self.safety.questions:
            yield safety.id, self.safety.options
        for question in self.context.questions:
            yield question.id, question.options
        for item in self.scored.items:
            yield item.id, self.scored.options

    def domain_max(self, domain_id: str) -> int:
        count = sum(1 for item in self.scored.items if item.domain == domain_id)
        return count * self.scored.max_value

    @property
    def max_total(self) -> int:
        return len(self.scored.items) * self.scored.max_value

    def all_texts(self) -> Iterator[str]:
        yield from _strings(self.model_dump())


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
