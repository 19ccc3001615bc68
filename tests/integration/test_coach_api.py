"""The coach's dashboard API (CoachApiFunction) on moto through the gateway adapter: what each group may see and
do, cursor paging over the month index, the CSV format, and an access-log item for every action."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from pijnreset.logic.identity import lead_id_for

from tests.support.aws import scan_all
from tests.support.coach import CoachApi
from tests.support.payloads import changed, intake_request, submission

EMAIL = "Anna.de.Vries@Example.nl"
LEAD = lead_id_for(EMAIL)


@pytest.fixture
def coach_api(stack):
    return CoachApi(stack)


@pytest.fixture
def lead(api, questionnaire):
    """Anna took a test (from the newsletter) and asked for an intake."""
    assert api.post("/pijntest", json_body=submission(questionnaire)).status == 201
    response = api.post("/intake", json_body=intake_request())
    assert response.status == 202
    return response.json()["request_id"]


def access_log():
    items = [item for item in scan_all(os.environ["TABLE_NAME"]) if item["pk"].startswith("ACCESS#")]
    return sorted(items, key=lambda item: item["at"])


def test_the_coach_finds_the_lead_newest_first_with_its_flags(coach_api, lead):
    response = coach_api.as_user("coach", "GET", "/coach/api/leads")
    assert response.status == 200, response.text
    (row,) = response.json()["items"]
    assert response.json()["cursor"] is None
    assert row["lead_id"] == LEAD
    assert (row["name"], row["name_verified"], row["source"], row["intake"]) == (
        "Anna de Vries",
        False,
        "nieuwsbrief",
        "open",
    )
    assert access_log() == []  # a list is no view of a person


def test_the_coach_opens_a_person_with_answers_and_it_is_logged(coach_api, lead):
    response = coach_api.as_user("coach", "GET", f"/coach/api/leads/{LEAD}")
    assert response.status == 200, response.text
    body = response.json()
    assert body["answers_included"] is True
    assert body["results"][0]["answers"]
    assert body["intakes"][0]["request_id"] == lead
    (entry,) = access_log()
    assert (entry["action"], entry["lead_id"], entry["username"], entry["sub"]) == ("view", LEAD, "coach", "sub-coach")
    assert EMAIL.lower() not in str(entry).lower()
    assert "Anna" not in str(entry)


def test_an_assistant_sees_no_answers_and_may_not_export_or_erase(coach_api, lead):
    body = coach_api.as_user("assistent", "GET", f"/coach/api/leads/{LEAD}").json()
    assert body["answers_included"] is False
    assert all(result["answers"] is None for result in body["results"])
    assert all(
        driver["answer"] is None and driver["value"] is None
        for result in body["results"]
        for theme in result["themes"]
        for driver in theme["drivers"]
    )
    for method, path, json_body in [
        ("GET", f"/coach/api/leads/{LEAD}/export", None),
        ("POST", f"/coach/api/leads/{LEAD}/erase", {"confirm": True}),
        ("GET", "/coach/api/export/leads.csv", None),
        ("GET", "/coach/api/export/intakes.csv", None),
        ("GET", "/coach/api/audit", None),
    ]:
        response = coach_api.as_user("assistent", method, path, json_body=json_body)
        assert (response.status, response.json()["error"]) == (403, "forbidden"), path
    assert [entry["action"] for entry in access_log()] == ["view"]


def test_a_note_is_its_own_item_written_with_its_log_in_one_transaction(coach_api, lead, aws_calls):
    aws_calls.clear()
    response = coach_api.as_user("assistent", "POST", f"/coach/api/leads/{LEAD}/notes", json_body={"text": "Gebeld"})
    assert response.status == 201, response.text
    note = response.json()
    assert (note["text"], note["author"]) == ("Gebeld", "assistent")
    assert aws_calls.of("dynamodb") == ["TransactWriteItems"]
    (stored,) = [item for item in scan_all(os.environ["TABLE_NAME"]) if item.get("entity") == "note"]
    assert stored["pk"] == f"LEAD#{LEAD}"
    assert stored["sk"].startswith("NOTE#")
    note_days = (stored["expires_at"] - datetime.now(UTC).timestamp()) / 86400
    assert 364 < note_days <= 365  # NoteRetentionDays
    (entry,) = access_log()
    assert (entry["action"], entry["detail"]) == ("note", {"note_id": note["note_id"]})
    assert "Gebeld" not in str(entry)
    detail = coach_api.as_user("coach", "GET", f"/coach/api/leads/{LEAD}").json()
    assert [n["text"] for n in detail["notes"]] == ["Gebeld"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"text": ""}, "text"), ({"text": "x" * 2001}, "text"), ({"text": "a\x00b"}, "text"), ({}, "text")],
)
def test_a_bad_note_is_a_422_naming_text(coach_api, lead, body, field):
    response = coach_api.as_user("coach", "POST", f"/coach/api/leads/{LEAD}/notes", json_body=body)
    response.assert_invalid({field})
    assert access_log() == []


def test_a_note_about_nobody_is_a_404(coach_api):
    response = coach_api.as_user("coach", "POST", f"/coach/api/leads/{'0' * 32}/notes", json_body={"text": "x"})
    assert response.status == 404
    assert access_log() == []


def test_marking_an_intake_handled_changes_it_and_logs_it_in_one_transaction(coach_api, lead, aws_calls):
    assert [i["request_id"] for i in coach_api.as_user("assistent", "GET", "/coach/api/intakes").json()["items"]] == [
        lead
    ]
    aws_calls.clear()
    response = coach_api.as_user("assistent", "POST", f"/coach/api/intakes/{lead}/handled", json_body={})
    assert response.status == 200, response.text
    assert aws_calls.of("dynamodb").count("TransactWriteItems") == 1
    assert coach_api.as_user("coach", "GET", "/coach/api/intakes").json()["items"] == []
    handled = coach_api.as_user("coach", "GET", "/coach/api/intakes?state=handled").json()["items"]
    assert [(i["request_id"], i["status"]) for i in handled] == [(lead, "handled")]
    again = coach_api.as_user("coach", "POST", f"/coach/api/intakes/{lead}/handled", json_body={})
    assert again.status == 404
    (entry,) = access_log()
    assert (entry["action"], entry["lead_id"], entry["detail"]) == ("handled", LEAD, {"intake_id": lead, "genuine": 1})


def test_the_coach_erases_a_person_through_the_one_erasure_path_and_the_log_stays(coach_api, lead, table_items):
    response = coach_api.as_user("coach", "POST", f"/coach/api/leads/{LEAD}/erase", json_body={"confirm": True})
    assert response.status == 200, response.text
    assert response.json()["deleted"] > 0
    left = [item for item in table_items() if item.get("entity") not in {"used_challenge", "access"}]
    assert [item["entity"] for item in left] == ["erasure"]  # the marker: a hash and a time
    (entry,) = access_log()
    assert (entry["action"], entry["lead_id"]) == ("erase", LEAD)
    assert coach_api.as_user("coach", "GET", f"/coach/api/leads/{LEAD}").status == 404
    unconfirmed = coach_api.as_user("coach", "POST", f"/coach/api/leads/{LEAD}/erase", json_body={"confirm": False})
    unconfirmed.assert_invalid({"confirm"})


def test_the_export_holds_every_item_and_the_log_about_the_person(coach_api, lead):
    coach_api.as_user("coach", "GET", f"/coach/api/leads/{LEAD}")
    response = coach_api.as_user("coach", "GET", f"/coach/api/leads/{LEAD}/export")
    assert response.status == 200, response.text
    body = response.json()
    assert {item["entity"] for item in body["items"]} >= {"lead", "submission", "intake", "consent"}
    assert [entry["action"] for entry in body["access_log"]] == ["export_person", "view"]


def test_the_leads_csv_is_semicolon_separated_with_a_bom_and_answers_only_on_request(coach_api, lead, questionnaire):
    response = coach_api.as_user("coach", "GET", "/coach/api/export/leads.csv")
    assert response.status == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.body.startswith("\ufeff".encode())
    header, row, end = response.body.decode("utf-8-sig").split("\r\n")
    assert header.split(";")[:4] == ["lead_id", "created_at", "name", "email"]
    assert not any(column.startswith("answer:") for column in header.split(";"))
    assert row.split(";")[0] == LEAD
    assert end == ""
    with_answers = coach_api.as_user("coach", "GET", "/coach/api/export/leads.csv?answers=1").body.decode("utf-8-sig")
    assert any(column.startswith("answer:") for column in with_answers.split("\r\n")[0].split(";"))
    assert [(e["action"], e["detail"].get("answers")) for e in access_log()] == [
        ("export_leads_csv", 0),
        ("export_leads_csv", 1),
    ]
    assert all("lead_id" not in entry for entry in access_log())


def test_the_intakes_csv_and_a_visitor_s_formula_stays_text(coach_api, api, questionnaire):
    assert api.post("/intake", json_body=changed(intake_request(), "message", "=HYPERLINK(1)")).status == 202
    text = coach_api.as_user("coach", "GET", "/coach/api/export/intakes.csv").body.decode("utf-8-sig")
    header, row, _ = text.split("\r\n")
    assert header.split(";")[0] == "request_id"
    assert "message" not in header  # minimal columns
    assert row.count(";") == header.count(";")
    assert coach_api.as_user("coach", "GET", "/coach/api/export/intakes.csv?answers=1").status == 422
    assert [(entry["action"], entry["detail"]["rows"]) for entry in access_log()] == [("export_intakes_csv", 1)]


def test_a_large_export_comes_in_parts_each_a_whole_file(coach_api, api, questionnaire, monkeypatch):
    from pijnreset.api import dashboard

    monkeypatch.setattr(dashboard, "EXPORT_ROWS_PER_PART", 2)
    for n in range(3):
        assert (
            api.post("/pijntest", json_body=changed(submission(questionnaire), "contact.email", f"p{n}@x.nl")).status
            == 201
        )
    first = coach_api.as_user("coach", "GET", "/coach/api/export/leads.csv")
    cursor = first.headers["x-next-cursor"]
    second = coach_api.as_user("coach", "GET", f"/coach/api/export/leads.csv?cursor={cursor}")
    assert "x-next-cursor" not in second.headers
    rows = [part.body.decode("utf-8-sig").split("\r\n")[1:-1] for part in (first, second)]
    assert [len(part) for part in rows] == [2, 1]
    assert [row.split(";")[3] for part in rows for row in part] == ["p2@x.nl", "p1@x.nl", "p0@x.nl"]


def test_the_audit_lists_every_action_newest_first_and_by_person(coach_api, lead):
    coach_api.as_user("coach", "GET", f"/coach/api/leads/{LEAD}")
    coach_api.as_user("coach", "POST", f"/coach/api/leads/{LEAD}/notes", json_body={"text": "x"})
    coach_api.as_user("coach", "GET", "/coach/api/export/leads.csv")
    everything = coach_api.as_user("coach", "GET", "/coach/api/audit").json()
    assert [entry["action"] for entry in everything["items"]] == ["export_leads_csv", "note", "view"]
    mine = coach_api.as_user("coach", "GET", f"/coach/api/audit?lead_id={LEAD}&limit=1").json()
    assert [entry["action"] for entry in mine["items"]] == ["note"]
    rest = coach_api.as_user("coach", "GET", f"/coach/api/audit?lead_id={LEAD}&limit=1&cursor={mine['cursor']}")
    assert [entry["action"] for entry in rest.json()["items"]] == ["view"]


def test_paging_by_cursor_finds_every_lead_once_newest_first(coach_api, api, questionnaire, aws_calls):
    emails = [f"persoon{n}@example.nl" for n in range(5)]
    for email in emails:
        body = changed(submission(questionnaire), "contact.email", email)
        assert api.post("/pijntest", json_body=body).status == 201
    seen, cursor = [], None
    aws_calls.clear()
    while True:
        response = coach_api.as_user(
            "coach", "GET", "/coach/api/leads?limit=2" + (f"&cursor={cursor}" if cursor else "")
        )
        assert response.status == 200, response.text
        seen += [row["email"] for row in response.json()["items"]]
        cursor = response.json()["cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(emails))
    assert "Scan" not in aws_calls.of("dynamodb")


def test_filters_pick_the_leads(coach_api, api, questionnaire, lead):
    other = changed(changed(submission(questionnaire), "contact.email", "bram@example.nl"), "source.utm_source", "ads")
    assert api.post("/pijntest", json_body=other).status == 201

    def emails(query):
        response = coach_api.as_user("coach", "GET", f"/coach/api/leads?{query}")
        assert response.status == 200, response.text
        return [row["email"] for row in response.json()["items"]]

    assert emails("source=ads") == ["bram@example.nl"]
    assert emails("intake=open") == [EMAIL.lower()]
    assert emails("intake=none") == ["bram@example.nl"]
    assert emails("triage=urgent") == []
    assert emails("optin=none") == ["bram@example.nl", EMAIL.lower()]
    assert emails("email=ANNA.de.vries@example.nl") == [EMAIL.lower()]
    assert [entry["action"] for entry in access_log()] == ["lookup"]
    assert emails("from=2000-01-01&to=2000-01-31") == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("triage=maybe", "triage"),
        ("from=gisteren", "from"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("email=geen-adres", "email"),
        ("from=2026-12-02&to=2026-01-01", "from"),
        ("from=1900-01-01", "from"),
    ],
)
def test_bad_parameters_are_a_422_naming_them(coach_api, query, field):
    response = coach_api.as_user("coach", "GET", f"/coach/api/leads?{query}")
    assert response.status == 422, response.text
    assert any(problem["field"].endswith(field) for problem in response.json()["fields"]), response.text


@pytest.mark.parametrize("cursor", ["x", "eyJ2IjoxfQ", "A" * 300])
def test_a_forged_cursor_is_a_400_naming_cursor(coach_api, cursor):
    for path in ("/coach/api/leads", "/coach/api/intakes", "/coach/api/audit", "/coach/api/export/leads.csv"):
        response = coach_api.as_user("coach", "GET", f"{path}?cursor={cursor}")
        assert response.status == 400, (path, response.text)
        assert [problem["field"] for problem in response.json()["fields"]] == ["cursor"]


def test_a_cursor_of_other_filters_is_a_400(coach_api, api, questionnaire):
    for n in range(2):
        assert (
            api.post("/pijntest", json_body=changed(submission(questionnaire), "contact.email", f"p{n}@x.nl")).status
            == 201
        )
    cursor = coach_api.as_user("coach", "GET", "/coach/api/leads?limit=1").json()["cursor"]
    assert coach_api.as_user("coach", "GET", f"/coach/api/leads?limit=1&cursor={cursor}").status == 200
    assert coach_api.as_user("coach", "GET", f"/coach/api/leads?triage=none&cursor={cursor}").status == 400


def test_no_group_is_a_403_and_no_token_a_401(coach_api, lead):
    assert coach_api.as_user("nobody", "GET", "/coach/api/leads").status == 403
    assert coach_api.get("/coach/api/leads").status == 401
    assert access_log() == []
