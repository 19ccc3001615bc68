"""POST /pijntest: one atomic write of lead, submission, consent proof and email job; replays and conflicts."""

from __future__ import annotations

import hashlib
import json
import os
import time
from datetime import UTC, datetime

import pytest
from pijnreset.logic.identity import lead_id_for

from tests.support.challenge import template_challenge_settings
from tests.support.payloads import changed, resolved, submission

DAY = 24 * 3600


def _by_entity(items):
    grouped: dict[str, list] = {}
    for item in items:
        grouped.setdefault(item["entity"], []).append(item)
    return grouped


def test_a_new_submission_is_one_dynamodb_call_and_no_ses_call(api, aws_calls, questionnaire):
    response = api.post("/pijntest", json_body=submission(questionnaire))
    assert response.status == 201
    assert aws_calls.of("dynamodb") == ["TransactWriteItems"]
    assert aws_calls.of("sesv2") == []
    assert aws_calls.of("ses") == []
    # The caps' key comes from SSM on a cold start only (then cached for minutes): a warm submit calls DynamoDB once.
    assert set(aws_calls.of("ssm")) <= {"GetParameter"}
    aws_calls.clear()
    assert api.post("/pijntest", json_body=submission(questionnaire)).status == 201
    assert aws_calls.calls == [("dynamodb", "TransactWriteItems")]


def test_the_transaction_stores_lead_submission_consent_and_email_job(api, table_items, questionnaire, content):
    body = submission(questionnaire, item_value=2)
    response = api.post("/pijntest", json_body=body)
    assert response.status == 201
    answer = response.json()
    assert answer["submission_id"] == body["submission_id"]
    assert answer["result"]["category"] == "high"

    items = _by_entity(table_items())
    assert sorted(items) == ["consent", "email_job", "lead", "submission", "submission_request", "used_challenge"]
    lead_id = lead_id_for("anna.de.vries@example.nl")

    (lead,) = items["lead"]
    assert (lead["pk"], lead["sk"]) == (f"LEAD#{lead_id}", "PROFILE")
    assert lead["email"] == "anna.de.vries@example.nl"
    assert "name" not in lead, "a form's name stays on its submission until a verified action"
    assert items["submission"][0]["name"] == "Anna de Vries"
    assert lead["submission_count"] == 1
    assert lead["latest_submission_id"] == body["submission_id"]
    assert lead["latest_triage"] == "none"
    assert "marketing_requested_at" not in lead

    (stored,) = items["submission"]
    assert stored["pk"] == f"LEAD#{lead_id}"
    assert stored["answers"] == body["answers"]
    assert stored["result"] == answer["result"]
    assert stored["versions"] == {
        "questionnaire": "pijntest-v1",
        "scoring": "scoring-v1",
        "disclaimer": "disclaimer-v1",
        "consent": "consent-v1",
    }
    assert stored["source"] == body["source"]

    (consent,) = items["consent"]
    assert consent["purpose"] == "health_data"
    assert consent["consent_version"] == "consent-v1"
    text = content.consents.by_purpose("health_data").text
    assert consent["text_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    given_at = datetime.fromisoformat(consent["given_at"].replace("Z", "+00:00"))
    assert given_at.tzinfo == UTC
    assert abs((datetime.now(UTC) - given_at).total_seconds()) < 60
    assert consent["source"] == {
        "channel": "pijntest",
        "submission_id": body["submission_id"],
        "landing_path": "/pijntest",
    }

    (job,) = items["email_job"]
    assert (job["kind"], job["status"]) == ("result", "pending")
    assert job["submission_sk"] == stored["sk"]


def test_marketing_consent_adds_its_proof_and_the_opt_in_confirmation_email(api, table_items, questionnaire):
    body = changed(submission(questionnaire), "consent.marketing", True)
    assert api.post("/pijntest", json_body=body).status == 201
    items = _by_entity(table_items())
    assert sorted(consent["purpose"] for consent in items["consent"]) == ["health_data", "marketing"]
    assert "marketing_requested_at" in items["lead"][0]
    assert "marketing_confirmed_at" not in items["lead"][0], "only the emailed link confirms"
    assert sorted(job["kind"] for job in items["email_job"]) == ["optin_confirm", "result"]
    assert not any(item["entity"] == "followup" for item in table_items()), "no follow-up before confirmation"


def test_an_urgent_result_gets_no_opt_in_email_even_with_marketing_ticked(api, table_items, questionnaire):
    body = changed(submission(questionnaire, safety_yes=("red_trauma",)), "consent.marketing", True)
    assert api.post("/pijntest", json_body=body).status == 201
    assert [job["kind"] for job in _by_entity(table_items())["email_job"]] == ["result"]


def test_every_personal_data_item_carries_a_ttl_for_its_purpose(api, table_items, questionnaire):
    body = changed(submission(questionnaire), "consent.marketing", True)
    assert api.post("/pijntest", json_body=body).status == 201
    now = time.time()
    items = table_items()
    assert len(items) == 8
    expected_days = {"submission_request": 7, "consent": 730, "email_job": 90, "lead": 365, "submission": 365}
    (spent,) = [item for item in items if item["entity"] == "used_challenge"]
    assert 0 < int(spent["expires_at"]) - now <= template_challenge_settings()[1], "kept as long as the challenge"
    for item in (item for item in items if item is not spent):
        days = expected_days[item["entity"]]
        assert (days - 1) * DAY < int(item["expires_at"]) - now <= days * DAY + 60, item["entity"]


def test_one_lead_per_address_and_repeated_tests_append(api, table_items, questionnaire):
    first = submission(questionnaire)
    second = changed(submission(questionnaire, item_value=1), "contact.email", "  ANNA.de.vries@example.NL ")
    assert api.post("/pijntest", json_body=first).status == 201
    assert api.post("/pijntest", json_body=second).status == 201
    items = _by_entity(table_items())
    assert len(items["lead"]) == 1
    assert items["lead"][0]["submission_count"] == 2
    assert items["lead"][0]["latest_submission_id"] == second["submission_id"]
    assert len(items["submission"]) == 2
    assert len(items["email_job"]) == 2


def test_a_replay_returns_the_identical_body_and_writes_nothing(api, table_items, aws_calls, questionnaire):
    body = submission(questionnaire, item_value=1)
    first = api.post("/pijntest", json_body=body)
    before = table_items()
    aws_calls.clear()
    again = api.post("/pijntest", json_body=body)
    assert aws_calls.of("dynamodb") == ["TransactWriteItems"], "the replay is recognised in the same one call"
    assert (first.status, again.status) == (201, 200)
    assert again.body == first.body
    assert table_items() == before


def test_a_replay_record_past_its_ttl_no_longer_counts(api, table_items, questionnaire):
    import boto3

    from infra.template import REGION

    body = submission(questionnaire)
    assert api.post("/pijntest", json_body=body).status == 201
    boto3.client("dynamodb", region_name=REGION).update_item(
        TableName=os.environ["TABLE_NAME"],
        Key={"pk": {"S": f"SUBMISSION#{body['submission_id']}"}, "sk": {"S": "REQUEST"}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 60)}},
    )
    again = api.post("/pijntest", json_body=resolved(changed(body, "answers.stress_overload", 3)))
    assert again.status == 201, "DynamoDB has not deleted the expired record yet, but it no longer counts"


def test_the_same_id_with_another_payload_is_a_conflict(api, table_items, questionnaire):
    body = submission(questionnaire)
    assert api.post("/pijntest", json_body=body).status == 201
    before = table_items()
    other = changed(body, "answers.stress_overload", 3)
    response = api.post("/pijntest", json_body=other)
    assert response.status == 409
    assert response.error_fields == {"submission_id"}
    assert table_items() == before


def test_an_urgent_result_has_no_score_and_flags_the_lead(api, table_items, questionnaire):
    body = submission(questionnaire, item_value=3, safety_yes=("red_saddle_numbness",))
    result = api.post("/pijntest", json_body=body).json()["result"]
    assert (result["triage"], result["category"], result["total"], result["domains"]) == ("urgent", None, None, [])
    assert result["call_to_action"] is None
    lead = _by_entity(table_items())["lead"][0]
    assert lead["latest_triage"] == "urgent"
    assert lead["unverified_urgent_at"] == lead["latest_submission_at"]
    assert "urgent_flag_at" not in lead, "the verified flag comes from a verified action only"


def _expire_profile(lead_id: str) -> None:
    """What DynamoDB leaves for up to days: the lead's profile past its TTL, not yet deleted."""
    import boto3

    from infra.template import REGION

    boto3.client("dynamodb", region_name=REGION).update_item(
        TableName=os.environ["TABLE_NAME"],
        Key={"pk": {"S": f"LEAD#{lead_id}"}, "sk": {"S": "PROFILE"}},
        UpdateExpression="SET expires_at = :past, marketing_confirmed_at = :confirmed",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 60)}, ":confirmed": {"S": "2025-01-01"}},
    )


def test_an_expired_lead_does_not_come_back_to_life_with_its_old_flags(api, table_items, questionnaire):
    urgent = submission(questionnaire, item_value=3, safety_yes=("red_saddle_numbness",))
    assert api.post("/pijntest", json_body=urgent).status == 201
    _expire_profile(lead_id_for("anna.de.vries@example.nl"))

    later = submission(questionnaire, item_value=1)
    assert api.post("/pijntest", json_body=later).status == 201
    lead = _by_entity(table_items())["lead"][0]
    assert lead["latest_triage"] == "none"
    assert lead["submission_count"] == 1, "a new profile, not the expired one counted on"
    assert lead["created_at"] == lead["updated_at"]
    assert "unverified_urgent_at" not in lead
    assert "marketing_confirmed_at" not in lead, "an expired opt-in is no opt-in"
    assert int(lead["expires_at"]) > time.time()

    again = submission(questionnaire, item_value=2)
    assert api.post("/pijntest", json_body=again).status == 201
    assert _by_entity(table_items())["lead"][0]["submission_count"] == 2, "a live profile is updated as before"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda b: changed(b, "website", "http://spam.example"), "honeypot"),
        (lambda b: changed(b, "started_at", int(time.time() * 1000) - 1000), "too_fast"),
    ],
)
def test_bots_get_a_persons_answer_and_nothing_is_stored(api, table_items, questionnaire, log_lines, change, reason):
    """Screened or not, the answer is the same: a bot learns nothing from it (it used to be a telling 202)."""
    body = change(submission(questionnaire, item_value=2))
    response = api.post("/pijntest", json_body=body)
    assert response.status == 201
    assert response.json()["submission_id"] == body["submission_id"]
    assert table_items() == []
    person = api.post("/pijntest", json_body=submission(questionnaire, item_value=2)).json()
    assert response.json()["result"] == person["result"], "the same computed result a person gets"
    assert [line["bot"] for line in log_lines("form screened")] == [reason]


def test_a_person_who_took_their_time_is_not_screened_out(api, questionnaire):
    body = changed(submission(questionnaire), "started_at", int(time.time() * 1000) - 4 * 60 * 1000)
    assert api.post("/pijntest", json_body=body).status == 201


def test_a_clock_running_ahead_is_not_held_against_the_visitor(api, questionnaire):
    body = changed(submission(questionnaire), "started_at", int(time.time() * 1000) + 5 * 60 * 1000)
    assert api.post("/pijntest", json_body=body).status == 201


def test_dynamodb_unavailable_is_a_503_with_retry_after_and_the_retry_succeeds(api, table_items, questionnaire):
    from botocore.exceptions import ClientError
    from pijnreset.handlers import submit

    body = submission(questionnaire)
    original = submit.table._client.transact_write_items

    def throttled(**_):
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "TransactWriteItems")

    submit.table._client.transact_write_items = throttled
    try:
        response = api.post("/pijntest", json_body=body)
    finally:
        submit.table._client.transact_write_items = original
    assert response.status == 503
    assert response.headers["retry-after"].isdigit()
    assert response.json()["error"] == "service_unavailable"
    assert table_items() == []
    assert api.post("/pijntest", json_body=body).status == 201


def test_json_with_a_charset_is_accepted(api, questionnaire):
    payload = json.dumps(submission(questionnaire)).encode()
    response = api.post("/pijntest", body=payload, headers={"content-type": "application/json; charset=utf-8"})
    assert response.status == 201


def test_an_internationalised_domain_is_stored_and_emailed_in_punycode(
    api, pollers, outbox, table_items, questionnaire
):
    body = changed(submission(questionnaire), "contact.email", "anna@bücher.de")
    assert api.post("/pijntest", json_body=body).status == 201
    assert _by_entity(table_items())["lead"][0]["email"] == "anna@xn--bcher-kva.de"
    pollers.drain()
    (email,) = outbox()
    assert email["to"] == "Anna de Vries <anna@xn--bcher-kva.de>"
    assert email["to"].isascii(), "SES takes 7-bit addresses only"
