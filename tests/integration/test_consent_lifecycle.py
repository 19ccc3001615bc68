"""Double opt-in, follow-ups, one-click unsubscribe: marketing email only with proven, current consent."""

from __future__ import annotations

import html
import os
import re
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from pijnreset.logic.identity import lead_id_for
from pijnreset.logic.tokens import sign

from infra.template import REGION
from tests.support.aws import TEST_TOKEN_KEY
from tests.support.links import action_links
from tests.support.payloads import changed, fresh, submission

EMAIL = "anna.de.vries@example.nl"
LEAD = lead_id_for(EMAIL)


def _by_entity(items, entity):
    return [item for item in items if item["entity"] == entity]


def _lead(table_items):
    return next(item for item in table_items() if item["entity"] == "lead")


def _token(purpose, lead_id=LEAD, seconds=3600, key=TEST_TOKEN_KEY, ref=None):
    return sign(key.encode(), purpose, lead_id, int(datetime.now(UTC).timestamp()) + seconds, ref)


@pytest.fixture
def opted_in(api, pollers, outbox, questionnaire):
    """A visitor who ticked the marketing box; returns the links of the opt-in confirmation email."""
    api.post("/pijntest", json_body=changed(submission(questionnaire), "consent.marketing", True))
    pollers.drain()
    (confirmation,) = [email for email in outbox() if email["subject"].startswith("Bevestig je aanmelding")]
    return action_links(confirmation)


@pytest.fixture
def confirmed(api, opted_in):
    response = api.post(opted_in["/confirm"])
    assert response.status == 200
    return opted_in


def test_the_opt_in_email_carries_a_signed_confirm_link_and_no_address(opted_in, outbox, content):
    (confirmation,) = [email for email in outbox() if "/confirm?token=" in email["text"]]
    assert "anna" not in opted_in["/confirm"].lower()
    assert "%40" not in opted_in["/confirm"]
    assert " ".join(content.disclaimer.text.split()) in " ".join(confirmation["text"].split())


def test_opening_the_link_shows_a_button_and_changes_nothing(api, opted_in, table_items):
    """Mail security scanners open every link in an email: a GET must not confirm."""
    before = table_items()
    page = api.get(opted_in["/confirm"])
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Bevestig je aanmelding" in page.text
    assert "Ja, bevestig mijn aanmelding" in page.text
    (action,) = re.findall(r'<form method="post" action="([^"]+)"', page.text)
    assert html.unescape(action) == opted_in["/confirm"], "the button posts the same link"
    assert table_items() == before
    assert api.get(opted_in["/confirm"]).status == 200, "as often as it is opened"
    assert table_items() == before


def test_confirming_records_the_time_and_only_then_schedules_the_sequence(api, opted_in, table_items):
    assert _by_entity(table_items(), "followup") == []
    page = api.post(opted_in["/confirm"])
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Je aanmelding is bevestigd" in page.text
    lead = _lead(table_items)
    assert lead["marketing_confirmed_at"] >= lead["marketing_requested_at"]
    followups = _by_entity(table_items(), "followup")
    assert [item["kind"] for item in sorted(followups, key=lambda i: i["due_at"])] == [
        "followup_breathing",
        "followup_patterns",
        "followup_last",
    ]
    assert all(item["gsi1pk"].startswith("DUE#") for item in followups)
    (proof,) = [c for c in _by_entity(table_items(), "consent") if c["purpose"] == "marketing_confirmation"]
    assert proof["given_at"] == lead["marketing_confirmed_at"]
    (tested,) = _by_entity(table_items(), "submission")
    assert proof["source"] == {"channel": "email_link", "submission_id": tested["submission_id"]}


def test_confirming_verifies_the_address_and_the_name_given_with_that_request(api, opted_in, table_items):
    assert "verified_name" not in _lead(table_items)
    api.post(opted_in["/confirm"])
    lead = _lead(table_items)
    assert lead["verified_at"] == lead["marketing_confirmed_at"]
    assert lead["verified_name"] == "Anna de Vries"


def test_an_older_confirm_link_cannot_confirm_a_newer_request(api, pollers, outbox, questionnaire, table_items):
    body = changed(submission(questionnaire), "consent.marketing", True)
    api.post("/pijntest", json_body=body)
    pollers.drain()
    (first,) = [action_links(e)["/confirm"] for e in outbox() if e["subject"].startswith("Bevestig je aanmelding")]
    newer = changed(fresh(body), "contact.name", "Iemand Anders")
    api.post("/pijntest", json_body=newer)
    pollers.drain()
    before = table_items()
    refused = api.post(first)
    assert refused.status == 409
    assert "Deze link is vervangen door een nieuwere" in refused.text
    assert table_items() == before, "nothing confirmed, nothing verified, nothing scheduled"
    (second,) = {action_links(e)["/confirm"] for e in outbox() if e["subject"].startswith("Bevestig je aanmelding")} - {
        first
    }
    assert api.post(second).status == 200
    assert _lead(table_items)["verified_name"] == "Iemand Anders"
    assert api.post(first).status == 409, "still not, after the newer one was confirmed"


def test_a_confirm_link_that_names_no_request_confirms_nothing(api, opted_in, table_items):
    before = table_items()
    response = api.post(f"/confirm?token={_token('confirm')}")
    assert response.status == 409
    assert "Deze link is vervangen door een nieuwere" in response.text
    assert table_items() == before


def test_confirming_twice_schedules_once(api, confirmed, table_items):
    again = api.post(confirmed["/confirm"])
    assert again.status == 200
    assert "al bevestigd" in again.text
    assert len(_by_entity(table_items(), "followup")) == 3


@pytest.mark.parametrize(
    ("token", "status", "title"),
    [
        (lambda: _token("confirm", seconds=-1), 410, "Deze link is verlopen"),
        (lambda: _token("confirm", key="another-key-" + "x" * 40), 400, "Deze link klopt niet"),
        (lambda: _token("unsubscribe"), 400, "Deze link klopt niet"),
        (lambda: _token("confirm")[:25], 400, "Deze link klopt niet"),
        (lambda: "", 400, "Deze link klopt niet"),
        (lambda: "%00%ff<script>", 400, "Deze link klopt niet"),
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_bad_confirm_links_get_a_friendly_dutch_page_and_change_nothing(
    api, opted_in, table_items, token, status, title, method
):
    before = table_items()
    response = api.request(method, f"/confirm?token={token()}")
    assert response.status == status
    assert title in response.text
    assert '<html lang="nl">' in response.text
    assert table_items() == before


def test_a_confirm_link_for_a_lead_that_never_asked_confirms_nothing(api, pollers, questionnaire, table_items):
    body = submission(questionnaire)  # no marketing consent
    api.post("/pijntest", json_body=body)
    response = api.post(f"/confirm?token={_token('confirm', ref=body['submission_id'])}")
    assert response.status == 409
    assert "marketing_confirmed_at" not in _lead(table_items)
    assert _by_entity(table_items(), "followup") == []


def test_follow_ups_go_out_when_due_with_one_click_unsubscribe(api, confirmed, pollers, outbox, run_schedule):
    run_schedule(days=0.5)
    pollers.drain()
    assert [e["subject"] for e in outbox() if "ademhalen" in e["subject"].lower()] == []
    run_schedule(days=1.01)
    pollers.drain()
    (followup,) = [e for e in outbox() if "ademhalen" in e["subject"].lower()]
    headers = dict(followup["headers"])
    assert re.fullmatch(r"<https?://[^>]+/unsubscribe\?token=[A-Za-z0-9_.-]+>", headers["List-Unsubscribe"])
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/unsubscribe?token=" in followup["html"]
    assert "/unsubscribe" in action_links(followup)
    assert "Disclaimer" in followup["html"]


def test_follow_ups_missed_for_days_still_go_out_late(api, confirmed, pollers, outbox, run_schedule):
    run_schedule(days=4.5)  # the schedule failed from day 1 to day 4: the first step is 3.5 days overdue
    pollers.drain()
    subjects = [e["subject"].lower() for e in outbox()]
    assert len([s for s in subjects if "ademhalen" in s]) == 1, "the overdue first step is not lost"


def test_the_scheduler_reads_only_the_due_index_and_does_no_double_work(
    api, confirmed, pollers, run_schedule, table_items, aws_calls
):
    aws_calls.clear()
    run_schedule(days=1.01)
    run_schedule(days=4.01)
    run_schedule(days=4.02)
    assert "Scan" not in aws_calls.of("dynamodb")
    queries = aws_calls.params_of("dynamodb", "Query")
    assert queries
    assert all(query["IndexName"] == "gsi1" for query in queries)
    jobs = [job["kind"] for job in _by_entity(table_items(), "email_job") if job["kind"].startswith("followup_")]
    assert sorted(jobs) == ["followup_breathing", "followup_patterns"]


def test_unsubscribing_is_one_post_idempotent_and_stops_every_marketing_email(
    api, confirmed, pollers, outbox, run_schedule, table_items
):
    run_schedule(days=1.01)
    pollers.drain()
    (followup,) = [e for e in outbox() if "ademhalen" in e["subject"].lower()]
    link = action_links(followup)["/unsubscribe"]

    page = api.get(link)  # what a link scanner does
    assert page.status == 200
    assert 'method="post"' in page.text
    assert "unsubscribed_at" not in _lead(table_items)

    one_click = api.post(
        link, body=b"List-Unsubscribe=One-Click", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert one_click.status == 200
    assert "Je bent afgemeld" in one_click.text
    first = _lead(table_items)["unsubscribed_at"]
    again = api.post(
        link, body=b"List-Unsubscribe=One-Click", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert again.status == 200
    assert _lead(table_items)["unsubscribed_at"] == first
    withdrawals = [c for c in _by_entity(table_items(), "consent") if c["purpose"] == "marketing_withdrawal"]
    assert len(withdrawals) == 1

    sent_before = len(outbox())
    run_schedule(days=4.01)
    run_schedule(days=10.01)
    pollers.drain()
    assert len(outbox()) == sent_before

    skipped = [job for job in _by_entity(table_items(), "email_job") if job["status"] == "skipped"]
    assert {job["skip_reason"] for job in skipped} == {"unsubscribed"}
    assert {job["kind"] for job in skipped} == {"followup_patterns", "followup_last"}


def test_after_unsubscribing_and_confirming_again_each_step_goes_out_once(
    api, confirmed, pollers, outbox, run_schedule, table_items, questionnaire
):
    unsubscribe = f"/unsubscribe?token={_token('unsubscribe')}"
    form = {"content-type": "application/x-www-form-urlencoded"}
    assert api.post(unsubscribe, body=b"List-Unsubscribe=One-Click", headers=form).status == 200
    api.post("/pijntest", json_body=changed(submission(questionnaire), "consent.marketing", True))
    pollers.drain()
    # The outbox keeps no order: the new opt-in email is the one whose link is not the confirmed one.
    (second_optin,) = [
        e
        for e in outbox()
        if e["subject"].startswith("Bevestig je aanmelding") and action_links(e)["/confirm"] != confirmed["/confirm"]
    ]
    assert api.post(action_links(second_optin)["/confirm"]).status == 200

    run_schedule(days=1.01)
    pollers.drain()
    breathing = [e for e in outbox() if "ademhalen" in e["subject"].lower()]
    assert len(breathing) == 1, "the first schedule was withdrawn; only the new one sends"
    jobs = [job for job in _by_entity(table_items(), "email_job") if job["kind"] == "followup_breathing"]
    assert sorted(job["status"] for job in jobs) == ["sent", "skipped"]
    (skipped,) = [job for job in jobs if job["status"] == "skipped"]
    assert skipped["skip_reason"] == "superseded"


def test_an_unconfirmed_lead_never_gets_a_marketing_email(api, opted_in, pollers, outbox, table_items):
    from pijnreset.dal.table import email_job_item, to_item

    now = datetime.now(UTC)
    job = email_job_item(
        lead_id=LEAD,
        kind="followup_breathing",
        created_at=now,
        reference="forced",
        expires_at=int(now.timestamp()) + 3600,
    )
    boto3.client("dynamodb", region_name=REGION).put_item(TableName=os.environ["TABLE_NAME"], Item=to_item(job))
    sent_before = len(outbox())
    pollers.drain()
    assert len(outbox()) == sent_before
    (forced,) = [j for j in _by_entity(table_items(), "email_job") if j["sk"] == job["sk"]]
    assert (forced["status"], forced["skip_reason"]) == ("skipped", "not_confirmed")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"intake_requested_at": "2026-01-01T00:00:00.000Z"}, "intake_requested"),
        ({"urgent_flag_at": "2026-01-01T00:00:00.000Z"}, "urgent_flag"),
    ],
)
def test_follow_ups_stop_after_an_intake_request_or_an_urgent_flag(
    api, confirmed, pollers, outbox, run_schedule, table_items, change, reason
):
    assignments = ", ".join(f"{name} = :{name}" for name in change)
    boto3.client("dynamodb", region_name=REGION).update_item(
        TableName=os.environ["TABLE_NAME"],
        Key={"pk": {"S": f"LEAD#{LEAD}"}, "sk": {"S": "PROFILE"}},
        UpdateExpression=f"SET {assignments}",
        ExpressionAttributeValues={f":{name}": {"S": value} for name, value in change.items()},
    )
    sent_before = len(outbox())
    run_schedule(days=1.01)
    pollers.drain()
    assert len(outbox()) == sent_before
    (job,) = [j for j in _by_entity(table_items(), "email_job") if j["kind"] == "followup_breathing"]
    assert job["skip_reason"] == reason


def test_a_stuck_email_job_is_swept_onto_the_queue_and_sent_once(
    api, pollers, outbox, questionnaire, monkeypatch, run_schedule
):
    from pijnreset.handlers import outbox_relay

    monkeypatch.setattr(outbox_relay.queue, "enqueue", lambda *a, **k: None)  # the relay loses the job
    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    assert outbox() == []
    monkeypatch.undo()
    run_schedule(days=0)  # not stuck long enough yet
    run_schedule(days=30 / (24 * 60))  # the queue could still hold a message for it (5 receives x 180 s + 15 min)
    pollers.drain()
    assert outbox() == []
    run_schedule(days=50 / (24 * 60))
    run_schedule(days=51 / (24 * 60))  # a second sweep soon after does not queue it again
    pollers.drain()
    assert len(outbox()) == 1


def test_expired_items_are_treated_as_gone(api, pollers, outbox, questionnaire, table_items):
    api.post("/pijntest", json_body=submission(questionnaire))
    past = str(int((datetime.now(UTC) - timedelta(minutes=1)).timestamp()))
    boto3.client("dynamodb", region_name=REGION).update_item(
        TableName=os.environ["TABLE_NAME"],
        Key={"pk": {"S": f"LEAD#{LEAD}"}, "sk": {"S": "PROFILE"}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": past}},
    )
    pollers.drain()
    assert outbox() == []
    (job,) = _by_entity(table_items(), "email_job")
    assert (job["status"], job["skip_reason"]) == ("skipped", "lead or submission gone")
