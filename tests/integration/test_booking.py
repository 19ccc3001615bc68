"""Booking the intake: GET /booking/slots, and POST /intake with a slot_start reserving it in the intake's one
write; one winner among concurrent bookings, triage first, and without a slot the intake works as before."""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import boto3
import icalendar
import pytest
from pijnreset.timestamps import iso

from infra.template import REGION
from tests.support.links import action_links
from tests.support.payloads import changed, erasure_request, intake_request, submission


def _slots(api) -> list[dict]:
    response = api.get("/booking/slots")
    assert response.status == 200
    return response.json()["slots"]


def _booking(slot: dict, **fields) -> dict:
    return intake_request() | {"slot_start": slot["start"], "preferred_contact": "video"} | fields


def _slot_items() -> list[dict]:
    client = boto3.client("dynamodb", region_name=REGION)
    found = []
    for pk in {f"BOOKING#{month}" for month in _months()}:
        response = client.query(
            TableName=os.environ["TABLE_NAME"],
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": pk}},
        )
        found += response["Items"]
    return found


def _months() -> list[str]:
    today = datetime.now().date()
    return sorted(
        {f"{today.year + (today.month + k - 1) // 12}-{(today.month + k - 1) % 12 + 1:02d}" for k in range(3)}
    )


def test_the_slots_are_in_the_coachs_time_zone_with_offsets(api):
    body = api.get("/booking/slots").json()
    assert body["time_zone"] == "Europe/Amsterdam"
    assert body["slots"], "the shipped availability offers slots in the coming weeks"
    first = body["slots"][0]
    start, end = datetime.fromisoformat(first["start"]), datetime.fromisoformat(first["end"])
    assert first["start"][-6:] in {"+01:00", "+02:00"}
    assert (end - start).total_seconds() == 30 * 60
    assert [s["start"] for s in body["slots"]] == sorted(s["start"] for s in body["slots"])


def test_a_booking_reserves_its_slot_in_the_intakes_one_write(api, aws_calls, table_items):
    slot = _slots(api)[0]
    aws_calls.clear()
    response = api.post("/intake", json_body=_booking(slot))
    assert response.status == 202, response.text
    # The triage read and the one write.
    assert aws_calls.of("dynamodb") == ["GetItem", "TransactWriteItems"]
    (item,) = _slot_items()
    assert datetime.fromisoformat(item["slot_start"]["S"].replace("Z", "+00:00")) == datetime.fromisoformat(
        slot["start"]
    )
    assert not {"email", "name", "phone"} & set(item), "the slot item holds no PII"
    (intake,) = [i for i in table_items() if i["entity"] == "intake"]
    assert (intake["booking_status"], intake["gp_acknowledged"]) == ("booked", False)
    assert intake["slot_start"] == item["slot_start"]["S"]
    assert slot["start"] not in [s["start"] for s in _slots(api)], "a booked slot is no longer offered"


def test_twenty_concurrent_bookings_of_one_slot_one_wins_nineteen_get_a_dutch_409(api):
    slot = _slots(api)[1]
    bodies = [
        _booking(slot) | {"contact": {"name": "Anna de Vries", "email": f"anna{n}@example.nl"}} for n in range(20)
    ]
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(lambda body: api.post("/intake", json_body=body), bodies))
    statuses = sorted(response.status for response in responses)
    assert statuses == [202] + [409] * 19
    refused = next(response for response in responses if response.status == 409).json()
    assert refused["error"] == "slot_taken"
    assert "geboekt" in refused["message"]
    assert [(f["field"], f["type"]) for f in refused["fields"]] == [("slot_start", "slot_taken")]
    assert len(_slot_items()) == 1


def test_a_replay_of_the_winning_booking_is_its_replay_not_a_409(api):
    body = _booking(_slots(api)[0])
    first = api.post("/intake", json_body=body)
    assert first.status == 202
    again = api.post("/intake", json_body=body)
    assert (again.status, again.json()) == (202, first.json())


@pytest.mark.parametrize(
    "start",
    ["2020-01-06T09:00:00+01:00", "2026-01-01T09:07:00+01:00", "not a time", "2030-01-07T09:00:00"],
)
def test_a_start_that_is_not_offered_is_a_422_naming_slot_start(api, start, table_items):
    response = api.post("/intake", json_body=intake_request() | {"slot_start": start})
    assert response.status == 422, response.text
    assert response.error_fields == {"slot_start"}
    assert table_items() == []


def test_without_a_slot_the_intake_is_the_call_back_it_always_was(api, table_items):
    assert api.post("/intake", json_body=intake_request()).status == 202
    (intake,) = [i for i in table_items() if i["entity"] == "intake"]
    assert "slot_start" not in intake
    assert _slot_items() == []


def test_an_urgent_result_refuses_booking(api, questionnaire, table_items):
    urgent = submission(questionnaire, item_value=3, safety_yes=("red_saddle_numbness",))
    assert api.post("/pijntest", json_body=urgent).status == 201
    response = api.post("/intake", json_body=_booking(_slots(api)[0], gp_acknowledged=True))
    assert response.status == 422
    assert response.json()["error"] == "booking_refused"
    assert response.error_fields == {"slot_start"}
    assert _slot_items() == []
    assert api.post("/intake", json_body=intake_request()).status == 202, "a call back stays possible"


def test_after_see_your_gp_booking_needs_the_gp_acknowledgement(api, questionnaire, table_items):
    see_gp = submission(questionnaire, item_value=2, safety_yes=("gp_weight_loss",))
    assert api.post("/pijntest", json_body=see_gp).status == 201
    slot = _slots(api)[0]
    refused = api.post("/intake", json_body=_booking(slot))
    assert refused.status == 422
    assert refused.error_fields == {"gp_acknowledged"}
    assert api.post("/intake", json_body=_booking(slot, gp_acknowledged=True)).status == 202
    (intake,) = [i for i in table_items() if i["entity"] == "intake"]
    assert intake["gp_acknowledged"] is True


def test_gp_acknowledged_must_be_a_boolean(api):
    response = api.post("/intake", json_body=changed(intake_request(), "gp_acknowledged", "ja"))
    assert response.status == 422
    assert response.error_fields == {"gp_acknowledged"}


def test_without_availability_no_slots_are_offered_and_none_can_be_booked(api, monkeypatch, table_items):
    """BookingAvailabilityVersion empty: the handler loads no availability."""
    slot = _slots(api)[0]
    import pijnreset.handlers.intake as handler

    monkeypatch.setattr(handler, "availability", None)
    assert api.get("/booking/slots").json() == {"time_zone": None, "slots": []}
    response = api.post("/intake", json_body=_booking(slot))
    assert response.status == 422
    assert response.json()["fields"][0]["type"] == "booking_unavailable"
    assert api.post("/intake", json_body=intake_request()).status == 202


COACH = "coach@pijnresetcoach.nl"


def _words(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def test_both_emails_name_the_booked_time_in_dutch_and_the_coach_sees_the_gp_acknowledgement(
    api, pollers, outbox, questionnaire
):
    see_gp = submission(questionnaire, item_value=2, safety_yes=("gp_weight_loss",))
    assert api.post("/pijntest", json_body=see_gp).status == 201
    pollers.drain()
    slot = _slots(api)[0]
    assert api.post("/intake", json_body=_booking(slot, gp_acknowledged=True)).status == 202
    pollers.drain()
    coach = next(email for email in outbox() if email["to"] == COACH)
    prospect = next(email for email in outbox() if email["to"] != COACH and "intakegesprek" in email["subject"])
    start = datetime.fromisoformat(slot["start"])
    weekday = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"][start.weekday()]
    when = f"{weekday} {start.day} "
    for part in (prospect["text"], prospect["html"]):
        assert f"Je intakegesprek staat gepland op {when}" in _words(part)
        assert f"{start:%H:%M}-" in part
    for part in (coach["text"], coach["html"]):
        words = _words(part)
        assert f"Geboekt: {when}" in words or f"GEBOEKT: {when}" in words
        assert "bevestigd met de huisarts te gaan overleggen" in words


def test_both_emails_carry_one_invitation_that_icalendar_reads_without_health_data(api, pollers, outbox, questionnaire):
    see_gp = submission(questionnaire, item_value=2, safety_yes=("gp_weight_loss",))
    assert api.post("/pijntest", json_body=see_gp).status == 201
    pollers.drain()
    slot = _slots(api)[0]
    body = _booking(slot, gp_acknowledged=True, preferred_contact="phone")
    assert api.post("/intake", json_body=body).status == 202
    pollers.drain()
    emails = [email for email in outbox() if "intake" in email["subject"].lower()]
    assert len(emails) == 2
    uids = set()
    for email in emails:
        (attachment,) = email["attachments"]
        assert attachment["filename"] == "intake.ics"
        assert attachment["content_type"] == "text/calendar; method=REQUEST"
        calendar = icalendar.Calendar.from_ical(attachment["content"])
        assert calendar["METHOD"] == "REQUEST"
        (event,) = calendar.walk("VEVENT")
        (zone,) = calendar.walk("VTIMEZONE")
        assert zone["TZID"] == "Europe/Amsterdam"
        assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
        assert event.decoded("DTSTART") == datetime.fromisoformat(slot["start"])
        assert event.decoded("DTEND") == datetime.fromisoformat(slot["end"])
        assert str(event["LOCATION"]) == "Telefonisch: de coach belt +31612345678"
        assert str(event["ORGANIZER"]) == f"mailto:{COACH}"
        assert str(event["ATTENDEE"]) == "mailto:anna.de.vries@example.nl"
        uids.add(str(event["UID"]))
        text = attachment["content"].lower()
        for health in ("pijntest", "huisarts", "gewicht", "rugpijn", "twee jaar"):
            assert health not in text, health
    assert uids == {f"intake-{body['request_id']}@pijnresetcoach.nl"}, "one appointment, one UID in both"


def test_a_call_back_intake_carries_no_invitation(api, pollers, outbox):
    assert api.post("/intake", json_body=intake_request()).status == 202
    pollers.drain()
    assert [email["attachments"] for email in outbox()] == [[], []]


def _booked_with_emails(api, pollers, outbox):
    slot = _slots(api)[0]
    body = _booking(slot)
    assert api.post("/intake", json_body=body).status == 202
    pollers.drain()
    confirmation = next(email for email in outbox() if email["to"] != COACH)
    return slot, body, confirmation


def test_the_cancel_link_shows_a_page_on_get_and_only_the_post_cancels(api, pollers, outbox, table_items):
    slot, body, confirmation = _booked_with_emails(api, pollers, outbox)
    link = action_links(confirmation)["/booking/cancel"]

    page = api.get(link)
    assert page.status == 200
    assert "zeg mijn intakegesprek af" in page.text.lower()
    assert len(_slot_items()) == 1, "a link scanner's GET changes nothing"

    sent_before = len(outbox())
    done = api.post(link)
    assert done.status == 200
    assert "afgezegd" in done.text
    assert _slot_items() == []
    assert slot["start"] in [s["start"] for s in _slots(api)], "the slot is free again"
    (intake,) = [i for i in table_items() if i["entity"] == "intake"]
    assert (intake["booking_status"], intake["booking_sequence"]) == ("cancelled", 1)

    pollers.drain()
    cancels = outbox()[: len(outbox()) - sent_before]
    assert sorted(email["to"] for email in cancels) == sorted([COACH, "Anna de Vries <anna.de.vries@example.nl>"])
    for email in cancels:
        (attachment,) = email["attachments"]
        assert attachment["content_type"] == "text/calendar; method=CANCEL"
        calendar = icalendar.Calendar.from_ical(attachment["content"])
        (event,) = calendar.walk("VEVENT")
        assert calendar["METHOD"] == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == f"intake-{body['request_id']}@pijnresetcoach.nl"
        assert int(event["SEQUENCE"]) == 1
        assert event.decoded("DTSTART") == datetime.fromisoformat(slot["start"])

    again = api.post(link)
    assert again.status == 409
    assert _slot_items() == []


def test_a_forged_or_other_purpose_cancel_link_changes_nothing(api, pollers, outbox):
    _, _, confirmation = _booked_with_emails(api, pollers, outbox)
    link = action_links(confirmation)["/booking/cancel"]
    assert api.post(link[:-3] + "abc").status == 400
    assert api.post("/booking/cancel?token=").status == 400
    assert len(_slot_items()) == 1


def _reminders(outbox) -> list[dict]:
    return [email for email in outbox() if email["subject"].startswith("Herinnering")]


def test_the_reminder_goes_once_24_hours_before_through_the_due_work(api, pollers, outbox, table_items):
    from pijnreset.handlers import due_work

    slot, _, _ = _booked_with_emails(api, pollers, outbox)
    (reminder,) = [i for i in table_items() if i["entity"] == "booking_reminder"]
    start = datetime.fromisoformat(slot["start"])
    due = (start - timedelta(hours=24)).astimezone(UTC)
    assert reminder["due_at"] == iso(due)
    assert reminder["gsi1pk"] == "DUE#" + iso(due)[:13]
    assert reminder["pk"].startswith("LEAD#"), "in the lead's partition, which an erasure deletes whole"

    assert due_work.run(start - timedelta(hours=25))["reminders_enqueued"] == 0, "not before its time"
    assert due_work.run(start - timedelta(hours=23))["reminders_enqueued"] == 1
    assert due_work.run(start - timedelta(hours=22))["reminders_enqueued"] == 0, "once"
    pollers.drain()
    (sent,) = _reminders(outbox)
    assert sent["to"] == "Anna de Vries <anna.de.vries@example.nl>"
    assert f"{start:%H:%M}-" in sent["text"]
    assert "/booking/cancel?token=" in sent["text"]
    assert "List-Unsubscribe" not in dict(sent["headers"]), "a reminder is no marketing"


def test_no_reminder_after_a_cancel(api, pollers, outbox, table_items):
    from pijnreset.handlers import due_work

    slot, _, confirmation = _booked_with_emails(api, pollers, outbox)
    assert api.post(action_links(confirmation)["/booking/cancel"]).status == 200
    (reminder,) = [i for i in table_items() if i["entity"] == "booking_reminder"]
    assert "gsi1pk" not in reminder, "taken out of the due index"
    start = datetime.fromisoformat(slot["start"])
    assert due_work.run(start - timedelta(hours=23))["reminders_enqueued"] == 0
    pollers.drain()
    assert _reminders(outbox) == []


def test_a_reminder_job_of_an_intake_cancelled_after_it_was_due_is_skipped(api, pollers, outbox):
    from pijnreset.handlers import due_work

    slot, _, confirmation = _booked_with_emails(api, pollers, outbox)
    start = datetime.fromisoformat(slot["start"])
    assert due_work.run(start - timedelta(hours=23))["reminders_enqueued"] == 1  # its job is written...
    assert api.post(action_links(confirmation)["/booking/cancel"]).status == 200  # ...then the cancel
    pollers.drain()
    assert _reminders(outbox) == []


def test_an_erasure_frees_the_booked_slot_and_takes_the_reminder_with_it(api, pollers, outbox, table_items):
    slot, _, _ = _booked_with_emails(api, pollers, outbox)
    assert api.post("/privacy/erase", json_body=erasure_request("anna.de.vries@example.nl")).status == 202
    pollers.drain()
    erase_mail = next(email for email in outbox() if "/privacy/erase/confirm" in email["text"])
    assert api.post(action_links(erase_mail)["/privacy/erase/confirm"]).status == 200
    assert [i for i in table_items() if i["entity"] in {"intake", "booking_reminder"}] == []
    assert _slot_items() == []
    assert slot["start"] in [s["start"] for s in _slots(api)]


def test_a_booking_counts_booked_in_the_funnel_and_a_taken_slot_counts_nothing(api):
    from pijnreset.dal.funnel import funnel_counts
    from pijnreset.logic.funnel import funnel_day

    slot = _slots(api)[0]
    assert api.post("/intake", json_body=_booking(slot)).status == 202
    assert api.post("/intake", json_body=_booking(slot)).status == 409
    assert api.post("/intake", json_body=intake_request()).status == 202
    today = funnel_day(datetime.now(UTC))
    client = boto3.client("dynamodb", region_name=REGION)
    (row,) = funnel_counts(client, os.environ["TABLE_NAME"], today, today)
    assert (row.counts["intake_requested"], row.counts["booked"]) == (2, 1)
