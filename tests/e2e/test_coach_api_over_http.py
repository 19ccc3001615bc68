"""The coach's dashboard API over HTTP on the local stack, with real tokens of the local pool (the JWT checks as
API Gateway's): a visitor takes the test and asks for an intake, the coach finds the lead, opens it, marks the
intake handled, exports CSV, erases the person and finds each action in the access log; an assistant cannot."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.support.local_stack import RunningStack, local_stack
from tests.support.payloads import changed, for_stack, intake_request, submission


@pytest.fixture(scope="module")
def stack() -> Iterator[RunningStack]:
    with local_stack() as running:
        yield running
        assert running.stop() == 0


def _token(stack: RunningStack, group: str) -> str:
    response = requests.post(f"{stack.url}/_dev/coach-session", json={"group": group}, timeout=10)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _as(stack: RunningStack, token: str, method: str, path: str, body: Any = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return requests.request(method, f"{stack.url}{path}", json=body, headers=headers, timeout=30)


def test_the_coach_s_whole_round_each_step_in_the_access_log(stack: RunningStack, questionnaire: Any) -> None:
    email = f"visitor-{uuid.uuid4().hex[:8]}@example.nl"
    test = for_stack(changed(submission(questionnaire), "contact.email", email), stack.url)
    assert requests.post(f"{stack.url}/pijntest", json=test, timeout=30).status_code == 201
    intake = for_stack(intake_request(email=email), stack.url)
    assert requests.post(f"{stack.url}/intake", json=intake, timeout=30).status_code == 202
    coach, assistant = _token(stack, "coach"), _token(stack, "assistant")

    found = _as(stack, coach, "GET", f"/coach/api/leads?email={email}")
    assert found.status_code == 200, found.text
    (row,) = found.json()["items"]
    lead_id = row["lead_id"]
    assert (row["intake"], row["submissions"]) == ("open", 1)
    assert lead_id in [item["lead_id"] for item in _as(stack, coach, "GET", "/coach/api/leads").json()["items"]]

    person = _as(stack, coach, "GET", f"/coach/api/leads/{lead_id}").json()
    assert person["results"][0]["answers"] == test["answers"]
    assert person["results"][0]["themes"]
    seen_by_assistant = _as(stack, assistant, "GET", f"/coach/api/leads/{lead_id}").json()
    assert seen_by_assistant["results"][0]["answers"] is None
    for method, path, body in [
        ("GET", f"/coach/api/leads/{lead_id}/export", None),
        ("POST", f"/coach/api/leads/{lead_id}/erase", {"confirm": True}),
        ("GET", "/coach/api/export/leads.csv", None),
        ("GET", "/coach/api/audit", None),
    ]:
        assert _as(stack, assistant, method, path, body).status_code == 403, path

    open_intakes = _as(stack, assistant, "GET", "/coach/api/intakes").json()["items"]
    assert intake["request_id"] in [item["request_id"] for item in open_intakes]
    handled = _as(stack, coach, "POST", f"/coach/api/intakes/{intake['request_id']}/handled", {})
    assert handled.status_code == 200, handled.text

    csv = _as(stack, coach, "GET", "/coach/api/export/leads.csv")
    assert csv.status_code == 200, csv.text
    assert csv.content.startswith("\ufeff".encode())
    assert lead_id in csv.content.decode("utf-8-sig")

    erased = _as(stack, coach, "POST", f"/coach/api/leads/{lead_id}/erase", {"confirm": True})
    assert erased.status_code == 200, erased.text
    assert _as(stack, coach, "GET", f"/coach/api/leads/{lead_id}").status_code == 404

    about = _as(stack, coach, "GET", f"/coach/api/audit?lead_id={lead_id}").json()["items"]
    assert [(e["action"], e["username"]) for e in about] == [
        ("erase", "coach"),
        ("handled", "coach"),
        ("view", "assistent"),
        ("view", "coach"),
        ("lookup", "coach"),
    ]
    everything = _as(stack, coach, "GET", "/coach/api/audit?limit=100").json()["items"]
    assert "export_leads_csv" in [entry["action"] for entry in everything]
    assert all(email not in str(entry) for entry in everything)


def test_no_token_is_the_authorizer_s_401_on_every_dashboard_route(stack: RunningStack) -> None:
    for path in ("/coach/api/leads", "/coach/api/intakes", "/coach/api/audit", "/coach/api/export/leads.csv"):
        response = requests.get(f"{stack.url}{path}", timeout=10)
        assert (response.status_code, response.json()) == (401, {"message": "Unauthorized"}), path
