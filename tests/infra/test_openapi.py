"""openapi.json is what the code generates, and it describes our error bodies as they are."""

from __future__ import annotations

import json

import pytest

from infra.openapi import SPEC_PATH, generate, render


@pytest.fixture(scope="module")
def spec():
    return generate()


def test_the_committed_spec_is_what_the_code_generates(spec):
    assert SPEC_PATH.read_text(encoding="utf-8") == render(spec), "openapi.json drifted: run `make openapi`"


def test_every_route_of_the_template_is_documented(spec):
    operations = {(method.upper(), path) for path, item in spec["paths"].items() for method in item}
    assert operations == {
        ("GET", "/pijntest"),
        ("GET", "/challenge"),
        ("POST", "/pijntest"),
        ("POST", "/pijntest/started"),
        ("POST", "/intake"),
        ("GET", "/booking/slots"),
        ("GET", "/booking/cancel"),
        ("POST", "/booking/cancel"),
        ("GET", "/confirm"),
        ("POST", "/confirm"),
        ("GET", "/unsubscribe"),
        ("POST", "/unsubscribe"),
        ("POST", "/privacy/erase"),
        ("GET", "/privacy/erase/confirm"),
        ("POST", "/privacy/erase/confirm"),
        ("POST", "/coach/session"),
        ("POST", "/coach/session/challenge"),
        ("POST", "/coach/session/refresh"),
        ("POST", "/coach/session/signout"),
        ("GET", "/coach/api/me"),
        ("GET", "/coach/api/leads"),
        ("GET", "/coach/api/leads/{lead_id}"),
        ("POST", "/coach/api/leads/{lead_id}/notes"),
        ("POST", "/coach/api/leads/{lead_id}/erase"),
        ("GET", "/coach/api/leads/{lead_id}/export"),
        ("GET", "/coach/api/intakes"),
        ("POST", "/coach/api/intakes/{intake_id}/handled"),
        ("GET", "/coach/api/export/leads.csv"),
        ("GET", "/coach/api/export/intakes.csv"),
        ("GET", "/coach/api/audit"),
        ("GET", "/coach"),
        ("GET", "/coach/assets/{name}"),
        ("GET", "/pijntest/rapport"),
        ("GET", "/pijntest/huisarts"),
        ("GET", "/coach/api/leads/{lead_id}/prep.pdf"),
        ("GET", "/coach/api/funnel"),
        ("GET", "/coach/api/funnel.csv"),
    }


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_every_json_error_is_our_error_response_never_powertools_default(spec):
    assert "HTTPValidationError" not in json.dumps(spec)
    for name, operation in _operations(spec):
        for status, response in operation["responses"].items():
            if int(status) >= 400 and "application/json" in response.get("content", {}):
                schema = response["content"]["application/json"]["schema"]
                # A coach route's 401 may be API Gateway's JWT authorizer's own body, before the function runs.
                authorizer = name.split(" ", 1)[1].startswith("/coach/api/") and status == "401"
                expected = "UnauthorizedResponse" if authorizer else "ErrorResponse"
                assert schema == {"$ref": f"#/components/schemas/{expected}"}, (name, status)


def test_the_error_response_schema_is_what_the_api_sends(spec):
    schemas = spec["components"]["schemas"]
    assert set(schemas["ErrorResponse"]["required"]) == {"error", "message"}
    assert set(schemas["FieldErrorOut"]["required"]) == {"field", "type", "message"}


@pytest.mark.parametrize(
    ("operation", "statuses"),
    [
        ("GET /pijntest", {"200"}),
        ("GET /challenge", {"200"}),
        # No 202 any more: a bot screened out gets the 201 a person gets.
        ("POST /pijntest", {"200", "201", "400", "409", "413", "415", "422", "429", "503"}),
        ("POST /intake", {"202", "400", "409", "413", "415", "422", "429", "503"}),
        ("POST /privacy/erase", {"202", "400", "413", "415", "422", "429", "503"}),
        ("GET /confirm", {"200", "400", "410", "503"}),
        ("POST /confirm", {"200", "400", "409", "410", "503"}),
        ("POST /unsubscribe", {"200", "400", "410", "503"}),
        ("POST /privacy/erase/confirm", {"200", "400", "410", "503"}),
    ],
)
def test_every_status_a_route_can_answer_is_documented(spec, operation, statuses):
    assert set(dict(_operations(spec))[operation]["responses"]) == statuses


def test_every_503_says_when_to_retry_and_pages_are_html(spec):
    for name, operation in _operations(spec):
        responses = operation["responses"]
        if "503" in responses:
            assert "Retry-After" in responses["503"]["headers"], name
        if any(p["name"] == "token" for p in operation.get("parameters", [])):
            pages = {status: r for status, r in responses.items() if "application/pdf" not in r["content"]}
            assert all("text/html" in response["content"] for response in pages.values()), name
            assert set(responses) - set(pages) <= {"200"}, name  # a PDF link's document; every refusal a page
