"""Erasure, export, bounce/complaint suppression: nothing kept that should go, nothing lost that should stay."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import pytest
from pijnreset.dal.person_data import PersonData
from pijnreset.logic.identity import lead_id_for

from tests.support.aws import beside_spent_challenges
from tests.support.faults import aws_failing
from tests.support.links import action_links
from tests.support.payloads import changed, erasure_request, submission

EMAIL = "anna.de.vries@example.nl"
LEAD = lead_id_for(EMAIL)


@pytest.fixture
def ses_event(stack, api):
    """Delivers an SES notification to the events function the way SNS does."""
    from infra.local.dev_pages import ses_notification, sns_event

    function = next(f for f in api.gateway.functions if f.logical_id == "SesEventsFunction")
    topic = stack.attributes[("SesEventsTopic", "TopicArn")]

    def deliver(message):
        body = message if isinstance(message, dict) else None
        event = sns_event(topic, body or {})
        if not isinstance(message, dict):
            event["Records"][0]["Sns"]["Message"] = message
        return function.invoke(event)

    deliver.notification = ses_notification  # type: ignore[attr-defined]
    return deliver


def _everything_of_the_person(table_items):
    """Every item that names the person, but the erasure marker every erasure leaves (a hash and a time)."""
    return [
        item
        for item in table_items()
        if (LEAD in json.dumps(item) or EMAIL in json.dumps(item)) and item.get("entity") != "erasure"
    ]


def _erasure_markers(table_items):
    return [item for item in table_items() if item.get("entity") == "erasure"]


def _erase_link(api, pollers, outbox):
    assert api.post("/privacy/erase", json_body=erasure_request(EMAIL)).status == 202
    pollers.drain()
    (email,) = [e for e in outbox() if e["subject"] == "Bevestig het verwijderen van je gegevens"]
    return action_links(email)["/privacy/erase/confirm"]


def test_erasure_asks_by_email_then_deletes_every_item_of_the_person(api, pollers, outbox, questionnaire, table_items):
    body = changed(submission(questionnaire, item_value=2), "consent.marketing", True)
    api.post("/pijntest", json_body=body)
    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    assert len(_everything_of_the_person(table_items)) > 8
    link = _erase_link(api, pollers, outbox)

    page = api.get(link)
    assert page.status == 200
    assert 'method="post"' in page.text
    assert len(_everything_of_the_person(table_items)) > 8, "a visit alone erases nothing"

    done = api.post(link)
    assert done.status == 200
    assert "Je gegevens zijn verwijderd" in done.text
    left = _everything_of_the_person(table_items)
    assert left == [], left
    assert not [item for item in table_items() if item["pk"] == f"SUBMISSION#{body['submission_id']}"]
    (marker,) = _erasure_markers(table_items)
    assert set(marker) == {"pk", "sk", "entity", "lead_id", "erased_at", "gsi1pk", "gsi1sk", "expires_at"}
    assert marker["lead_id"] == LEAD
    assert EMAIL not in json.dumps(marker), "a hash and a time, no PII"

    again = api.post(link)  # a replayed link finds nothing, breaks nothing
    assert again.status == 410
    assert "al gebruikt" in again.text


def test_an_erasure_link_works_once_and_spares_what_came_after(api, pollers, outbox, questionnaire, table_items):
    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    link = _erase_link(api, pollers, outbox)
    assert api.post(link).status == 200
    assert _everything_of_the_person(table_items) == []

    later = submission(questionnaire, item_value=1)
    assert api.post("/pijntest", json_body=later).status == 201
    stored = _everything_of_the_person(table_items)
    replay = api.post(link)
    assert replay.status == 410, "the same link, days later: it was used"
    assert _everything_of_the_person(table_items) == stored, "nothing the person stored since is deleted"


def test_an_erasure_cut_short_is_finished_by_using_the_link_again(api, pollers, outbox, questionnaire, table_items):
    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    link = _erase_link(api, pollers, outbox)
    with aws_failing("BatchWriteItem", "ProvisionedThroughputExceededException", after=1) as failed:
        assert api.post(link).status == 503, "throttled halfway: try again"
    assert failed == ["BatchWriteItem"]
    assert _everything_of_the_person(table_items), "cut short: the erasure email (and its link) is left"
    assert api.post(link).status == 200, "the erasure email is deleted last, so its link still works"
    assert _everything_of_the_person(table_items) == []


def test_an_unsubscribed_person_keeps_only_a_hashed_marketing_marker(api, pollers, outbox, questionnaire, table_items):
    api.post("/pijntest", json_body=changed(submission(questionnaire), "consent.marketing", True))
    pollers.drain()
    (confirmation,) = [e for e in outbox() if "/confirm?token=" in e["text"]]
    assert api.post(action_links(confirmation)["/confirm"]).status == 200
    from tests.integration.test_consent_lifecycle import _token

    assert api.post(f"/unsubscribe?token={_token('unsubscribe')}").status == 200
    assert api.post(_erase_link(api, pollers, outbox)).status == 200
    (marker,) = [item for item in beside_spent_challenges(table_items()) if item["entity"] != "erasure"]
    assert marker["pk"] == f"SUPPRESSION#{LEAD}"
    assert marker["scope"] == "marketing"
    assert set(marker) == {"pk", "sk", "entity", "scope", "at"}, "no address, no name, nothing else"


def test_an_erasure_request_for_an_unknown_address_gets_the_same_answer_and_the_same_work(
    api, pollers, outbox, questionnaire, aws_calls
):
    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    aws_calls.clear()
    known = api.post("/privacy/erase", json_body=erasure_request(EMAIL))
    calls_known = aws_calls.of("dynamodb")
    aws_calls.clear()
    unknown = api.post("/privacy/erase", json_body=erasure_request("nobody@example.nl"))
    calls_unknown = aws_calls.of("dynamodb")
    assert (known.status, unknown.status) == (202, 202)
    assert known.body == unknown.body
    # The client's hourly bound in a call of its own that never depends on the address (dal/caps.py), the spent
    # proof of work (its own conditional put), then the one conditional write.
    assert calls_known == calls_unknown == ["UpdateItem", "PutItem", "TransactWriteItems"]
    pollers.drain()
    # No verified name: the erasure email greets by none (a form's name is not the person's until verified).
    assert [e["to"] for e in outbox() if "verwijderen" in e["subject"]] == ["anna.de.vries@example.nl"]


def test_repeated_erasure_requests_send_one_email_an_hour(api, pollers, outbox, questionnaire):
    api.post("/pijntest", json_body=submission(questionnaire))
    for _ in range(3):
        assert api.post("/privacy/erase", json_body=erasure_request(EMAIL)).status == 202
    pollers.drain()
    assert len([e for e in outbox() if "verwijderen" in e["subject"]]) == 1


@pytest.mark.parametrize("body", [{"email": "not-an-address"}, {}, {"email": EMAIL, "extra": 1}])
def test_an_invalid_erasure_request_is_a_422_naming_the_field(api, body, table_items):
    response = api.post("/privacy/erase", json_body=body)
    assert response.status == 422
    assert response.error_fields
    assert table_items() == []


@pytest.mark.parametrize("path", ["/privacy/erase/confirm", "/privacy/erase/confirm?token=forged.token"])
def test_a_forged_or_missing_erasure_token_deletes_nothing(api, questionnaire, table_items, path):
    api.post("/pijntest", json_body=submission(questionnaire))
    before = table_items()
    for method in ("GET", "POST"):
        response = api.request(method, path)
        assert response.status == 400
        assert "Deze link klopt niet" in response.text
    assert table_items() == before


def test_an_unsubscribe_or_confirm_token_cannot_erase(api, questionnaire, table_items):
    from tests.integration.test_consent_lifecycle import _token

    api.post("/pijntest", json_body=submission(questionnaire))
    before = table_items()
    for purpose in ("unsubscribe", "confirm"):
        assert api.post(f"/privacy/erase/confirm?token={_token(purpose)}").status == 400
    assert table_items() == before


def test_export_returns_every_live_item_of_the_person(api, pollers, questionnaire, table_items):
    body = changed(submission(questionnaire), "consent.marketing", True)
    api.post("/pijntest", json_body=body)
    pollers.drain()
    exported = PersonData(os.environ["TABLE_NAME"]).items(LEAD, datetime.now(UTC))
    entities = sorted(item["entity"] for item in exported)
    assert entities == sorted(
        ["lead", "submission", "consent", "consent", "email_job", "email_job", "submission_request"]
    )
    assert {item["pk"] for item in exported} == {f"LEAD#{LEAD}", f"SUBMISSION#{body['submission_id']}"}


def test_a_hard_bounce_for_several_recipients_suppresses_each_for_all_email(
    api, pollers, outbox, questionnaire, ses_event, table_items
):
    message = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bouncedRecipients": [{"emailAddress": EMAIL}, {"emailAddress": "nobody-we-know@example.nl"}],
            "future": "fields",
        },
        "mail": {"destination": [EMAIL], "tags": {"ses:configuration-set": [os.environ["SES_CONFIGURATION_SET"]]}},
    }
    counts = ses_event(message)
    assert counts["SesBounceSuppressed"] == 2
    markers = [item for item in table_items() if item["entity"] == "suppression"]
    assert {marker["pk"] for marker in markers} == {
        f"SUPPRESSION#{LEAD}",
        f"SUPPRESSION#{lead_id_for('nobody-we-know@example.nl')}",
    }
    assert all(marker["scope"] == "all" and "@" not in json.dumps(marker) for marker in markers)

    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    assert outbox() == [], "not even the result email goes to a bounced address"
    (job,) = [item for item in table_items() if item["entity"] == "email_job"]
    assert job["skip_reason"] == "suppressed"


def test_a_complaint_suppresses_and_a_transient_bounce_only_counts(ses_event, table_items):
    assert ses_event(ses_event.notification("transient", EMAIL))["SesTransientBounce"] == 1
    assert table_items() == []
    assert ses_event(ses_event.notification("complaint", EMAIL))["SesComplaintSuppressed"] == 1
    (marker,) = table_items()
    assert (marker["scope"], marker["reason"]) == ("all", "complaint")


@pytest.mark.parametrize(
    "message",
    ["not json", "", "[]", json.dumps({"eventType": "Bounce", "bounce": {}}), json.dumps({"eventType": "Open"})],
)
def test_malformed_ses_notifications_break_nothing(ses_event, table_items, message):
    counts = ses_event(message)
    assert sum(counts.values()) >= 1
    assert table_items() == []


def test_an_sns_event_without_records_breaks_nothing(api):
    function = next(f for f in api.gateway.functions if f.logical_id == "SesEventsFunction")
    assert function.invoke({})["SesEventMalformed"] == 1
    assert function.invoke({"Records": [{"Sns": {}}]})["SesEventMalformed"] == 1
