"""Bad input: a clear 4xx JSON error naming the field, nothing written, never a 5xx (intake fields: see
test_intake_bad_input.py)."""

from __future__ import annotations

import json

import pytest

from tests.support.payloads import bad_contact_cases, changed, intake_request, submission


@pytest.fixture
def stack(stack_per_module):
    """Nothing here may write, so the tests share one stack (a test that wrote fails, and so do the rest)."""
    return stack_per_module


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
        *bad_contact_cases(),
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
    api.post("/pijntest", json_body=change(submission(questionnaire))).assert_invalid(fields)
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


@pytest.mark.parametrize("name", ["Bezoek www.pijnreset-herstel.example/login", "=?utf-8?b?QW5uYQ0KWC1JOiAx?="])
@pytest.mark.parametrize(
    ("path", "body"), [("/pijntest", submission), ("/intake", lambda q: intake_request())], ids=["pijntest", "intake"]
)
def test_a_name_that_is_not_a_name_is_a_422_in_dutch(api, table_items, questionnaire, path, body, name):
    response = api.post(path, json_body=changed(body(questionnaire), "contact.name", name))
    response.assert_invalid({"contact.name"})
    (problem,) = response.json()["fields"]
    assert (problem["type"], problem["message"]) == (
        "name_invalid",
        "Vul je naam in met alleen letters, spaties en de tekens ' - . (geen cijfers, @, links of aanhalingstekens).",
    )
    assert table_items() == []


# What the API refuses before it reads any field, the same for every form it takes.
FORMS = pytest.mark.parametrize(
    ("path", "valid_body"),
    [("/pijntest", lambda q: submission(q)), ("/intake", lambda q: intake_request())],
    ids=["pijntest", "intake"],
)


@FORMS
def test_a_body_that_is_not_json_is_a_400(api, table_items, path, valid_body):
    response = api.post(path, body=b'{"submission_id": ', headers={"content-type": "application/json"})
    assert response.status == 400
    assert response.json()["error"] == "invalid_json"
    assert response.error_fields == {"body"}
    assert table_items() == []


@pytest.mark.parametrize("path", ["/pijntest", "/intake", "/privacy/erase"])
@pytest.mark.parametrize("body", [b"\xa5", b'{"email": "\xba\xd5"}', b"*\xba6"])
def test_a_body_that_is_not_utf8_is_a_400_not_a_500(api, table_items, path, body):
    """Found by the fuzzer: API Gateway passes such bytes base64-encoded, and Powertools failed decoding them."""
    response = api.post(path, body=body, headers={"content-type": "application/json"})
    assert response.status == 400
    assert response.json()["error"] == "invalid_json"
    assert table_items() == []


@FORMS
def test_an_empty_body_is_refused_without_a_5xx(api, table_items, path, valid_body):
    response = api.post(path, body=b"", headers={"content-type": "application/json"})
    assert 400 <= response.status < 500
    assert table_items() == []


@FORMS
def test_a_json_body_that_is_not_an_object_is_a_422(api, table_items, path, valid_body):
    response = api.post(path, json_body=[1, 2])
    assert response.status == 422
    assert table_items() == []


@FORMS
def test_a_body_over_16_kib_is_a_413(api, table_items, questionnaire, path, valid_body):
    body = changed(valid_body(questionnaire), "padding", "x" * 17000)
    assert len(json.dumps(body)) > 16 * 1024
    response = api.post(path, json_body=body)
    assert response.status == 413
    assert response.json()["error"] == "payload_too_large"
    assert table_items() == []


@FORMS
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""])
def test_a_wrong_content_type_is_a_415(api, table_items, questionnaire, content_type, path, valid_body):
    payload = json.dumps(valid_body(questionnaire)).encode()
    headers = {"content-type": content_type} if content_type else {}
    response = api.post(path, body=payload, headers=headers)
    assert response.status == 415
    assert response.error_fields == {"content-type"}
    assert table_items() == []
