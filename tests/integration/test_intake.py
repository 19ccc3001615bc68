"""POST /intake: one atomic write of intake, consent proof, two email jobs and the follow-up stop; replays."""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid

import boto3
import pytest
from pijnreset.logic.identity import lead_id_for

from infra.template import REGION
from tests.support.challenge import template_challenge_settings
from tests.support.payloads import changed, intake_request, submission

DAY = 24 * 3600
LEAD_PK = f"LEAD#{lead_id_for('anna.de.vries@example.nl')}"


def _by_entity(items):
    grouped: dict[str, list] = {}
    for item in items:
        grouped.setdefault(item["entity"], []).append(item)
    return grouped


def open_intakes():
    """What the coach's CLI reads: the open-intake partition of the sparse index."""
    client = boto3.client("dynamodb", region_name=REGION)
    response = client.query(
        TableName=os.environ["TABLE_NAME"],
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :open",
        ExpressionAttributeValues={":open": {"S": "INTAKE#open"}},
    )
    return [item["request_id"]["S"] for item in response["Items"]]


def test_a_new_request_is_one_dynamodb_call_and_no_email_call(api, aws_calls):
    body = intake_request()
    response = api.post("/intake", json_body=body)
    assert response.status == 202
    assert response.json() == {"request_id": body["request_id"], "status": "requested"}
    assert aws_calls.of("dynamodb") == ["TransactWriteItems"]
    # The caps' key comes from SSM on a cold start only (then cached for minutes): a warm intake calls DynamoDB once.
    assert set(aws_calls.of("ssm")) <= {"GetParameter"}
    aws_calls.clear()
    assert api.post("/intake", json_body=intake_request()).status == 202
    assert aws_calls.calls == [("dynamodb", "TransactWriteItems")]


def test_the_transaction_stores_intake_consent_both_email_jobs_and_a_new_lead(api, table_items, content):
    body = intake_request()
    assert api.post("/intake", json_body=body).status == 202

    items = _by_entity(table_items())
    assert sorted(items) == ["consent", "email_job", "intake", "intake_request", "lead", "used_challenge"]
    (replay,) = items["intake_request"]
    assert (replay["pk"], replay["sk"]) == (f"INTAKE#{body['request_id']}", "REQUEST")

    (intake,) = items["intake"]
    assert intake["pk"] == LEAD_PK
    assert intake["sk"] == f"INTAKE#{intake['created_at']}#{body['request_id']}"
    assert intake["status"] == "requested"
    assert intake["lead_id"] == lead_id_for(body["contact"]["email"])
    assert (intake["name"], intake["email"], intake["phone"]) == (
        "Anna de Vries",
        "anna.de.vries@example.nl",
        "+31612345678",
    )
    assert intake["preferred_contact"] == "phone"
    assert intake["preferred_moments"] == ["weekday_evening", "saturday"]
    assert intake["message"] == body["message"]

    (lead,) = items["lead"]
    assert (lead["pk"], lead["sk"]) == (LEAD_PK, "PROFILE")
    assert lead["email"] == "anna.de.vries@example.nl"
    assert "name" not in lead, "the intake keeps its name; the lead takes one only from a verified action"
    assert "submission_count" not in lead

    (consent,) = items["consent"]
    assert (consent["pk"], consent["purpose"], consent["consent_version"]) == (LEAD_PK, "contact", "consent-v1")
    text = content.consents.by_purpose("contact").text
    assert consent["text_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert consent["source"] == {"channel": "intake", "request_id": body["request_id"]}
    assert consent["given_at"] == intake["created_at"]

    jobs = {job["kind"]: job for job in items["email_job"]}
    assert sorted(jobs) == ["intake_coach", "intake_confirmation"]
    for kind, job in jobs.items():
        assert (job["pk"], job["sk"]) == (LEAD_PK, f"EMAIL#{kind}#{intake['created_at']}#{body['request_id']}")
        assert job["gsi1pk"].startswith("DUE#"), "in the due index, for the outbox sweep"
        assert (job["status"], job["lead_id"], job["created_at"]) == (
            "pending",
            intake["lead_id"],
            intake["created_at"],
        )
        assert job["intake_sk"] == intake["sk"]


def test_asking_for_an_intake_pauses_the_follow_ups_of_an_existing_lead(api, table_items, questionnaire):
    assert api.post("/pijntest", json_body=submission(questionnaire)).status == 201
    before = _by_entity(table_items())["lead"][0]
    assert "open_intake_until" not in before

    assert api.post("/intake", json_body=intake_request(email="  ANNA.de.vries@example.NL ")).status == 202
    items = _by_entity(table_items())
    (lead,) = items["lead"]
    assert lead["open_intake_until"] == items["intake"][0]["expires_at"]
    assert "intake_requested_at" not in lead, "only the coach's 'intakes done' stops them for good"
    assert lead["submission_count"] == 1, "the lead's Pijntest history is kept"
    assert lead["latest_submission_id"] == before["latest_submission_id"]
    assert lead["created_at"] == before["created_at"]


def test_every_personal_data_item_carries_a_ttl_for_its_purpose(api, table_items):
    assert api.post("/intake", json_body=intake_request()).status == 202
    now = time.time()
    items = table_items()
    assert len(items) == 7
    expected_days = {"intake_request": 7, "consent": 730, "email_job": 90, "lead": 365, "intake": 365}
    (spent,) = [item for item in items if item["entity"] == "used_challenge"]
    assert 0 < int(spent["expires_at"]) - now <= template_challenge_settings()[1], "kept as long as the challenge"
    for item in (item for item in items if item is not spent):
        days = expected_days[item["entity"]]
        assert (days - 1) * DAY < int(item["expires_at"]) - now <= days * DAY + 60, item["entity"]


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("06 12345678", "+31612345678"),
        ("06-1234 5678", "+31612345678"),
        ("+31 (0)6 12345678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("020 - 123 45 67", "+31201234567"),
        ("+32 470 12 34 56", "+32470123456"),
    ],
)
def test_phone_numbers_are_stored_in_e164(api, table_items, written, stored):
    assert api.post("/intake", json_body=intake_request(phone=written)).status == 202
    assert _by_entity(table_items())["intake"][0]["phone"] == stored


def test_without_a_phone_number_the_coach_may_email(api, table_items):
    body = changed(changed(intake_request(), "contact.phone", ...), "preferred_contact", "email")
    body = changed(changed(body, "preferred_moments", []), "message", ...)
    assert api.post("/intake", json_body=body).status == 202
    (intake,) = _by_entity(table_items())["intake"]
    assert "phone" not in intake
    assert "message" not in intake
    assert intake["preferred_moments"] == []


def test_null_for_the_optional_phone_and_message_means_none_as_the_spec_says(api, table_items):
    """Found by the fuzzer: "message": null was a 500 and "phone": null a 422, though both are nullable."""
    body = changed(changed(intake_request(), "contact.phone", None), "preferred_contact", "email")
    body = changed(body, "message", None)
    assert api.post("/intake", json_body=body).status == 202
    (intake,) = _by_entity(table_items())["intake"]
    assert "phone" not in intake
    assert "message" not in intake
    phone_needed = changed(changed(body, "preferred_contact", "phone"), "request_id", str(uuid.uuid4()))
    api.post("/intake", json_body=phone_needed).assert_invalid({"contact.phone"})


def test_a_message_of_exactly_2000_characters_and_json_with_a_charset_are_fine(api):
    payload = json.dumps(changed(intake_request(), "message", "x" * 2000)).encode()
    response = api.post("/intake", body=payload, headers={"content-type": "application/json; charset=utf-8"})
    assert response.status == 202


def test_moments_are_kept_once_each_in_their_fixed_order(api, table_items):
    body = changed(intake_request(), "preferred_moments", ["saturday", "weekday_morning", "saturday"])
    assert api.post("/intake", json_body=body).status == 202
    assert _by_entity(table_items())["intake"][0]["preferred_moments"] == ["weekday_morning", "saturday"]


def test_an_open_intake_is_in_the_sparse_index_and_nothing_else_is(api, table_items, questionnaire):
    api.post("/pijntest", json_body=submission(questionnaire))
    first, second = intake_request(), intake_request(email="bram@example.nl")
    api.post("/intake", json_body=first)
    api.post("/intake", json_body=second)
    assert open_intakes() == [first["request_id"], second["request_id"]], "oldest first"
    indexed = [item for item in table_items() if item.get("gsi1pk") == "INTAKE#open"]
    assert {item["entity"] for item in indexed} == {"intake"}
    assert all(item["gsi1sk"] == f"{item['created_at']}#{item['request_id']}" for item in indexed)
    others = {item["entity"] for item in table_items() if "gsi1pk" in item and item not in indexed}
    assert others == {"email_job"}, "besides open intakes, only email jobs still pending (the due index)"


def test_a_replay_answers_the_same_and_writes_nothing(api, table_items, aws_calls):
    body = intake_request()
    first = api.post("/intake", json_body=body)
    before = table_items()
    aws_calls.clear()
    again = api.post("/intake", json_body=body)
    assert aws_calls.of("dynamodb") == ["TransactWriteItems"], "the replay is recognised in the same one call"
    assert (first.status, again.status) == (202, 202)
    assert again.body == first.body
    assert table_items() == before


def test_a_replay_may_write_the_phone_number_another_way(api, table_items):
    body = intake_request()
    assert api.post("/intake", json_body=body).status == 202
    before = table_items()
    assert api.post("/intake", json_body=changed(body, "contact.phone", "+31 6 1234 5678")).status == 202
    assert table_items() == before


def test_the_same_id_with_another_payload_is_a_conflict(api, table_items):
    body = intake_request()
    assert api.post("/intake", json_body=body).status == 202
    before = table_items()
    response = api.post("/intake", json_body=changed(body, "preferred_contact", "video"))
    assert response.status == 409
    assert response.error_fields == {"request_id"}
    assert response.json()["fields"][0]["message"] == "Deze aanvraag is al eerder met andere gegevens verstuurd."
    assert table_items() == before


def test_a_filled_honeypot_gets_a_persons_answer_and_nothing_is_stored(api, table_items, log_lines):
    """The answer a person gets (it used to be a telling {"status": "accepted"}), logged, nothing stored."""
    body = changed(intake_request(), "website", "http://spam.example")
    response = api.post("/intake", json_body=body)
    assert response.status == 202
    assert response.json() == {"request_id": body["request_id"], "status": "requested"}
    assert table_items() == []
    assert [line["bot"] for line in log_lines("form screened")] == ["honeypot"]


def test_dynamodb_unavailable_is_a_503_and_the_retry_succeeds(api, table_items, monkeypatch):
    from botocore.exceptions import ClientError
    from pijnreset.handlers import intake

    body = intake_request()

    def throttled(**_):
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "TransactWriteItems")

    with monkeypatch.context() as patch:
        patch.setattr(intake.table._client, "transact_write_items", throttled)
        response = api.post("/intake", json_body=body)
    assert response.status == 503
    assert response.headers["retry-after"].isdigit()
    assert table_items() == []
    assert api.post("/intake", json_body=body).status == 202


def test_an_intake_for_an_expired_lead_starts_a_new_profile(api, table_items, questionnaire):
    urgent = submission(questionnaire, item_value=3, safety_yes=("red_saddle_numbness",))
    assert api.post("/pijntest", json_body=urgent).status == 201
    boto3.client("dynamodb", region_name=REGION).update_item(
        TableName=os.environ["TABLE_NAME"],
        Key={"pk": {"S": LEAD_PK}, "sk": {"S": "PROFILE"}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 60)}},
    )
    assert api.post("/intake", json_body=intake_request()).status == 202
    (lead,) = _by_entity(table_items())["lead"]
    assert lead["intake_count"] == 1
    assert "submission_count" not in lead
    assert "unverified_urgent_at" not in lead, "expired health data stays gone"
    assert "latest_triage" not in lead
    assert int(lead["expires_at"]) > time.time()
