"""Checks a visitor's answers against the questionnaire: every question answered, with one of its options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pijnreset.content.models import Questionnaire


@dataclass(frozen=True)
class FieldProblem:
    """One invalid input field, named by its dotted path in the request body."""

    field: str
    type: str


def validate_answers(questionnaire: Questionnaire, answers: Mapping[str, object]) -> list[FieldProblem]:
    """Every missing, unknown or out-of-range answer; empty when the answers are complete and valid.

    Values must match an option exactly, type included: ``"2"`` is not ``2``, and ``true`` is not ``1``.
    """
    options = dict(questionnaire.question_ids())
    problems = [
        FieldProblem(f"answers.{question_id}", "unknown_question")
        for question_id in answers
        if question_id not in options
    ]
    for question_id, question_options in options.items():
        if question_id not in answers:
            problems.append(FieldProblem(f"answers.{question_id}", "missing"))
            continue
        value = answers[question_id]
        if not any(type(value) is type(option.value) and value == option.value for option in question_options):
            problems.append(FieldProblem(f"answers.{question_id}", "invalid_option"))
    return problems
