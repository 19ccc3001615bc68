"""Bad input: a clear 4xx JSON error naming the field, nothing written, never a 5xx."""

from __future__ import annotations

import json

import pytest

from tests.support.payloads import changed, submission

LONG_NAME = "A" * 101


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        (lambda b: changed(b, "answers.stress_overload", ...), {"answers.stress_overload"}),
        (lambda b: changed(b, "answers.shoe_size", 44), {"answers.shoe_size"}),
        (lambda b: changed(b, "answers.stress_overload", 4), {"answers.stress_overload"}),
        (lambda b: changed(b, "answers.pain_last_week", -1), {"answers.pain_last_week"}),
        (lambda b: changed(b, "answers.red_fever_ill", "maybe"), {"answers.red_fever_ill"}),
        (lambda b: changed(b, "answers.stress_overload", "2"), {"answers.stress_overload"}),
        (lambda b: changed(b, "answers.stress_overload", 2.5), {"answers.stress_overload"}),
        (lambda b: changed(b, "answers.stress_overload", True), {"answers.stress_overload"}),
        (lambda b: changed(b, "answers", [1, 2, 3]), {"answers"}),
        (lambda b: changed(b, "contact", ...), {"contact"}),
        (lambda b: changed(b, "contact.email", ...), {"contact.email"}),
        (lambda b: changed(b, "contact.email", "anna@"), {"contact.email"}),
        (lambda b: changed(b, "contact.email", "not an address"), {"contact.email"}),
        (lambda b: changed(b, "contact.name", LONG_NAME), {"contact.name"}),
        (lambda b: changed(b, "contact.name", ""), {"contact.name"}),
        (lambda b: changed(b, "contact.name", 42), {"contact.name"}),
        (lambda b: changed(b, "contact.name", "Anna\r\nBcc: all@example.nl"), {"contact.name"}),
        (lambda b: changed(b, "contact.name", "Anna\nde Vries"), {"contact.name"}),
        (lambda b: changed(b, "contact.name", "Anna\x00"), {"contact.name"}),
        (lambda b: changed(b, "contact.name", "Anna \u202eseirV ed"), {"contact.name"}),
        (lambda b: changed(b, "consent.health_data", False), {"consent.health_data"}),
        (lambda b: changed(b, "consent.health_data", "yes"), {"consent.health_data"}),
        (lambda b: changed(b, "consent", ...), {"consent"}),
        (lambda b: changed(b, "consent.version", "consent-v0"), {"consent.version"}),
        (lambda b: changed(b, "submission_id", "not-a-uuid"), {"submission_id"}),
        (lambda b: changed(b, "submission_id", ...), {"submission_id"}),
        (lambda b: changed(b, "started_at", "yesterday"), {"started_at"}),
        (lambda b: changed(b, "source.utm_source", "x" * 201), {"source.utm_source"}),
        (lambda b: changed(b, "unexpected", 1), {"unexpected"}),
    ],
)
def test_invalid_fields_are_a_422_naming_them_and_nothing_is_written(api, table_items, questionnaire, change, fields):
    response = api.post("/pijntest", json_body=change(submission(questionnaire)))
    assert response.status == 422, response.body
    body = response.json()
    assert body["error"] == "validation_failed"
    assert fields <= response.error_fields, body
    assert all(problem["message"] for problem in body["fields"])
    assert table_items() == []


def test_several_invalid_fields_are_named_together(api, questionnaire):
    body = changed(changed(submission(questionnaire), "contact.email", "x"), "consent.health_data", False)
    response = api.post("/pijntest", json_body=body)
    assert response.status == 422
    assert {"contact.email", "consent.health_data"} <= response.error_fields


def test_messages_are_dutch_and_specific_to_the_field(api, questionnaire):
    response = api.post("/pijntest", json_body=changed(submission(questionnaire), "contact.email", "anna@"))
    (problem,) = response.json()["fields"]
    assert problem["message"].startswith("Vul een geldig e-mailadres in")


def test_a_body_that_is_not_json_is_a_400(api, table_items):
    response = api.post("/pijntest", body=b'{"submission_id": ', headers={"content-type": "application/json"})
    assert response.status == 400
    assert response.json()["error"] == "invalid_json"
    assert response.error_fields == {"body"}
    assert table_items() == []


def test_an_empty_body_is_refused_without_a_5xx(api, table_items):
    response = api.post("/pijntest", body=b"", headers={"content-type": "application/json"})
    assert 400 <= response.status < 500
    assert table_items() == []


def test_a_json_body_that_is_not_an_object_is_a_422(api, table_items):
    response = api.post("/pijntest", json_body=[1, 2])
    assert response.status == 422
    assert table_items() == []


def test_a_body_over_16_kib_is_a_413(api, table_items, questionnaire):
    body = changed(submission(questionnaire), "source.referrer", "x" * 17000)
    assert len(json.dumps(body)) > 16 * 1024
    response = api.post("/pijntest", json_body=body)
    assert response.status == 413
    assert response.json()["error"] == "payload_too_large"
    assert table_items() == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""])
def test_a_wrong_content_type_is_a_415(api, table_items, questionnaire, content_type):
    payload = json.dumps(submission(questionnaire)).encode()
    headers = {"content-type": content_type} if content_type else {}
    response = api.post("/pijntest", body=payload, headers=headers)
    assert response.status == 415
    assert response.error_fields == {"content-type"}
    assert table_items() == []


def test_json_with_a_charset_is_accepted(api, questionnaire):
    payload = json.dumps(submission(questionnaire)).encode()
    response = api.post("/pijntest", body=payload, headers={"content-type": "application/json; charset=utf-8"})
    assert response.status == 201
