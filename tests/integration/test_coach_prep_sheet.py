"""The coach's intake-prep sheet (ReportFunction's GET /coach/api/leads/{lead_id}/prep.pdf) on moto through the
gateway adapter: the coach gets the PDF and an access-log item ``pdf``; an assistant 403, an unknown lead 404,
both JSON in the error contract and neither logged; no log written, no sheet (a JSON 503)."""

from __future__ import annotations

import io
import os

import pytest
from pijnreset.logic.identity import lead_id_for
from pypdf import PdfReader

from tests.support.aws import scan_all
from tests.support.coach import CoachApi
from tests.support.faults import aws_failing
from tests.support.payloads import intake_request, submission

EMAIL = "Anna.de.Vries@Example.nl"
LEAD = lead_id_for(EMAIL)


@pytest.fixture
def coach_api(stack):
    return CoachApi(stack)


@pytest.fixture
def lead(api, questionnaire):
    """Anna took a test and asked for an intake."""
    assert api.post("/pijntest", json_body=submission(questionnaire)).status == 201
    assert api.post("/intake", json_body=intake_request()).status == 202


def access_log():
    return [item for item in scan_all(os.environ["TABLE_NAME"]) if item["pk"].startswith("ACCESS#")]


def test_the_coach_gets_the_sheet_and_it_is_logged(coach_api, lead):
    response = coach_api.as_user("coach", "GET", f"/coach/api/leads/{LEAD}/prep.pdf")
    assert response.status == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.body)).pages)
    assert "Anna de Vries" in text
    assert EMAIL.lower() in text.lower()
    (entry,) = access_log()
    assert (entry["action"], entry["lead_id"], entry["username"]) == ("pdf", LEAD, "coach")
    assert "Anna" not in str(entry)


def test_an_assistant_gets_403_and_an_unknown_lead_404_in_the_error_contract(coach_api, lead):
    refused = coach_api.as_user("assistent", "GET", f"/coach/api/leads/{LEAD}/prep.pdf")
    assert (refused.status, refused.json()["error"]) == (403, "forbidden")
    for unknown in ["0" * 32, "not-a-lead-id"]:
        missing = coach_api.as_user("coach", "GET", f"/coach/api/leads/{unknown}/prep.pdf")
        assert (missing.status, missing.json()["error"]) == (404, "not_found")
        assert missing.json()["message"]
    assert coach_api.request("GET", f"/coach/api/leads/{LEAD}/prep.pdf").status == 401
    assert access_log() == []


def test_when_the_access_log_cannot_be_written_no_sheet_leaves(coach_api, lead):
    with aws_failing("PutItem", "ThrottlingException", times=1):
        response = coach_api.as_user("coach", "GET", f"/coach/api/leads/{LEAD}/prep.pdf")
    assert (response.status, response.json()["error"]) == (503, "service_unavailable")
    assert response.headers["retry-after"].isdigit()
    assert access_log() == []
