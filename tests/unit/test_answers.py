"""Answer validation: every question answered, with one of its own options, type included."""

from __future__ import annotations

from pijnreset.logic.answers import FieldProblem, validate_answers

from tests.support.answers import answers_with


def test_complete_answers_pass(questionnaire):
    assert validate_answers(questionnaire, answers_with(questionnaire)) == []


def test_missing_and_unknown_questions_are_named(questionnaire):
    answers = answers_with(questionnaire)
    del answers["stress_overload"]
    answers["favourite_colour"] = "blue"
    assert validate_answers(questionnaire, answers) == [
        FieldProblem("answers.favourite_colour", "unknown_question"),
        FieldProblem("answers.stress_overload", "missing"),
    ]


def test_values_outside_the_options_are_named(questionnaire):
    answers = answers_with(questionnaire)
    answers.update({"stress_overload": 4, "pain_last_week": 11, "red_fever_ill": "maybe", "age_band": "old"})
    assert {problem.field for problem in validate_answers(questionnaire, answers)} == {
        "answers.stress_overload",
        "answers.pain_last_week",
        "answers.red_fever_ill",
        "answers.age_band",
    }


def test_a_value_of_the_wrong_type_is_not_an_option(questionnaire):
    answers = answers_with(questionnaire)
    answers.update({"stress_overload": "2", "tension_sleep": True, "red_fever_ill": 0})  # type: ignore[dict-item]
    assert validate_answers(questionnaire, answers) == [
        FieldProblem("answers.red_fever_ill", "invalid_option"),
        FieldProblem("answers.stress_overload", "invalid_option"),
        FieldProblem("answers.tension_sleep", "invalid_option"),
    ]
