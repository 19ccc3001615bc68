"""GET /pijntest serves the questionnaire the form renders, safety block first."""

import os
import time

import pytest

from tests.support.payloads import changed, intake_request, submission


def test_get_pijntest_serves_every_question_with_its_options(api, questionnaire):
    response = api.get("/pijntest")
    assert response.status == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["version"] == "pijntest-v1"
    assert body["consent_version"] == "consent-v1"
    blocks = [question["block"] for question in body["questions"]]
    assert blocks == sorted(blocks, key=["safety", "context", "scored"].index), "safety first, then context, scored"
    assert blocks.count("scored") == 16
    by_id = {question["id"]: question for question in body["questions"]}
    assert by_id["red_fever_ill"]["urgency"] == "urgent"
    assert by_id["gp_cancer_history"]["urgency"] == "see_gp"
    assert by_id["stress_overload"]["domain"] == "stress"
    assert by_id["stress_overload"]["options"] == [
        {"value": 0, "label": "Nooit"},
        {"value": 1, "label": "Soms"},
        {"value": 2, "label": "Vaak"},
        {"value": 3, "label": "Bijna altijd"},
    ]
    assert {question_id for question_id, _ in questionnaire.question_ids()} == set(by_id)


def test_get_pijntest_serves_the_consent_texts_and_disclaimer_as_written(api, content):
    body = api.get("/pijntest").json()
    assert body["consents"] == [
        {"purpose": consent.purpose, "form": consent.form, "text": consent.text, "required": consent.required}
        for consent in content.consents.consents
    ]
    assert body["disclaimer"] == content.disclaimer.text


def test_each_form_requires_only_its_own_consents(api):
    body = api.get("/pijntest").json()
    asked = {form: [c for c in body["consents"] if c["form"] == form] for form in ("pijntest", "intake")}
    assert [c["purpose"] for c in asked["pijntest"]] == ["health_data", "marketing"]
    assert [c["purpose"] for c in asked["pijntest"] if c["required"]] == ["health_data"]
    assert [(c["purpose"], c["required"]) for c in asked["intake"]] == [("contact", True)]
    assert len({c["purpose"] for c in body["consents"]}) == len(body["consents"]) == 3


def test_get_pijntest_serves_the_urgent_advice_and_which_question_calls_for_113(api, questionnaire):
    """What the form shows the moment an urgent question is answered yes, before anything is sent."""
    body = api.get("/pijntest").json()
    assert body["urgent_advice"] == questionnaire.result.triage.urgent.model_dump()
    crisis = {question["id"]: question["crisis_line"] for question in body["questions"]}
    assert {question_id for question_id, flagged in crisis.items() if flagged} == {"red_not_wanting_to_live"}
    safety = {question.id for question in questionnaire.safety.questions}
    assert {question_id for question_id, flagged in crisis.items() if flagged is None} == set(crisis) - safety


def test_an_unknown_route_is_a_404_json(api):
    response = api.get("/nothing-here")
    assert response.status == 404
    assert response.json() == {"message": "Not Found"}


@pytest.mark.parametrize("path", ["/pijntest", "/intake"])
def test_the_form_is_told_how_soon_it_may_be_sent_and_the_api_holds_to_it(api, table_items, questionnaire, path):
    """The too-fast threshold has one source: the form waits what GET /pijntest says, the API screens by it."""
    seconds = api.get("/pijntest").json()["min_fill_seconds"]
    assert seconds == int(os.environ["MIN_FILL_SECONDS"]) > 0

    def opened(ms_ago: int) -> dict:
        body = submission(questionnaire) if path == "/pijntest" else intake_request()
        return changed(body, "started_at", int(time.time() * 1000) - ms_ago)

    assert api.post(path, json_body=opened(seconds * 1000 - 700)).status in (201, 202)
    assert table_items() == [], "sent sooner: taken for a bot's, nothing stored"
    assert api.post(path, json_body=opened(seconds * 1000 + 500)).status in (201, 202)
    assert table_items() != [], "sent after waiting it out: stored"
