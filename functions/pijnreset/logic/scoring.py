"""Scores a Pijntest: red-flag triage first, then domains, the overall indication, notes and advice.

Triage wins over everything: an urgent flag yields no score at all, only the advice to see a GP today.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pijnreset.content.loader import Content
from pijnreset.content.models import Band, Category, Domain, Questionnaire
from pijnreset.models.result import (
    AdviceItem,
    DomainScore,
    Driver,
    Message,
    PijntestResult,
    RedFlag,
    TriageMessage,
    Versions,
)

Answers = Mapping[str, int | str]


def urgent_advice(questionnaire: Questionnaire, urgent_flag_ids: Iterable[str]) -> TriageMessage:
    """Call the GP today (huisartsenpost, 112), and 113 only when the flag about not wanting to live was raised."""
    crisis = {question.id for question in questionnaire.safety.questions if question.crisis_line}
    texts = questionnaire.result.triage.urgent
    return TriageMessage(
        title=texts.title,
        text=texts.text,
        crisis_line=texts.crisis_line if crisis.intersection(urgent_flag_ids) else None,
    )


def score(content: Content, answers: Answers) -> PijntestResult:
    """The result for ``answers``, which must already have passed ``validate_answers``."""
    questionnaire = content.questionnaire
    texts = questionnaire.result
    red_flags = find_red_flags(questionnaire, answers)
    urgent = [flag for flag in red_flags if flag.urgency == "urgent"]
    common = {
        "max_total": questionnaire.max_total,
        "red_flags": red_flags,
        "disclaimer": content.disclaimer.text,
        "versions": Versions(
            questionnaire=questionnaire.version,
            scoring=questionnaire.scoring.version,
            disclaimer=content.disclaimer.version,
            consent=content.consents.version,
        ),
    }

    if urgent:
        return PijntestResult(
            triage="urgent",
            category=None,
            indication=None,
            total=None,
            domains=[],
            triage_message=urgent_advice(questionnaire, [flag.id for flag in urgent]),
            notes=[],
            advice=[],
            call_to_action=None,
            **common,
        )

    domains = [_score_domain(questionnaire, domain, answers) for domain in questionnaire.scored.domains]
    by_id = {domain.id: domain for domain in domains}
    total = sum(domain.score for domain in domains)
    category, notes = _category(questionnaire, total, by_id)
    if by_id[questionnaire.scoring.worries_note_domain].band == "high":
        notes.append(texts.notes.worries)

    see_gp = bool(red_flags)
    return PijntestResult(
        triage="see_gp" if see_gp else "none",
        category=category,
        indication=Message.model_validate(texts.categories[category].model_dump()),
        total=total,
        domains=domains,
        triage_message=TriageMessage(title=texts.triage.see_gp.title, text=texts.triage.see_gp.text)
        if see_gp
        else None,
        notes=notes,
        advice=_advice(questionnaire, by_id),
        call_to_action=Message.model_validate(
            (texts.call_to_action.see_gp if see_gp else texts.call_to_action.none).model_dump()
        ),
        **common,
    )


def find_red_flags(questionnaire: Questionnaire, answers: Answers) -> list[RedFlag]:
    """Every safety answer "yes" that applies, and every context answer that is a warning sign."""
    flags = [
        RedFlag(id=question.id, urgency=question.urgency, flag=question.flag)
        for question in questionnaire.safety.questions
        if answers.get(question.id) == "yes" and (question.applies_if is None or question.applies_if.holds(answers))
    ]
    flags += [
        RedFlag(id=trigger.id, urgency=trigger.urgency, flag=trigger.flag)
        for trigger in questionnaire.context.triggers
        if trigger.when.holds(answers)
    ]
    return flags


def band(score: int, maximum: int, questionnaire: Questionnaire) -> Band:
    """low below 34% of the maximum, high above 66%, medium between; exact, without rounding."""
    bands = questionnaire.scoring.domain_bands
    if 100 * score < bands.medium_from_percent * maximum:
        return "low"
    if 100 * score > bands.high_above_percent * maximum:
        return "high"
    return "medium"


def _score_domain(questionnaire: Questionnaire, domain: Domain, answers: Answers) -> DomainScore:
    items = [item for item in questionnaire.scored.items if item.domain == domain.id]
    labels = {option.value: option.label for option in questionnaire.scored.options}
    values = {item.id: int(answers[item.id]) for item in items}
    score = sum(values.values())
    maximum = questionnaire.domain_max(domain.id)
    domain_band = band(score, maximum, questionnaire)
    drivers = sorted(
        (
            Driver(
                question_id=item.id,
                text=item.text,
                value=values[item.id],
                answer=labels[values[item.id]],
            )
            for item in items
            if values[item.id] >= questionnaire.scoring.driver_min_value
        ),
        key=lambda driver: -driver.value,
    )
    return DomainScore(
        id=domain.id,
        label=domain.label,
        score=score,
        max=maximum,
        percent=(200 * score + maximum) // (2 * maximum),  # rounded half up
        band=domain_band,
        explanation=getattr(domain.explanation, domain_band),
        drivers=drivers,
    )


def _category(questionnaire: Questionnaire, total: int, domains: dict[str, DomainScore]) -> tuple[Category, list[str]]:
    overall = questionnaire.scoring.overall
    gate = questionnaire.scoring.gate
    if total >= overall.high_from:
        if domains[gate.domain].score >= gate.min_score:
            return "high", []
        return "medium", [questionnaire.result.notes.gate]
    if total >= overall.medium_from:
        return "medium", []
    return "low", []


def _advice(questionnaire: Questionnaire, domains: dict[str, DomainScore]) -> list[AdviceItem]:
    """The article's steps: the first and last stay in place, the rest follow the highest domains."""
    first, *middle, last = questionnaire.result.advice

    def relevance(step_domains: list[str]) -> int:
        return max((domains[domain_id].percent for domain_id in step_domains), default=0)

    middle.sort(key=lambda step: -relevance(step.domains))
    return [AdviceItem(id=step.id, title=step.title, text=step.text) for step in (first, *middle, last)]
