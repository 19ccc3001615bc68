"""The coach's weekly digest: last week's funnel against the week before, open intakes, red flags and dead
letters, in both parts of one email to the coach, with nothing of a person in it; once per week."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from infra.lambda_events import schedule_event
from tests.support.payloads import changed, fresh, intake_request, submission


@pytest.fixture
def digest(api):
    (function,) = [f for f in api.gateway.functions if f.logical_id == "WeeklyDigestFunction"]
    return lambda days=7: function.invoke(schedule_event(datetime.now(UTC) + timedelta(days=days)))


def _digests(outbox):
    return [email for email in outbox() if email["subject"].startswith("Je week in cijfers")]


def test_the_digest_counts_last_week_and_holds_nothing_of_a_person(api, pollers, outbox, digest, questionnaire):
    body = changed(submission(questionnaire), "consent.marketing", True)  # Anna, nieuwsbrief
    assert api.post("/pijntest", json_body=body).status == 201
    urgent = fresh(submission(questionnaire, item_value=3, safety_yes=("red_saddle_numbness",)))
    urgent = changed(changed(urgent, "contact.email", "bram.jansen@example.nl"), "contact.name", "Bram Jansen")
    assert api.post("/pijntest", json_body=urgent).status == 201
    assert api.post("/intake", json_body=intake_request()).status == 202
    pollers.drain()
    before = len(outbox())

    answer = digest()  # a week on: the week of this traffic is "last week"
    assert answer["sent"] == 1
    assert digest()["sent"] == 0, "once per week"
    (email,) = _digests(outbox)
    assert len(outbox()) == before + 1
    assert email["to"] == "coach@pijnresetcoach.nl"
    for part in (email["text"], email["html"]):
        flat = " ".join(re.sub(r"<[^>]+>", " ", part).split())
        assert re.search(r"Test afgerond:? 2 ", flat), flat
        assert re.search(r"Nieuwe leads:? 2 ", flat), flat
        assert "Intakeaanvragen die nog op je wachten: 1" in flat
        assert "dringend advies om contact op te nemen met de huisarts: 1 " in flat
        for personal in ("anna", "bram", "jansen", "vries", "@example.nl", "06 1234", "rugpijn"):
            assert personal not in flat.lower(), f"{personal!r} in the digest"
        assert "niets in de wachtrijen" in flat


def test_the_digest_names_the_messages_waiting_on_a_dead_letter_queue(api, outbox, digest):
    import boto3

    (function,) = [f for f in api.gateway.functions if f.logical_id == "WeeklyDigestFunction"]
    function.entry()  # imported with the stack's settings
    from pijnreset.handlers import weekly_digest

    sqs = boto3.client("sqs")
    for _ in range(2):
        sqs.send_message(QueueUrl=weekly_digest.settings.email_dead_letter_queue_url, MessageBody="{}")
    assert digest(0)["sent"] == 1
    (email,) = _digests(outbox)
    for part in (email["text"], email["html"]):
        flat = " ".join(re.sub(r"<[^>]+>", " ", part).split())
        assert re.search(r"E-mails die niet verstuurd konden worden:? 2", flat), flat
        assert "E-mails die de wachtrij niet bereikten" in flat


def test_a_failed_send_leaves_the_week_unmarked_so_the_retry_sends_it(api, outbox, digest):
    from pijnreset.models.email_errors import SendError

    from tests.support.faults import aws_failing

    with aws_failing("SendEmail", "MessageRejected", times=1), pytest.raises(SendError):
        digest()
    assert _digests(outbox) == []
    assert digest()["sent"] == 1
