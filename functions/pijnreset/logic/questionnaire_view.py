"""The questionnaire as the form renders it: safety block first, then context, then the scored items.

It carries the urgent advice too, so that the form can show it the moment an urgent safety question is
answered yes: a visitor who stops there still gets it, without sending anything.
"""

from __future__ import annotations

from pijnreset.content.loader import Content
from pijnreset.content.models import Option
from pijnreset.models.api import (
    BlockOut,
    ConsentOut,
    DomainOut,
    OptionOut,
    QuestionnaireResponse,
    QuestionOut,
    UrgentAdviceOut,
)


def questionnaire_view(content: Content, min_fill_seconds: int) -> QuestionnaireResponse:
    """``min_fill_seconds``: the API takes a form sent sooner after opening it for a bot's (the form waits)."""
    questionnaire = content.questionnaire

    def options(block_options: list[Option]) -> list[OptionOut]:
        return [OptionOut(value=option.value, label=option.label) for option in block_options]

    questions = [
        QuestionOut(
            id=question.id,
            text=question.text,
            block="safety",
            options=options(questionnaire.safety.options),
            urgency=question.urgency,
            crisis_line=question.crisis_line,
        )
        for question in questionnaire.safety.questions
    ]
    questions += [
        QuestionOut(id=question.id, text=question.text, block="context", options=options(question.options))
        for question in questionnaire.context.questions
    ]
    questions += [
        QuestionOut(
            id=item.id,
            text=item.text,
            block="scored",
            options=options(questionnaire.scored.options),
            domain=item.domain,
        )
        for item in questionnaire.scored.items
    ]
    return QuestionnaireResponse(
        min_fill_seconds=min_fill_seconds,
        version=questionnaire.version,
        title=questionnaire.title,
        intro=questionnaire.intro,
        blocks=[
            BlockOut(id="safety", intro=questionnaire.safety.intro),
            BlockOut(id="context", intro=questionnaire.context.intro),
            BlockOut(id="scored", intro=questionnaire.scored.intro),
        ],
        questions=questions,
        urgent_advice=UrgentAdviceOut.model_validate(questionnaire.result.triage.urgent.model_dump()),
        domains=[DomainOut(id=domain.id, label=domain.label) for domain in questionnaire.scored.domains],
        consent_version=content.consents.version,
        consents=[
            ConsentOut(purpose=consent.purpose, form=consent.form, text=consent.text, required=consent.required)
            for consent in content.consents.consents
        ],
        disclaimer=content.disclaimer.text,
    )
