"""GET /pijntest's body: what the form needs to show the urgent advice before anything is sent."""

from __future__ import annotations

from pijnreset.logic.questionnaire_view import questionnaire_view
from pijnreset.logic.scoring import score
from pijnreset.models.result import TriageMessage

from tests.support.answers import answers_with


def test_the_view_serves_the_urgent_advice_as_written(content, questionnaire):
    advice = questionnaire_view(content, 3).urgent_advice
    texts = questionnaire.result.triage.urgent
    assert (advice.title, advice.text, advice.crisis_line) == (texts.title, texts.text, texts.crisis_line)


def test_only_safety_questions_say_whether_they_call_for_the_113_line(content):
    questions = questionnaire_view(content, 3).questions
    assert [question.id for question in questions if question.crisis_line] == ["red_not_wanting_to_live"]
    assert all((question.crisis_line is None) == (question.block != "safety") for question in questions)


def test_what_the_form_shows_early_is_what_an_urgent_result_says(content, questionnaire):
    """The form's rule (an urgent "yes": title and text, and crisis_line for a question that calls for it) gives
    exactly the triage_message the server sends for that answer, for every urgent question."""
    view = questionnaire_view(content, 3)
    advice = view.urgent_advice
    urgent = [question for question in view.questions if question.urgency == "urgent"]
    assert len(urgent) == 7
    for question in urgent:
        result = score(content, answers_with(questionnaire, safety_yes=(question.id,)))
        crisis_line = advice.crisis_line if question.crisis_line else None
        expected = TriageMessage(title=advice.title, text=advice.text, crisis_line=crisis_line)
        assert result.triage_message == expected, question.id
