"""Result emails: from the submit transaction through the outbox relay and the queue to SES, exactly once."""

from __future__ import annotations

import json
import os

import boto3
import pytest
from pijnreset.dal.leads_table import from_item

from infra.template import REGION
from tests.support.payloads import changed, submission
from tests.support.ses import ses_refusing


@pytest.fixture
def no_waiting(monkeypatch):
    """Deferred jobs come back at once instead of after SES's backoff."""
    from pijnreset.handlers import email_sender

    monkeypatch.setattr(email_sender.deliverer, "delay_policy", lambda error_class, attempt: 0)


def _words(text: str) -> str:
    return " ".join(text.split()).lower()


def _requeued(aws_calls):
    """The messages the sender put back on the queue (the relay's first one has attempt 0)."""
    sends = aws_calls.params_of("sqs", "SendMessage")
    return [send for send in sends if json.loads(send["MessageBody"]).get("attempt", 0) > 0]


def _jobs(table_items):
    return [item for item in table_items() if item["entity"] == "email_job"]


def _queue_depth(name: str) -> int:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return sum(
        int(attributes[key])
        for key in (
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        )
    )


def test_a_submission_reaches_the_visitor_once_with_both_parts_and_the_disclaimer(
    api, pollers, outbox, table_items, questionnaire, content
):
    response = api.post("/pijntest", json_body=submission(questionnaire, item_value=2))
    assert outbox() == [], "nothing is sent on the request path"
    pollers.drain()
    (email,) = outbox()
    result = response.json()["result"]
    assert email["to"] == "Anna de Vries <anna.de.vries@example.nl>"
    assert email["from"] == "Pijn Reset Methode <pijntest@pijnresetcoach.nl>"
    headers = dict(email["headers"])
    assert headers["Reply-To"] == "coach@pijnresetcoach.nl"
    assert email["subject"] == "Je uitslag van de Pijntest"
    for part in (email["text"], email["html"]):
        assert _words(result["indication"]["title"]) in _words(part)
        assert _words(content.disclaimer.text) in _words(part)
    assert "Plan een intakegesprek" in email["html"]
    (job,) = _jobs(table_items)
    assert job["status"] == "sent"
    assert job["ses_message_id"] == email["id"]
    assert job["template_version"] == "emails-v1"
    assert job["attempts"] == 1


def test_every_send_names_the_configuration_set_and_uses_raw_mime(api, pollers, aws_calls, questionnaire):
    api.post("/pijntest", json_body=submission(questionnaire))
    api.post("/pijntest", json_body=changed(submission(questionnaire), "contact.email", "bram@example.nl"))
    pollers.drain()
    sends = aws_calls.params_of("sesv2", "SendEmail")
    assert len(sends) == 2
    assert {send["ConfigurationSetName"] for send in sends} == {os.environ["SES_CONFIGURATION_SET"]}
    assert all("Raw" in send["Content"] for send in sends)


def test_a_duplicate_delivery_sends_nothing_more(api, pollers, outbox, table_items, questionnaire, capsys):
    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    (job,) = _jobs(table_items)
    sqs = boto3.client("sqs", region_name=REGION)
    sqs.send_message(QueueUrl=os.environ["EMAIL_QUEUE_URL"], MessageBody=json.dumps({"pk": job["pk"], "sk": job["sk"]}))
    pollers.drain()
    assert len(outbox()) == 1
    assert "EmailDuplicateDelivery" in capsys.readouterr().out


def test_throttled_sends_come_back_later_and_send_exactly_once(
    api, pollers, outbox, table_items, questionnaire, monkeypatch, no_waiting, aws_calls
):
    api.post("/pijntest", json_body=submission(questionnaire))
    with ses_refusing(monkeypatch, "TooManyRequestsException", "Maximum sending rate exceeded.", times=3) as answers:
        pollers.drain()
    assert answers == ["TooManyRequestsException"] * 3 + ["sent"]
    assert len(outbox()) == 1
    (job,) = _jobs(table_items)
    assert job["status"] == "sent"
    assert job["attempts"] == 4
    requeued = _requeued(aws_calls)
    assert [json.loads(p["MessageBody"])["attempt"] for p in requeued] == [1, 2, 3]
    assert _queue_depth(os.environ["EMAIL_QUEUE_URL"].rsplit("/", 1)[1]) == 0


def test_throttling_backs_off_with_growing_delays(api, pollers, questionnaire, monkeypatch, aws_calls):
    api.post("/pijntest", json_body=submission(questionnaire))
    with ses_refusing(monkeypatch, "TooManyRequestsException", "Maximum sending rate exceeded.", times=1):
        pollers.drain()
    (requeue,) = _requeued(aws_calls)
    assert 2 <= requeue["DelaySeconds"] <= 4, "first backoff: 4 s with jitter"


@pytest.mark.parametrize(
    ("code", "message", "metric"),
    [
        ("TooManyRequestsException", "Daily message quota exceeded.", "EmailDeferred_quota_exceeded"),
        ("Throttling", "Daily message quota exceeded", "EmailDeferred_quota_exceeded"),
        ("SendingPausedException", "Sending is paused for this account.", "EmailDeferred_sending_paused"),
        ("AccountSuspendedException", "Account suspended.", "EmailDeferred_sending_paused"),
    ],
)
def test_quota_or_paused_sending_waits_15_minutes_and_loses_nothing(
    api, pollers, outbox, table_items, questionnaire, monkeypatch, aws_calls, capsys, code, message, metric
):
    api.post("/pijntest", json_body=submission(questionnaire))
    with ses_refusing(monkeypatch, code, message, times=1):
        pollers.drain()
    assert outbox() == []
    (job,) = _jobs(table_items)
    assert job["status"] == "pending"
    assert job["last_error"] == code
    (requeue,) = _requeued(aws_calls)
    assert requeue["DelaySeconds"] == 900
    assert _queue_depth(os.environ["EMAIL_QUEUE_URL"].rsplit("/", 1)[1]) == 1, "the job waits on the queue"
    assert metric in capsys.readouterr().out


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("MessageRejected", "Email address is not verified."),
        ("BadRequestException", "Illegal address"),
    ],
)
def test_a_rejected_message_fails_the_job_for_good_without_retry(
    api, pollers, outbox, table_items, questionnaire, monkeypatch, capsys, code, message
):
    api.post("/pijntest", json_body=submission(questionnaire))
    with ses_refusing(monkeypatch, code, message, times=5) as answers:
        pollers.drain()
    assert answers == [code], "tried once, never again"
    assert outbox() == []
    (job,) = _jobs(table_items)
    assert (job["status"], job["failure"]) == ("failed", code)
    assert _queue_depth(os.environ["EMAIL_QUEUE_URL"].rsplit("/", 1)[1]) == 0
    assert "EmailFailed_result" in capsys.readouterr().out


def test_a_transient_ses_error_is_retried_through_the_queue(
    api, pollers, outbox, table_items, questionnaire, monkeypatch
):
    api.post("/pijntest", json_body=submission(questionnaire))
    with ses_refusing(monkeypatch, "InternalFailure", "We encountered an internal error.", times=2) as answers:
        pollers.drain()
    assert answers == ["InternalFailure", "InternalFailure", "sent"]
    assert len(outbox()) == 1
    assert _jobs(table_items)[0]["status"] == "sent"


def test_a_poison_message_ends_on_the_dead_letter_queue_and_its_batch_is_unaffected(
    api, pollers, outbox, questionnaire
):
    sqs = boto3.client("sqs", region_name=REGION)
    sqs.send_message(QueueUrl=os.environ["EMAIL_QUEUE_URL"], MessageBody="this is not a job")
    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    assert len(outbox()) == 1
    dead_letter = sqs.get_queue_url(QueueName="pijnreset-local-EmailDeadLetterQueue")["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=dead_letter, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    assert [message["Body"] for message in messages] == ["this is not a job"]
    assert int(messages[0]["Attributes"]["ApproximateReceiveCount"]) >= 5
    assert _queue_depth(os.environ["EMAIL_QUEUE_URL"].rsplit("/", 1)[1]) == 0


def test_a_relay_failure_relays_the_job_later(api, pollers, outbox, questionnaire, monkeypatch):
    from pijnreset.handlers import outbox_relay

    original = outbox_relay.queue.enqueue
    attempts: list[str] = []

    def flaky(message, delay_seconds=0):
        attempts.append(message.sk)
        if len(attempts) == 1:
            raise ConnectionError("SQS unreachable")
        original(message, delay_seconds)

    monkeypatch.setattr(outbox_relay.queue, "enqueue", flaky)
    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    assert len(attempts) == 2
    assert len(outbox()) == 1


def test_a_job_whose_lead_is_gone_is_skipped_not_sent(api, pollers, outbox, table_items, questionnaire):
    api.post("/pijntest", json_body=submission(questionnaire))
    (lead,) = [item for item in table_items() if item["entity"] == "lead"]
    boto3.client("dynamodb", region_name=REGION).delete_item(
        TableName=os.environ["TABLE_NAME"], Key={"pk": {"S": lead["pk"]}, "sk": {"S": "PROFILE"}}
    )
    pollers.drain()
    assert outbox() == []
    (job,) = _jobs(table_items)
    assert (job["status"], job["skip_reason"]) == ("skipped", "lead or submission gone")


def test_the_urgent_email_gives_only_the_gp_today_advice(api, pollers, outbox, questionnaire):
    body = submission(questionnaire, item_value=3, safety_yes=("red_not_wanting_to_live",))
    api.post("/pijntest", json_body=body)
    pollers.drain()
    (email,) = outbox()
    assert email["subject"] == "Belangrijk: neem vandaag nog contact op met je huisarts"
    for part in (email["text"], " ".join(email["html"].split())):
        assert "huisartsenpost" in part
        assert "112" in part
        assert "0800-0113" in part
        assert "totaalscore" not in part
        assert "intakegesprek" not in part.lower()
        assert "traject" not in part
        assert "Wat je zelf kunt doen" not in part


def test_an_urgent_email_without_the_crisis_flag_leaves_out_113(api, pollers, outbox, questionnaire):
    api.post("/pijntest", json_body=submission(questionnaire, safety_yes=("red_fever_ill",)))
    pollers.drain()
    (email,) = outbox()
    assert "0800-0113" not in email["text"]
    assert "huisartsenpost" in email["text"]


def test_the_see_gp_email_leads_with_the_banner_and_changes_the_invitation(api, pollers, outbox, questionnaire):
    api.post("/pijntest", json_body=submission(questionnaire, item_value=2, context={"assessed": "no"}))
    pollers.drain()
    (email,) = outbox()
    assert email["subject"] == "Je uitslag van de Pijntest: bespreek dit eerst met je huisarts"
    text = email["text"]
    assert text.index("BESPREEK DIT EERST MET JE HUISARTS") < text.index("INDICATIE")
    assert "Eerst naar je huisarts, daarna een intake".upper() in text
    assert "Plan een intakegesprek:" not in text
    assert "Plan een intakegesprek</a>" not in email["html"]


@pytest.mark.parametrize(
    "name",
    ['<script>alert("x")</script> Anna', "<b>Anna</b> & <i>Bram</i>", "😀" * 100],
)
def test_a_visitor_name_renders_escaped_and_stays_inside_the_to_header(api, pollers, outbox, questionnaire, name):
    api.post("/pijntest", json_body=changed(submission(questionnaire), "contact.name", name))
    pollers.drain()
    (email,) = outbox()
    assert "<script>" not in email["html"]
    assert "<b>Anna</b>" not in email["html"]
    assert "&lt;" in email["html"] or "😀" in email["html"]
    headers = dict(email["headers"])
    assert set(headers) == {"From", "To", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"}
    assert headers["Subject"] == "Je uitslag van de Pijntest"
    assert headers["To"].endswith("<anna.de.vries@example.nl>")
    assert name[:20] not in headers["Subject"] + headers["From"] + headers["Reply-To"]
    raw_headers = email_raw_headers(outbox()[0])
    assert all(len(line) <= 998 for line in raw_headers.splitlines())


def email_raw_headers(email) -> str:
    from infra.local.outbox import sent_emails

    raw = next(item["raw"] for item in sent_emails() if item["id"] == email["id"])
    return raw.split("\n\n", 1)[0].split("\r\n\r\n", 1)[0]


def test_sent_job_items_keep_no_rendered_email(api, pollers, table_items, questionnaire):
    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    (job,) = _jobs(table_items)
    assert not any(isinstance(value, str) and "<html" in value for value in job.values())
    assert from_item  # items are read back through the same deserialiser the functions use
