"""Faults on the request path and in delivery: AWS throttled or down never loses, doubles or half-writes.

DynamoDB throttled or unreachable on a request -> 503 with Retry-After and nothing written; the client's
retry with the same id then succeeds, once. SES down for a while -> every email goes out afterwards,
none twice.
"""

from __future__ import annotations

import pytest

from tests.support.aws import beside_spent_challenges
from tests.support.faults import aws_failing
from tests.support.links import action_links
from tests.support.payloads import changed, erasure_request, intake_request, submission

UNAVAILABLE = [
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "InternalServerError",
    "connection",
    # How DynamoDB fails a throttled transaction, or one that keeps conflicting with a concurrent duplicate:
    # both were a 500 before (and a throttled erasure request a silent 202 without its email).
    "cancelled:ThrottlingError",
    "cancelled:TransactionConflict",
]
EMAIL = "anna.de.vries@example.nl"


def _entities(items):
    return sorted(item["entity"] for item in items)


def _assert_unavailable(response):
    assert response.status == 503, response.body
    assert response.headers["retry-after"].isdigit()


@pytest.mark.parametrize("code", UNAVAILABLE)
def test_a_submission_while_dynamodb_is_down_is_a_503_then_its_retry_succeeds_once(
    api, table_items, questionnaire, code
):
    body = submission(questionnaire)
    with aws_failing("TransactWriteItems", code, times=None):
        response = api.post("/pijntest", json_body=body)
    _assert_unavailable(response)
    assert response.json()["error"] == "service_unavailable"
    assert table_items() == [], "nothing half-written"

    first = api.post("/pijntest", json_body=body)
    again = api.post("/pijntest", json_body=body)
    assert (first.status, again.status) == (201, 200)
    assert first.body == again.body
    assert _entities(table_items()) == [
        "consent",
        "email_job",
        "lead",
        "submission",
        "submission_request",
        "used_challenge",
    ]


@pytest.mark.parametrize("code", UNAVAILABLE)
def test_an_intake_while_dynamodb_is_down_is_a_503_then_its_retry_succeeds_once(api, table_items, code):
    body = intake_request()
    with aws_failing("TransactWriteItems", code, times=None):
        response = api.post("/intake", json_body=body)
    _assert_unavailable(response)
    assert table_items() == []

    assert [api.post("/intake", json_body=body).status for _ in range(2)] == [202, 202]
    entities = _entities(table_items())
    assert entities.count("intake") == 1
    assert entities.count("email_job") == 2


@pytest.mark.parametrize("code", UNAVAILABLE)
def test_an_erasure_request_while_dynamodb_is_down_is_a_503_then_its_retry_sends_one_link(
    api, pollers, outbox, table_items, questionnaire, code
):
    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    before = table_items()
    with aws_failing("TransactWriteItems", code, times=None):
        response = api.post("/privacy/erase", json_body=erasure_request(EMAIL))
    _assert_unavailable(response)
    assert beside_spent_challenges(table_items()) == beside_spent_challenges(before), "only the spent challenge"

    assert [api.post("/privacy/erase", json_body=erasure_request(EMAIL)).status for _ in range(2)] == [202, 202]
    pollers.drain()
    assert len([email for email in outbox() if "verwijderen" in email["subject"]]) == 1


def _unsubscribed_person_with_erase_link(api, pollers, outbox, questionnaire):
    from tests.integration.test_consent_lifecycle import _token

    api.post("/pijntest", json_body=changed(submission(questionnaire), "consent.marketing", True))
    pollers.drain()
    (confirmation,) = [e for e in outbox() if "/confirm?token=" in e["text"]]
    assert api.post(action_links(confirmation)["/confirm"]).status == 200
    assert api.post(f"/unsubscribe?token={_token('unsubscribe')}").status == 200
    assert api.post("/privacy/erase", json_body=erasure_request(EMAIL)).status == 202
    pollers.drain()
    (email,) = [e for e in outbox() if "verwijderen" in e["subject"]]
    return action_links(email)["/privacy/erase/confirm"]


@pytest.mark.parametrize("failing", ["Query", "BatchWriteItem", "PutItem"])
def test_an_erasure_cut_short_by_dynamodb_is_a_503_page_and_the_retry_finishes_it(
    api, pollers, outbox, table_items, questionnaire, failing
):
    """Regression: the suppression marker of an unsubscribed person used to be written after the deletes,
    so an erasure cut short after deleting the lead lost it on the retry."""
    link = _unsubscribed_person_with_erase_link(api, pollers, outbox, questionnaire)
    # PutItem: the marker itself fails. BatchWriteItem: the first delete batch fails. Query: nothing read.
    with aws_failing(failing, "ThrottlingException", times=1):
        response = api.post(link)
    _assert_unavailable(response)
    assert response.headers["content-type"].startswith("text/html")
    assert "Het is even te druk" in response.text

    assert api.post(link).status == 200
    (marker,) = [item for item in beside_spent_challenges(table_items()) if item["entity"] != "erasure"]
    assert (marker["entity"], marker["scope"]) == ("suppression", "marketing")


def test_an_erasure_whose_deletes_were_cut_short_after_the_lead_went_keeps_the_marker(
    api, pollers, outbox, table_items, questionnaire, monkeypatch
):
    from pijnreset.handlers import erase

    link = _unsubscribed_person_with_erase_link(api, pollers, outbox, questionnaire)
    original = erase.people._delete
    batches: list[int] = []

    def one_item_then_throttled(keys):
        profile = [key for key in keys if key["sk"] == "PROFILE"]
        if not batches and profile:
            batches.append(1)
            original(profile)  # the lead is gone, then DynamoDB throttles the rest
            from tests.support.faults import aws_error

            raise aws_error("ThrottlingException", "BatchWriteItem")
        original(keys)

    monkeypatch.setattr(erase.people, "_delete", one_item_then_throttled)
    _assert_unavailable(api.post(link))
    assert api.post(link).status == 200
    (marker,) = [item for item in beside_spent_challenges(table_items()) if item["entity"] != "erasure"]
    assert marker["scope"] == "marketing"


@pytest.mark.parametrize(("path", "method"), [("/confirm", "POST"), ("/unsubscribe", "POST")])
def test_a_link_page_while_dynamodb_is_down_is_a_503_page_and_the_retry_works(
    api, pollers, outbox, questionnaire, path, method
):
    from tests.integration.test_consent_lifecycle import _token

    body = changed(submission(questionnaire), "consent.marketing", True)
    api.post("/pijntest", json_body=body)
    pollers.drain()
    ref = body["submission_id"] if path == "/confirm" else None  # a confirm link names its opt-in request
    link = f"{path}?token={_token(path.strip('/'), ref=ref)}"
    with aws_failing({"TransactWriteItems", "UpdateItem", "PutItem"}, "ProvisionedThroughputExceededException", None):
        response = api.request(method, link)
    _assert_unavailable(response)
    assert api.request(method, link).status == 200


@pytest.mark.parametrize("code", ["ServiceUnavailable", "connection"])
def test_ses_down_for_a_while_every_email_goes_out_after_it_and_none_twice(
    api, pollers, outbox, table_items, questionnaire, run_schedule, code
):
    """Long enough that every message used up its receives and sits on the dead-letter queue: the
    scheduled sweep puts each job, still pending, back on the queue once SES is back."""
    bodies = [changed(submission(questionnaire), "contact.email", f"bezoeker{n}@example.nl") for n in range(3)]
    for body in bodies:
        assert api.post("/pijntest", json_body=body).status == 201
    with aws_failing("SendEmail", code, times=None) as refused:
        pollers.drain()
    assert len(refused) >= 3
    assert outbox() == []
    assert {job["status"] for job in table_items() if job["entity"] == "email_job"} == {"pending"}

    run_schedule(days=1 / 24)  # an hour later: the sweep finds the stuck jobs
    pollers.drain()
    run_schedule(days=2 / 24)
    pollers.drain()
    recipients = sorted(email["to"] for email in outbox())
    assert recipients == sorted(f"Anna de Vries <bezoeker{n}@example.nl>" for n in range(3))
    assert {job["status"] for job in table_items() if job["entity"] == "email_job"} == {"sent"}
