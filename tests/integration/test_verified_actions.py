"""Only verified actions change a person: what anyone can type into a form with someone's address stays on that
submission or intake; the lead's name, urgent flag and follow-up stop change only from the confirm link or the
coach's CLI (docs/front-door.md)."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from pijnreset.cli import main
from pijnreset.logic.identity import lead_id_for

from infra.template import REGION
from tests.support.links import action_links
from tests.support.payloads import changed, erasure_request, intake_request, submission

EMAIL = "anna.de.vries@example.nl"
COACH = "coach@pijnresetcoach.nl"


def _items(table_items, entity):
    return [item for item in table_items() if item["entity"] == entity]


def _lead(table_items):
    (lead,) = _items(table_items, "lead")
    return lead


def _named(body, name):
    return changed(body, "contact.name", name)


def _cli(*args):
    out = io.StringIO()
    code = main([*args, "--table", os.environ["TABLE_NAME"]], out=out)
    return code, out.getvalue()


def _erase_email_greeting(api, pollers, outbox):
    assert api.post("/privacy/erase", json_body=erasure_request(EMAIL)).status == 202
    pollers.drain()
    erase = next(e for e in outbox() if e["subject"].startswith("Bevestig het verwijderen"))
    return _greeting(erase), erase["to"]


def _greeting(email):
    return next(line for line in email["text"].splitlines() if line.startswith("Hoi"))


def test_a_submission_keeps_its_name_and_the_lead_takes_none(api, pollers, outbox, questionnaire, table_items):
    api.post("/pijntest", json_body=_named(submission(questionnaire), "Anna de Vries"))
    api.post("/pijntest", json_body=_named(submission(questionnaire), "Bezoek Onze Site"))
    pollers.drain()
    lead = _lead(table_items)
    assert "name" not in lead
    assert "verified_name" not in lead
    assert sorted(s["name"] for s in _items(table_items, "submission")) == ["Anna de Vries", "Bezoek Onze Site"]
    results = [e for e in outbox() if e["subject"] == "Je uitslag van de Pijntest"]
    assert sorted(_greeting(e) for e in results) == ["Hoi Anna de Vries,", "Hoi Bezoek Onze Site,"]
    # A later email (here: the erasure link) greets by the verified name, and there is none.
    assert _erase_email_greeting(api, pollers, outbox) == ("Hoi,", EMAIL)


def test_after_the_confirm_link_later_emails_use_the_confirmed_name(api, pollers, outbox, questionnaire, table_items):
    mine = changed(_named(submission(questionnaire), "Anna de Vries"), "consent.marketing", True)
    api.post("/pijntest", json_body=mine)
    pollers.drain()
    (optin,) = [e for e in outbox() if e["subject"].startswith("Bevestig je aanmelding")]
    assert _greeting(optin) == "Hoi,", "no name before one is confirmed"
    assert api.post(action_links(optin)["/confirm"]).status == 200
    api.post("/pijntest", json_body=_named(submission(questionnaire), "Iemand Anders"))  # no opt-in: no link
    pollers.drain()
    assert _lead(table_items)["verified_name"] == "Anna de Vries"
    greeting, to = _erase_email_greeting(api, pollers, outbox)
    assert (greeting, to) == ("Hoi Anna de Vries,", f"Anna de Vries <{EMAIL}>")


def test_an_unverified_urgent_flag_stays_on_its_submission_and_is_marked_for_the_coach(
    api, pollers, outbox, questionnaire, table_items
):
    api.post("/pijntest", json_body=submission(questionnaire, safety_yes=("red_fever_ill",)))
    api.post("/pijntest", json_body=submission(questionnaire))
    lead = _lead(table_items)
    assert "urgent_flag_at" not in lead
    assert lead["unverified_urgent_at"] == max(
        s["created_at"] for s in _items(table_items, "submission") if s["triage"] == "urgent"
    )
    pollers.drain()
    api.post("/intake", json_body=intake_request())
    pollers.drain()
    coach = next(e for e in outbox() if e["to"] == COACH)
    assert "urgente rode vlag aangegeven (niet bevestigd: iemand anders kan dit adres hebben ingevuld)" in " ".join(
        coach["text"].split()
    )
    code, printed = _cli("intakes")
    assert code == 0
    assert "[URGENT, niet bevestigd]  Anna de Vries" in printed


def test_an_urgent_latest_test_that_nobody_confirmed_is_marked_in_its_red_box(api, pollers, outbox, questionnaire):
    api.post("/pijntest", json_body=submission(questionnaire, safety_yes=("red_fever_ill",)))
    pollers.drain()
    api.post("/intake", json_body=intake_request())
    pollers.drain()
    coach = next(e for e in outbox() if e["to"] == COACH)
    assert coach["subject"].startswith("URGENT")
    assert "Niet bevestigd: het e-mailadres van deze Pijntest is niet bevestigd" in " ".join(coach["text"].split())


def test_the_coachs_verify_adopts_the_name_and_the_urgent_flag(api, questionnaire, table_items, monkeypatch):
    api.post("/pijntest", json_body=_named(submission(questionnaire, safety_yes=("red_fever_ill",)), "Anna Bakker"))
    monkeypatch.setattr("sys.stdin", io.StringIO("nee\n"))
    before = _lead(table_items)
    assert _cli("verify", "--email", EMAIL)[0] == 1
    assert _lead(table_items) == before, "no 'ja', nothing changed"
    code, printed = _cli("verify", "--email", EMAIL, "--yes")
    assert code == 0
    assert "naam: Anna Bakker" in printed
    assert "urgente rode vlag" in printed
    lead = _lead(table_items)
    assert (lead["verified_name"], lead["urgent_flag_at"]) == ("Anna Bakker", lead["unverified_urgent_at"])
    assert "verified_at" in lead
    assert _cli("verify", "--email", EMAIL, "--name", "Anna", "--yes")[0] == 0
    assert _lead(table_items)["verified_name"] == "Anna"
    assert _cli("verify", "--email", EMAIL, "--name", "www.x.example/login", "--yes")[0] == 1
    assert _cli("verify", "--email", "nobody@example.nl", "--yes")[0] == 1


# --- an intake pauses the follow-ups while it is open; the coach's "done" decides -------------------------
@pytest.fixture
def following(api, pollers, outbox, questionnaire):
    """A person who confirmed the follow-ups."""
    api.post("/pijntest", json_body=changed(submission(questionnaire), "consent.marketing", True))
    pollers.drain()
    (optin,) = [e for e in outbox() if e["subject"].startswith("Bevestig je aanmelding")]
    assert api.post(action_links(optin)["/confirm"]).status == 200


def _followup_jobs(table_items, kind):
    return [j for j in _items(table_items, "email_job") if j["kind"] == kind]


def test_an_open_intake_pauses_the_follow_ups(api, following, pollers, run_schedule, table_items):
    body = intake_request()
    api.post("/intake", json_body=body)
    assert "intake_requested_at" not in _lead(table_items), "the request alone stops nothing for good"
    run_schedule(days=1.01)
    pollers.drain()
    (job,) = _followup_jobs(table_items, "followup_breathing")
    assert (job["status"], job["skip_reason"]) == ("skipped", "intake_open")


def test_a_fake_intake_marked_not_genuine_lets_the_follow_ups_go_on(
    api, following, pollers, outbox, run_schedule, table_items
):
    body = intake_request()
    api.post("/intake", json_body=body)
    code, printed = _cli("intakes", "done", body["request_id"][:8], "--not-genuine")
    assert code == 0
    assert "de opvolgmails gaan door" in printed
    lead = _lead(table_items)
    assert "open_intake_until" not in lead
    assert "intake_requested_at" not in lead
    run_schedule(days=1.01)
    pollers.drain()
    (job,) = _followup_jobs(table_items, "followup_breathing")
    assert job["status"] == "sent"


def test_a_genuine_intake_marked_done_stops_the_follow_ups_for_good(api, following, pollers, run_schedule, table_items):
    body = intake_request()
    api.post("/intake", json_body=body)
    assert _cli("intakes", "done", body["request_id"][:8])[0] == 0
    (intake,) = _items(table_items, "intake")
    assert _lead(table_items)["intake_requested_at"] == intake["created_at"]
    assert intake["genuine"] is True
    run_schedule(days=1.01)
    pollers.drain()
    (job,) = _followup_jobs(table_items, "followup_breathing")
    assert (job["status"], job["skip_reason"]) == ("skipped", "intake_requested")


def test_another_open_intake_of_the_person_keeps_them_paused(api, following, pollers, run_schedule, table_items):
    first, second = intake_request(), intake_request()
    api.post("/intake", json_body=first)
    api.post("/intake", json_body=second)
    assert _cli("intakes", "done", first["request_id"][:8], "--not-genuine")[0] == 0
    assert _lead(table_items)["open_intake_until"] > datetime.now(UTC).timestamp()
    run_schedule(days=1.01)
    pollers.drain()
    (job,) = _followup_jobs(table_items, "followup_breathing")
    assert job["skip_reason"] == "intake_open"


def test_an_intake_nobody_handles_pauses_them_only_until_it_expires(api, following, pollers, run_schedule, table_items):
    api.post("/intake", json_body=intake_request())
    past = int((datetime.now(UTC) - timedelta(minutes=1)).timestamp())
    boto3.client("dynamodb", region_name=REGION).update_item(
        TableName=os.environ["TABLE_NAME"],
        Key={"pk": {"S": f"LEAD#{lead_id_for(EMAIL)}"}, "sk": {"S": "PROFILE"}},
        UpdateExpression="SET open_intake_until = :past",
        ExpressionAttributeValues={":past": {"N": str(past)}},
    )
    run_schedule(days=1.01)
    pollers.drain()
    (job,) = _followup_jobs(table_items, "followup_breathing")
    assert job["status"] == "sent"
