"""Result emails: from the submit transaction through the outbox relay and the queue to SES, exactly once."""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from pijnreset.content.emails import email_templates
from pijnreset.content.loader import default_templates_dir
from pijnreset.dal.table import from_item
from pijnreset.timestamps import iso

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


def _handled(log_lines) -> Counter[tuple[str, str]]:
    """The sender's outcomes by (outcome, kind; None when the job was not read), from its log lines."""
    return Counter((line["outcome"], line.get("kind")) for line in log_lines("email job handled"))


def _metrics(out: str) -> Counter[str]:
    """The metrics the functions emitted (CloudWatch embedded metric format lines), summed by name."""
    counts: Counter[str] = Counter()
    for line in out.splitlines():
        if line.startswith('{"_aws"'):
            record = json.loads(line)
            for metric in record["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
                counts[metric["Name"]] += int(sum(record[metric["Name"]]))
    return counts


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
    assert job["template_version"] == email_templates(default_templates_dir()).catalog.version
    assert job["attempts"] == 1


def test_every_send_names_the_configuration_set_and_uses_raw_mime(api, pollers, aws_calls, questionnaire):
    api.post("/pijntest", json_body=submission(questionnaire))
    api.post("/pijntest", json_body=changed(submission(questionnaire), "contact.email", "bram@example.nl"))
    pollers.drain()
    sends = aws_calls.params_of("sesv2", "SendEmail")
    assert len(sends) == 2
    assert {send["ConfigurationSetName"] for send in sends} == {os.environ["SES_CONFIGURATION_SET"]}
    assert all("Raw" in send["Content"] for send in sends)


def test_the_sender_starts_a_send_only_with_time_for_its_ses_client_s_own_timeout(pollers):
    """The SES client tries once and waits its read timeout at most; the margin the sender keeps before the
    invocation's end is taken from that client, so the two cannot drift apart."""
    from pijnreset.handlers import email_sender

    config = email_sender.deliverer.mailer._client.meta.config  # type: ignore[attr-defined]
    assert config.retries["total_max_attempts"] == 1
    assert email_sender.deliverer.mailer.read_timeout_seconds == config.read_timeout
    assert config.read_timeout < email_sender.deliverer.send_margin_seconds


def test_a_duplicate_delivery_sends_nothing_more(api, pollers, outbox, table_items, questionnaire, log_lines):
    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    (job,) = _jobs(table_items)
    sqs = boto3.client("sqs", region_name=REGION)
    sqs.send_message(QueueUrl=os.environ["EMAIL_QUEUE_URL"], MessageBody=json.dumps({"pk": job["pk"], "sk": job["sk"]}))
    pollers.drain()
    assert len(outbox()) == 1
    assert _handled(log_lines)["already_done", None] == 1


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


QUOTA_EXCEEDED = [
    ("TooManyRequestsException", "Daily message quota exceeded."),
    ("Throttling", "Daily message quota exceeded"),
]


@pytest.mark.parametrize(("code", "message"), QUOTA_EXCEEDED)
def test_a_used_up_daily_quota_waits_hours_and_loses_nothing(
    api, pollers, outbox, table_items, questionnaire, monkeypatch, aws_calls, capsys, run_schedule, code, message
):
    api.post("/pijntest", json_body=submission(questionnaire))
    before = datetime.now(UTC)
    with ses_refusing(monkeypatch, code, message, times=1):
        pollers.drain()
    assert outbox() == []
    (job,) = _jobs(table_items)
    assert job["status"] == "pending"
    assert job["last_error"] == code
    (requeue,) = _requeued(aws_calls)
    assert requeue["DelaySeconds"] == 900, "as long as SQS can; the rest of the wait travels with the message"
    not_before = datetime.fromisoformat(json.loads(requeue["MessageBody"])["not_before"])
    assert timedelta(hours=2) <= not_before - before <= timedelta(hours=3, minutes=1)
    assert job["deferred_until"] == iso(not_before), "the outbox sweep leaves it alone until then"
    assert _queue_depth(os.environ["EMAIL_QUEUE_URL"].rsplit("/", 1)[1]) == 1, "the job waits on the queue"
    assert "EmailDeferred_quota_exceeded" in capsys.readouterr().out  # SesSendingBlockedAlarm
    assert _swept(run_schedule(days=1.9 / 24)) == 0, "waiting on the queue: not stuck"
    assert _swept(run_schedule(days=3.9 / 24)) == 1, "long past its wait and still pending: its message is lost"


def _swept(results: list) -> int:
    return sum(result.get("jobs_swept", 0) for result in results if isinstance(result, dict))


def test_paused_sending_waits_15_minutes_and_loses_nothing(
    api, pollers, outbox, table_items, questionnaire, monkeypatch, aws_calls, capsys
):
    api.post("/pijntest", json_body=submission(questionnaire))
    with ses_refusing(monkeypatch, "SendingPausedException", "Sending is paused for this account.", times=1):
        pollers.drain()
    assert outbox() == []
    (job,) = _jobs(table_items)
    assert (job["status"], job["last_error"]) == ("pending", "SendingPausedException")
    (requeue,) = _requeued(aws_calls)
    assert requeue["DelaySeconds"] == 900
    assert json.loads(requeue["MessageBody"])["not_before"] is None, "15 minutes: SQS's own delay is enough"
    assert _queue_depth(os.environ["EMAIL_QUEUE_URL"].rsplit("/", 1)[1]) == 1
    assert "EmailDeferred_sending_paused" in capsys.readouterr().out


@pytest.fixture
def sqs_time(monkeypatch):
    """SQS delays pass at once, and the sender's clock moves on by each: the sender's re-queued messages
    come back when SQS would return them, by the sender's clock. Yields the delays asked for, in order."""
    from pijnreset.handlers import email_sender

    start = datetime.now(UTC)
    passed = timedelta(0)
    delays: list[int] = []
    enqueue = email_sender.deliverer.queue.enqueue

    def delayed(message, delay_seconds=0):
        nonlocal passed
        delays.append(delay_seconds)
        passed += timedelta(seconds=delay_seconds)
        enqueue(message, 0)

    monkeypatch.setattr(email_sender.deliverer.queue, "enqueue", delayed)
    monkeypatch.setattr(email_sender.deliverer, "clock", lambda: start + passed)
    return delays


def test_after_the_quota_wait_the_email_is_sent_exactly_once_and_early_returns_touch_nothing(
    api, pollers, outbox, table_items, questionnaire, monkeypatch, aws_calls, capsys, sqs_time, log_lines
):
    from pijnreset.handlers import email_sender

    api.post("/pijntest", json_body=submission(questionnaire))
    aws_calls.clear()
    sends_when: list[int] = []  # how many SQS delays had passed at each SES call
    with ses_refusing(monkeypatch, "Throttling", "Daily message quota exceeded.", times=1) as answers:
        client = email_sender.deliverer.mailer._client  # type: ignore[attr-defined]
        refusing = client.send_email
        monkeypatch.setattr(client, "send_email", lambda **kw: sends_when.append(len(sqs_time)) or refusing(**kw))
        pollers.drain()
    sender_calls = aws_calls.of("dynamodb")
    # The relay reads the job's status (the stream has keys only), and counts the new lead in the funnel: it
    # reads the lead's counter and marks it counted with the count, once (dal/funnel.py).
    relay_calls, sender_calls = sender_calls[:3], sender_calls[3:]
    assert relay_calls == ["BatchGetItem", "GetItem", "TransactWriteItems"]
    assert sender_calls == ["UpdateItem", "BatchGetItem", "UpdateItem"] * 2, "claim, load, release / mark sent"
    assert answers == ["Throttling", "sent"], "SES: refused once, then one send, nothing in between"
    assert sends_when == [0, len(sqs_time)], "the send came after the last hop"
    hops = sqs_time[1:]
    assert 8 <= len(hops) <= 12
    assert set(hops[:-1]) == {900}
    assert timedelta(hours=2) <= timedelta(seconds=sum(sqs_time)) <= timedelta(hours=3, seconds=1)
    (email,) = outbox()
    (job,) = _jobs(table_items)
    assert (job["status"], job["attempts"], job["ses_message_id"]) == ("sent", 2, email["id"])
    metrics = _metrics(capsys.readouterr().out)
    assert (metrics["EmailDeferred_quota_exceeded"], metrics["EmailWaitHop"]) == (1, len(hops)), "a hop is no refusal"
    assert set(metrics) == {"EmailDeferred_quota_exceeded", "EmailWaitHop"}, "the alarmed metrics only"
    handled = _handled(log_lines)
    assert handled["sent", "result"] == 1
    assert not [outcome for outcome, _ in handled if outcome == "failed"]
    assert _queue_depth(os.environ["EMAIL_QUEUE_URL"].rsplit("/", 1)[1]) == 0


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("MessageRejected", "Email address is not verified."),
        ("BadRequestException", "Illegal address"),
    ],
)
def test_a_rejected_message_fails_the_job_for_good_without_retry(
    api, pollers, outbox, table_items, questionnaire, monkeypatch, log_lines, code, message
):
    api.post("/pijntest", json_body=submission(questionnaire))
    with ses_refusing(monkeypatch, code, message, times=5) as answers:
        pollers.drain()
    assert answers == [code], "tried once, never again"
    assert outbox() == []
    (job,) = _jobs(table_items)
    assert (job["status"], job["failure"]) == ("failed", code)
    assert _queue_depth(os.environ["EMAIL_QUEUE_URL"].rsplit("/", 1)[1]) == 0
    assert _handled(log_lines) == {("failed", "result"): 1}


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


# Markup in a name is refused at the door now (tests/unit/test_names.py); what a name may hold still renders
# escaped and stays inside the To header.
@pytest.mark.parametrize("name", ["O'Brien-de Vries", "Zoë D’Angelo", "Ä" * 100])
def test_a_visitor_name_renders_escaped_and_stays_inside_the_to_header(api, pollers, outbox, questionnaire, name):
    import html

    api.post("/pijntest", json_body=changed(submission(questionnaire), "contact.name", name))
    pollers.drain()
    (email,) = outbox()
    assert f"Hoi {name}," in html.unescape(email["html"])
    assert f"Hoi {name}," in email["text"]
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


def test_a_batch_the_invocation_has_no_time_to_pace_is_handed_back_and_each_email_sent_once(
    api, pollers, outbox, table_items, questionnaire, monkeypatch, aws_calls, capsys, sqs_time, log_lines
):
    """At 0.1 sends per second (the SES sandbox's 1 per second over 10 senders), a 30-second invocation
    has time for two or three sends of its batch; it hands the rest back instead of timing out."""
    from pijnreset.handlers import email_sender
    from pijnreset.logic.email.rules import Pacer

    from infra.lambda_events import LocalLambdaContext

    clock = [0.0]  # the pacer's and the invocations' monotonic time; only the pacer's waits move it
    deadlines: list[float] = []
    sends_left: list[float] = []

    def started(context: LocalLambdaContext) -> None:
        context._deadline = clock[0] + context.timeout_seconds
        deadlines.append(context._deadline)

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    monkeypatch.setattr(LocalLambdaContext, "__post_init__", started)
    monkeypatch.setattr(LocalLambdaContext, "get_remaining_time_in_millis", lambda c: (c._deadline - clock[0]) * 1000)
    monkeypatch.setattr(email_sender.deliverer, "pacer", Pacer(0.1, clock=lambda: clock[0], sleep=sleep))
    mailer = email_sender.deliverer.mailer
    send = mailer.send
    monkeypatch.setattr(mailer, "send", lambda *a: sends_left.append(deadlines[-1] - clock[0]) or send(*a))

    addresses = [f"lezer{n}@example.nl" for n in range(5)]
    for address in addresses:
        api.post("/pijntest", json_body=changed(submission(questionnaire), "contact.email", address))
    pollers.drain()

    assert sorted(email["to"].split("<")[1].rstrip(">") for email in outbox()) == addresses
    assert len(aws_calls.params_of("sesv2", "SendEmail")) == 5
    assert all(left >= email_sender.deliverer.send_margin_seconds for left in sends_left), (
        "no send started without time to finish"
    )
    jobs = _jobs(table_items)
    assert {(job["status"], job["attempts"]) for job in jobs} == {("sent", 1)}, "handed back unclaimed"
    assert sqs_time, "some were handed back"
    assert set(sqs_time) == {10}, "handed back for one pacing interval"
    assert _metrics(capsys.readouterr().out) == Counter(), "nothing an operator needs to hear of"
    handled = _handled(log_lines)
    assert (handled["sent", "result"], handled["handed_back", None]) == (5, len(sqs_time)), "handed back unread"
    assert not [outcome for outcome, _ in handled if outcome == "failed"]
    assert _queue_depth(os.environ["EMAIL_QUEUE_URL"].rsplit("/", 1)[1]) == 0
    assert _queue_depth("pijnreset-local-EmailDeadLetterQueue") == 0
