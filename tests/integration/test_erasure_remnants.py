"""What an erasure leaves, and where personal data could outlive it: the stream, backups, queues, SES's list.

Through the handlers on moto: the stream carries keys only; every erasure leaves a hashed marker and
``pijnreset reapply-erasures`` erases again after a restore; a marker that could not be written waits on the
async-failure queue as ids; erasure takes the address off SES's suppression list; a suppressed address's
erasure request reaches the coach. And the smaller ones of the same issue: the sent mark is retried, never
released; the outbox sweep leaves jobs the queue may still hold, within a time budget; only our own
configuration set's notifications count; the coach's own address is never suppressed.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.stub import Stubber
from pijnreset.dal.ses_suppression import SesSuppressionList
from pijnreset.dal.suppressions import Suppressions
from pijnreset.logic.identity import lead_id_for

from infra.aws import moto_client
from infra.template import REGION, load_template
from tests.support.aws import beside_spent_challenges
from tests.support.faults import aws_failing
from tests.support.links import action_links
from tests.support.payloads import changed, erasure_request, intake_request, submission

EMAIL = "anna.de.vries@example.nl"
LEAD = lead_id_for(EMAIL)
COACH = "coach@pijnresetcoach.nl"
PII = ("anna", "vries", "06 12345678", "rugpijn")


@pytest.fixture
def ses_event(stack, api):
    """Delivers an SES notification to the events function the way SNS does (from ``topic``, by default ours)."""
    from infra.lambda_events import ses_notification, sns_event

    function = next(f for f in api.gateway.functions if f.logical_id == "SesEventsFunction")

    def deliver(kind, email, *, configuration_set=None, topic=None):
        topic = topic or stack.attributes[("SesEventsTopic", "TopicArn")]
        return function.invoke(sns_event(topic, ses_notification(kind, email, configuration_set)))

    return deliver


def _erase_link(api, pollers, outbox):
    assert api.post("/privacy/erase", json_body=erasure_request(EMAIL)).status == 202
    pollers.drain()
    (email,) = [e for e in outbox() if e["subject"] == "Bevestig het verwijderen van je gegevens"]
    return email, action_links(email)["/privacy/erase/confirm"]


def _of_the_person(items, lead=LEAD):
    return [item for item in items if lead in json.dumps(item) and item.get("entity") not in ("erasure", "suppression")]


def _stream_records(stack):
    streams = moto_client("dynamodbstreams")
    arn = stack.attributes[("LeadsTable", "StreamArn")]
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")
        records += streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=1000)["Records"]
    return records


# --- the stream -----------------------------------------------------------------------------------------
def test_the_stream_holds_keys_only_through_a_whole_lifecycle_and_its_erasure(
    stack, api, pollers, outbox, questionnaire
):
    api.post("/pijntest", json_body=changed(submission(questionnaire), "consent.marketing", True))
    api.post("/intake", json_body=intake_request())
    pollers.drain()
    _, link = _erase_link(api, pollers, outbox)
    assert api.post(link).status == 200
    pollers.drain()
    records = _stream_records(stack)
    assert {record["eventName"] for record in records} >= {"INSERT", "MODIFY", "REMOVE"}
    for record in records:
        assert set(record["dynamodb"]) <= {
            "Keys",
            "SequenceNumber",
            "SizeBytes",
            "StreamViewType",
            "ApproximateCreationDateTime",
        }, record
        assert not any(word in json.dumps(record, default=str).lower() for word in PII), record
    assert len([e for e in outbox() if "intakegesprek" in e["subject"].lower()]) == 2, "the relay still relays"


def test_the_relay_queues_each_pending_job_and_emits_no_metric(api, pollers, outbox, questionnaire, capsys):
    api.post("/pijntest", json_body=submission(questionnaire))
    api.post("/pijntest", json_body=submission(questionnaire, item_value=1))
    pollers.drain()
    assert '"_aws"' not in capsys.readouterr().out, "a new lead is the funnel's count, not a CloudWatch metric"
    assert len(outbox()) == 2


def test_a_job_erased_before_the_relay_reads_it_is_not_queued(api, pollers, outbox, questionnaire, cli, stack):
    api.post("/pijntest", json_body=submission(questionnaire))
    assert cli("erase", "--email", EMAIL, "--yes", "--table", os.environ["TABLE_NAME"])[0] == 0
    pollers.drain()
    assert outbox() == [], "the stream said a job was written; the relay found it gone and queued nothing"


# --- the erasure marker and a restore -------------------------------------------------------------------
def test_the_erasure_marker_is_a_hash_and_a_time_kept_one_day_past_the_backups(
    api, pollers, outbox, questionnaire, table_items
):
    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    _, link = _erase_link(api, pollers, outbox)
    before = datetime.now(UTC)
    assert api.post(link).status == 200
    (marker,) = [item for item in table_items() if item["entity"] == "erasure"]
    assert (marker["pk"], marker["lead_id"], marker["gsi1pk"]) == (f"ERASURE#{LEAD}", LEAD, "ERASURES")
    days = int(os.environ["BACKUP_RECOVERY_DAYS"])
    assert days == 7, "the template's default"
    expected = (before + timedelta(days=days + 1)).timestamp()
    assert abs(int(marker["expires_at"]) - expected) < 60
    assert not any(word in json.dumps(marker).lower() for word in PII)


def _copy_table(client, source: str, target: str) -> None:
    """A restore from backup, as far as the data goes: a new table with the items ``source`` held then."""
    table = client.describe_table(TableName=source)["Table"]
    client.create_table(
        TableName=target,
        AttributeDefinitions=table["AttributeDefinitions"],
        KeySchema=table["KeySchema"],
        GlobalSecondaryIndexes=[
            {"IndexName": index["IndexName"], "KeySchema": index["KeySchema"], "Projection": index["Projection"]}
            for index in table["GlobalSecondaryIndexes"]
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for page in client.get_paginator("scan").paginate(TableName=source):
        for item in page["Items"]:
            client.put_item(TableName=target, Item=item)


def test_reapply_erasures_after_a_restore_erases_the_person_again_and_only_them(
    api, pollers, outbox, questionnaire, cli, table_items
):
    live = os.environ["TABLE_NAME"]
    client = boto3.client("dynamodb", region_name=REGION)
    bert = changed(submission(questionnaire), "contact", {"name": "Bert Jansen", "email": "bert@example.nl"})
    carla = changed(submission(questionnaire), "contact", {"name": "Carla Smit", "email": "carla@example.nl"})
    for body in (submission(questionnaire), bert, carla):
        assert api.post("/pijntest", json_body=body).status == 201
    pollers.drain()
    assert cli("erase", "--email", "bert@example.nl", "--yes", "--table", live)[0] == 0  # before the backup
    _copy_table(client, live, "restored")  # the backup is taken now...
    _, link = _erase_link(api, pollers, outbox)
    assert api.post(link).status == 200  # ...and Anna is erased after it
    restored_before = _scan(client, "restored")
    assert _of_the_person(restored_before), "the restore brought Anna back"

    code, out = cli("reapply-erasures", "--from-table", live, "--table", "restored")
    assert code == 0
    assert "2 verwijdermarkeringen gelezen; 1 personen opnieuw verwijderd" in out
    restored = _scan(client, "restored")
    assert _of_the_person(restored) == [], "Anna is gone again"
    (marker,) = [item for item in restored if item.get("pk") == f"ERASURE#{LEAD}"]
    (source,) = [item for item in table_items() if item.get("pk") == f"ERASURE#{LEAD}"]
    assert marker["erased_at"] == source["erased_at"], "the restored table records the original erasure"
    carla_lead = lead_id_for("carla@example.nl")
    assert _of_the_person(restored, carla_lead) == _of_the_person(restored_before, carla_lead), "Carla untouched"

    assert "0 personen opnieuw verwijderd" in cli("reapply-erasures", "--from-table", live, "--table", "restored")[1]


def _scan(client, table):
    from pijnreset.dal.table import from_item

    return [from_item(item) for item in client.scan(TableName=table)["Items"]]


# --- the async-failure queue ------------------------------------------------------------------------------
def _failure_messages(stack):
    sqs = moto_client("sqs")
    url = stack.attributes[("AsyncFailureQueue", "QueueUrl")]
    return [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])]


def test_a_marker_that_cannot_be_written_waits_on_the_failure_queue_as_ids_only(stack, ses_event, table_items):
    with aws_failing("PutItem", times=None) as failed:
        counts = ses_event("complaint", EMAIL)
    assert failed == ["PutItem"]
    assert counts["SesComplaintSuppressed"] == 1
    assert table_items() == []
    (body,) = _failure_messages(stack)
    payload = json.loads(body)
    (unwritten,) = payload["unwritten_suppressions"]
    assert set(unwritten) == {"lead_id", "reason", "at"}
    assert (unwritten["lead_id"], unwritten["reason"]) == (LEAD, "complaint")
    assert "@" not in body, "no address, no SES event: ids only"
    assert counts["SesSuppressionDeferred"] == 1, "in the log line; AsyncFailureQueueAlarm tells the operator"


def test_when_the_failure_queue_is_unreachable_too_the_invocation_fails_for_lambda_to_retry(stack, ses_event):
    with aws_failing({"PutItem", "SendMessage"}, times=None), pytest.raises(Exception, match="Throttling"):
        ses_event("bounce", EMAIL)


def test_the_ses_events_function_has_no_destination_that_would_keep_whole_events():
    function = load_template()["Resources"]["SesEventsFunction"]["Properties"]
    assert "DestinationConfig" not in function["EventInvokeConfig"]
    assert "DeadLetterQueue" not in function


# --- SES's account suppression list -----------------------------------------------------------------------
def test_erasure_takes_the_address_off_ses_list_and_keeps_its_reason_as_a_hashed_marker(
    api, pollers, outbox, questionnaire, table_items
):
    sesv2 = moto_client("sesv2")
    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    _, link = _erase_link(api, pollers, outbox)
    # SES put the address on its list (a complaint our handler never heard of): no marker of ours yet.
    sesv2.put_suppressed_destination(EmailAddress=EMAIL, Reason="COMPLAINT")
    assert api.post(link).status == 200
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_suppressed_destination(EmailAddress=EMAIL)
    (marker,) = [item for item in table_items() if item["entity"] == "suppression"]
    assert (marker["pk"], marker["scope"], marker["reason"]) == (f"SUPPRESSION#{LEAD}", "all", "complaint")
    assert set(marker) == {"pk", "sk", "entity", "scope", "reason", "at"}

    api.post("/pijntest", json_body=submission(questionnaire))  # they come back: still no email to them
    pollers.drain()
    results = [e for e in outbox() if e["subject"] == "Je uitslag van de Pijntest"]
    assert len(results) == 1, "only the first result email, from before the erasure"


def test_an_address_ses_does_not_suppress_gets_no_marker(api, pollers, outbox, questionnaire, table_items):
    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    _, link = _erase_link(api, pollers, outbox)
    assert api.post(link).status == 200
    assert [item["entity"] for item in beside_spent_challenges(table_items())] == ["erasure"]


def test_the_suppression_list_calls_are_sesv2s_own_api():
    """moto lacks the suppression list, so the local emulation is checked against botocore's own model here."""
    client = boto3.client("sesv2", region_name=REGION)
    when = datetime.now(UTC)
    with Stubber(client) as stub:
        stub.add_response(
            "get_suppressed_destination",
            {"SuppressedDestination": {"EmailAddress": EMAIL, "Reason": "BOUNCE", "LastUpdateTime": when}},
            {"EmailAddress": EMAIL},
        )
        stub.add_response("delete_suppressed_destination", {}, {"EmailAddress": EMAIL})
        stub.add_client_error(
            "get_suppressed_destination", "NotFoundException", expected_params={"EmailAddress": EMAIL}
        )
        stub.add_client_error(
            "delete_suppressed_destination", "NotFoundException", expected_params={"EmailAddress": EMAIL}
        )
        listed = SesSuppressionList(client)
        assert listed.reason(EMAIL) == "bounce"
        listed.remove(EMAIL)
        assert listed.reason(EMAIL) is None
        listed.remove(EMAIL)  # not on it: nothing to do
        stub.assert_no_pending_responses()


# --- a suppressed address asks for erasure ----------------------------------------------------------------
def test_a_suppressed_address_asking_for_erasure_reaches_the_coach_who_erases_it(
    api, pollers, outbox, questionnaire, ses_event, cli, table_items, log_lines
):
    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    assert ses_event("complaint", EMAIL)["SesComplaintSuppressed"] == 1
    before = len(outbox())
    assert api.post("/privacy/erase", json_body=erasure_request(EMAIL)).status == 202
    pollers.drain()
    (notice,) = outbox()[: len(outbox()) - before]
    assert COACH in notice["to"]
    assert notice["subject"] == "Verzoek om verwijdering: voer het zelf uit"
    assert f"pijnreset erase --email {EMAIL}" in notice["text"].lower()
    assert "Anna de Vries" not in notice["text"] + notice["html"], "the address only: nothing else of them"
    handled = [(line["outcome"], line.get("kind")) for line in log_lines("email job handled")]
    assert ("sent", "erase_request_coach") in handled
    assert not [e for e in outbox() if EMAIL in e["to"].lower()][before:], "nothing went to the suppressed address"

    assert cli("erase", "--email", EMAIL, "--yes", "--table", os.environ["TABLE_NAME"])[0] == 0
    assert sorted(item["entity"] for item in beside_spent_challenges(table_items())) == ["erasure", "suppression"]


# --- the sent mark ----------------------------------------------------------------------------------------
def test_a_failed_sent_mark_is_retried_and_the_email_goes_out_once(
    api, pollers, outbox, questionnaire, table_items, monkeypatch
):
    from pijnreset.handlers import email_sender

    monkeypatch.setattr(email_sender.deliverer, "pause", lambda seconds: None)
    api.post("/pijntest", json_body=submission(questionnaire))
    with aws_failing("UpdateItem", times=2, after=1) as failed:  # the claim passes; the mark fails twice
        pollers.drain()
    assert failed == ["UpdateItem", "UpdateItem"]
    assert len(outbox()) == 1
    (job,) = [item for item in table_items() if item["entity"] == "email_job"]
    assert job["status"] == "sent"


def test_a_sent_mark_that_keeps_failing_keeps_the_claim_so_nothing_is_sent_twice(
    api, pollers, outbox, questionnaire, table_items, monkeypatch, run_schedule, capsys
):
    from pijnreset.handlers import email_sender

    monkeypatch.setattr(email_sender.deliverer, "pause", lambda seconds: None)
    api.post("/pijntest", json_body=submission(questionnaire))
    with aws_failing("UpdateItem", times=None, after=1):
        pollers.drain()
    assert len(outbox()) == 1
    (job,) = [item for item in table_items() if item["entity"] == "email_job"]
    assert job["status"] == "sending", "still claimed: not released for another send"
    assert "EmailSentUnmarked" in capsys.readouterr().out  # EmailSentUnmarkedAlarm
    run_schedule(days=1)
    pollers.drain()
    assert len(outbox()) == 1, "neither a redelivery nor the sweep sends it again"


# --- the outbox sweep -------------------------------------------------------------------------------------
def test_the_sweep_waits_longer_than_the_queue_could_hold_a_message():
    from pijnreset.logic import due_work

    queue = load_template()["Resources"]["EmailQueue"]["Properties"]
    could_hold = queue["VisibilityTimeout"] * queue["RedrivePolicy"]["maxReceiveCount"] + 15 * 60
    assert due_work.STUCK_AFTER.total_seconds() >= could_hold


def test_the_sweep_stops_within_its_time_budget_and_goes_on_next_time(api, pollers, outbox, questionnaire, monkeypatch):
    from pijnreset.handlers import due_work, outbox_relay

    monkeypatch.setattr(outbox_relay.queue, "enqueue", lambda *a, **k: None)  # the relay loses the job
    api.post("/pijntest", json_body=submission(questionnaire))
    pollers.drain()
    monkeypatch.undo()
    later = datetime.now(UTC) + timedelta(hours=1)
    assert due_work.run(later, seconds_left=lambda: 5.0) == {
        "followups_enqueued": 0,
        "reminders_enqueued": 0,
        "jobs_swept": 0,
        "out_of_time": 1,
    }
    assert due_work.run(later)["jobs_swept"] == 1
    pollers.drain()
    assert len(outbox()) == 1


# --- the SES events topic ---------------------------------------------------------------------------------
def test_only_the_configuration_set_may_publish_to_the_ses_events_topic():
    policy = load_template()["Resources"]["SesEventsTopicPolicy"]["Properties"]["PolicyDocument"]
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"Service": "ses.amazonaws.com"}
    source_arn = statement["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source_arn.endswith(":configuration-set/${EmailConfigurationSet}")


def test_notifications_of_another_configuration_set_or_topic_suppress_nobody(ses_event, table_items):
    assert ses_event("complaint", EMAIL, configuration_set="someone-elses")["SesEventForeign"] == 1
    other_topic = "arn:aws:sns:eu-west-1:123456789012:not-ours"
    assert ses_event("complaint", EMAIL, topic=other_topic)["SesEventForeign"] == 1
    assert table_items() == []
    assert ses_event("complaint", EMAIL)["SesComplaintSuppressed"] == 1, "our own still counts"


# --- the coach's notices ----------------------------------------------------------------------------------
def test_the_coachs_own_address_is_never_suppressed_and_intake_notices_keep_coming(
    api, pollers, outbox, questionnaire, ses_event, table_items
):
    counts = ses_event("complaint", COACH)
    assert counts["SesCoachAddressRejected"] == 1
    assert counts["SesComplaintSuppressed"] == 0
    assert table_items() == [], "no marker for the coach's address"
    # Even a marker for it (written before this rule, or by hand) does not stop the coach's notices,
    # nor does the prospect's own suppression.
    Suppressions(os.environ["TABLE_NAME"]).suppress(lead_id_for(COACH), "complaint", datetime.now(UTC))
    ses_event("complaint", EMAIL)
    assert api.post("/intake", json_body=intake_request()).status == 202
    pollers.drain()
    (notice,) = outbox()
    assert COACH in notice["to"]
    assert "intakegesprek" in notice["subject"]
