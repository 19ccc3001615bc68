"""Intake emails end to end: the request's two jobs through the outbox relay, the queue and SES.

The coach gets everything needed to call back, red flags first; the prospect gets what happens next, and
the GP-today advice first when their latest Pijntest was urgent.
"""

from __future__ import annotations

import os
import re

import boto3
import pytest

from infra.template import REGION
from tests.support.payloads import changed, intake_request, submission

COACH = "coach@pijnresetcoach.nl"


def _words(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text).split()).lower()


def _visible_lines(html: str) -> list[str]:
    """The HTML as a reader sees it, line by line: no head, no hidden preheader, no tags."""
    body = re.split(r"<body[^>]*>", html, maxsplit=1)[1]
    body = re.sub(r"<span[^>]*display: ?none[^>]*>.*?</span>", "", body, flags=re.S)
    text = re.sub(r"<[^>]+>", "\n", body)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip() and line.strip() != "&nbsp;"]


def _emails(api, pollers, outbox, body, *pijntests):
    """The coach's and the prospect's email for the intake ``body``, after the ``pijntests`` and their emails."""
    for pijntest in pijntests:
        assert api.post("/pijntest", json_body=pijntest).status == 201
    pollers.drain()
    before = len(outbox())
    response = api.post("/intake", json_body=body)
    assert response.status == 202, response.body
    assert len(outbox()) == before, "nothing is sent on the request path"
    pollers.drain()
    emails = outbox()[: len(outbox()) - before]  # newest first
    assert len(emails) == 2
    coach = next(email for email in emails if email["to"] == COACH)
    prospect = next(email for email in emails if email["to"] != COACH)
    return coach, prospect


def test_the_coach_gets_contact_details_preferences_and_message_with_reply_to_the_prospect(
    api, pollers, outbox, content
):
    coach, _ = _emails(api, pollers, outbox, intake_request())
    headers = dict(coach["headers"])
    assert headers["Reply-To"] == "Anna de Vries <anna.de.vries@example.nl>"
    assert coach["from"] == "Pijn Reset Methode <pijntest@pijnresetcoach.nl>"
    assert coach["subject"] == "Nieuwe aanvraag voor een intakegesprek"
    for part in (coach["text"], coach["html"]):
        words = _words(part)
        for expected in (
            "anna de vries",
            "anna.de.vries@example.nl",
            "+31612345678",
            "telefonisch",
            "doordeweeks 's avonds of op zaterdag",
            "ik heb al twee jaar rugpijn.",
            "bellen kan na 18:00.",
            "geen pijntest gevonden bij dit e-mailadres",
        ):
            assert expected in words, expected
        assert _words(content.disclaimer.text) in words
    assert 'href="tel:+31612345678"' in coach["html"]


def test_the_prospect_learns_what_happens_next_and_replies_reach_the_coach(api, pollers, outbox, content):
    _, prospect = _emails(api, pollers, outbox, intake_request())
    assert prospect["to"] == "Anna de Vries <anna.de.vries@example.nl>"
    assert dict(prospect["headers"])["Reply-To"] == COACH
    assert prospect["subject"] == "Je aanvraag voor een intakegesprek is ontvangen"
    for part in (prospect["text"], prospect["html"]):
        words = _words(part)
        assert "de coach belt je binnen twee werkdagen, bij voorkeur doordeweeks 's avonds of op zaterdag" in words
        assert "vrijblijvend" in words
        assert "resultaten verschillen per persoon" in words
        assert _words(content.disclaimer.text) in words
        assert "huisartsenpost" not in words


def test_the_message_is_escaped_and_its_line_breaks_kept(api, pollers, outbox):
    message = '<script>alert("x")</script>\n<b>vet</b> & <a href="https://evil.example">klik</a>\n\nGroet'
    coach, _ = _emails(api, pollers, outbox, changed(intake_request(), "message", message))
    html = coach["html"]
    assert "<script>" not in html
    assert "<b>vet</b>" not in html
    assert '<a href="https://evil.example"' not in html
    # css-inline writes the escaped quotes back as plain ones: harmless in text, where no tag can start.
    assert '&lt;script&gt;alert("x")&lt;/script&gt;<br>' in html
    assert '&lt;b&gt;vet&lt;/b&gt; &amp; &lt;a href="https://evil.example"&gt;klik&lt;/a&gt;<br>' in html
    text = coach["text"].replace("\r\n", "\n")
    assert '> <script>alert("x")</script>\n> <b>vet</b> & <a href="https://evil.example">klik</a>\n>\n> Groet' in text


def test_visitor_text_reaches_no_header_but_the_sanitised_display_names(api, pollers, outbox):
    body = intake_request(name="J. de Vries")  # other names are refused; tests/unit/test_names.py: stored ones
    body = changed(body, "message", "Subject: gratis\nBcc: iedereen@example.nl")
    coach, prospect = _emails(api, pollers, outbox, body)
    for email in (coach, prospect):
        headers = dict(email["headers"])
        assert set(headers) == {
            "From",
            "To",
            "Reply-To",
            "Subject",
            "Date",
            "Message-ID",
            "MIME-Version",
            "Content-Type",
        }
        assert "gratis" not in headers["Subject"]
        assert "iedereen@example.nl" not in " ".join(headers.values())
    assert dict(coach["headers"])["Reply-To"] == '"J. de Vries" <anna.de.vries@example.nl>'


def test_the_coach_sees_the_latest_pijntest_summary(api, pollers, outbox, questionnaire):
    earlier, latest = submission(questionnaire, item_value=1), submission(questionnaire, item_value=2)
    coach, _ = _emails(api, pollers, outbox, intake_request(), earlier, latest)
    result = api.post("/pijntest", json_body=latest).json()["result"]  # a replay: the stored result
    for part in (coach["text"], coach["html"]):
        words = _words(part)
        assert f"uitkomst: {_words(result['indication']['title'])} ({result['total']} van 48)" in words
        for domain in result["domains"]:
            assert _words(f"{domain['label']}: {domain['score']} van {domain['max']}") in words
        assert "urgent" not in words
        assert "geen pijntest gevonden" not in words


def test_an_urgent_pijntest_is_the_first_line_of_both_emails(api, pollers, outbox, questionnaire, content):
    urgent_test = submission(questionnaire, safety_yes=("red_not_wanting_to_live",))
    coach, prospect = _emails(api, pollers, outbox, intake_request(), urgent_test)

    assert coach["subject"] == "URGENT: nieuwe aanvraag voor een intakegesprek met een rode vlag"
    assert coach["text"].startswith("URGENT: RODE VLAG BIJ DE LAATSTE PIJNTEST")
    assert _visible_lines(coach["html"])[0].startswith("URGENT: rode vlag bij de laatste Pijntest")
    for part in (coach["text"], coach["html"]):
        words = _words(part)
        assert "gedachten om niet meer te willen leven" in words
        assert "0800-0113" in words
        assert "geen score" in words

    urgent = content.questionnaire.result.triage.urgent
    assert prospect["subject"] == "Belangrijk: neem vandaag nog contact op met je huisarts"
    assert prospect["text"].startswith(urgent.title.upper())
    assert _visible_lines(prospect["html"])[0] == urgent.title
    for part in (prospect["text"], prospect["html"]):
        words = _words(part)
        assert words.index(_words(urgent.text)) < words.index("hoi anna de vries")
        assert "huisartsenpost" in words
        assert "112" in words
        assert "0800-0113" in words
        assert _words(content.disclaimer.text) in words
        assert "je uitkomst van de pijntest" not in words


def test_an_urgent_pijntest_without_the_crisis_flag_leaves_out_113(api, pollers, outbox, questionnaire):
    urgent_test = submission(questionnaire, safety_yes=("red_fever_ill",))
    coach, prospect = _emails(api, pollers, outbox, intake_request(), urgent_test)
    assert coach["text"].startswith("URGENT")
    assert prospect["text"].startswith("NEEM VANDAAG NOG CONTACT OP MET JE HUISARTS")
    for email in (coach, prospect):
        assert "0800-0113" not in email["text"]
        assert "huisartsenpost" in email["text"]


def test_a_see_gp_pijntest_leads_with_the_gp_in_both_emails(api, pollers, outbox, questionnaire):
    see_gp_test = submission(questionnaire, item_value=2, safety_yes=("gp_weight_loss",))
    coach, prospect = _emails(api, pollers, outbox, intake_request(), see_gp_test)
    assert coach["subject"] == "Nieuwe aanvraag voor een intakegesprek (eerst huisarts)"
    assert coach["text"].startswith("EERST HUISARTS")
    assert "ongewild gewichtsverlies" in _words(coach["text"])
    assert "BESPREEK DIT EERST MET JE HUISARTS" in prospect["text"]
    assert "huisartsenpost" not in prospect["text"]


def test_an_earlier_urgent_flag_is_named_for_the_coach(api, pollers, outbox, questionnaire):
    earlier = submission(questionnaire, safety_yes=("red_fever_ill",))
    coach, prospect = _emails(api, pollers, outbox, intake_request(), earlier, submission(questionnaire))
    assert coach["text"].startswith("Let op: bij een eerdere Pijntest")
    assert "urgente rode vlag" in _words(coach["html"])
    assert "huisartsenpost" not in prospect["text"], "the prospect's latest test was not urgent"


def test_an_earlier_urgent_flag_comes_before_a_latest_see_gp_one(api, pollers, outbox, questionnaire):
    earlier = submission(questionnaire, safety_yes=("red_fever_ill",))
    latest = submission(questionnaire, item_value=2, safety_yes=("gp_weight_loss",))
    coach, _ = _emails(api, pollers, outbox, intake_request(), earlier, latest)
    text, html = coach["text"], coach["html"]
    assert text.startswith("Let op: bij een eerdere Pijntest")
    assert text.index("urgente rode vlag") < text.index("EERST HUISARTS")
    assert html.index("urgente rode vlag") < html.index("Eerst huisarts")


def test_both_jobs_are_sent_once_and_marked(api, pollers, outbox, table_items):
    _emails(api, pollers, outbox, intake_request())
    jobs = [item for item in table_items() if item["entity"] == "email_job"]
    assert {(job["kind"], job["status"]) for job in jobs} == {("intake_coach", "sent"), ("intake_confirmation", "sent")}
    assert {job["ses_message_id"] for job in jobs} == {email["id"] for email in outbox()}


def test_the_emails_are_skipped_when_the_intake_is_gone(api, pollers, outbox, table_items):
    api.post("/intake", json_body=intake_request())
    (intake,) = [item for item in table_items() if item["entity"] == "intake"]
    boto3.client("dynamodb", region_name=REGION).delete_item(
        TableName=os.environ["TABLE_NAME"], Key={"pk": {"S": intake["pk"]}, "sk": {"S": intake["sk"]}}
    )
    pollers.drain()
    assert outbox() == []
    jobs = [item for item in table_items() if item["entity"] == "email_job"]
    assert {(job["status"], job["skip_reason"]) for job in jobs} == {("skipped", "lead or intake gone")}


@pytest.mark.parametrize("preferred", ["email", "video"])
def test_the_confirmation_says_how_the_coach_gets_in_touch(api, pollers, outbox, preferred):
    body = changed(changed(intake_request(), "preferred_contact", preferred), "preferred_moments", [])
    _, prospect = _emails(api, pollers, outbox, body)
    expected = {
        "email": "de coach mailt je binnen twee werkdagen.",
        "video": "de coach mailt je binnen twee werkdagen om een videogesprek te plannen.",
    }[preferred]
    assert expected in _words(prospect["text"])


def test_the_coach_is_told_when_an_intake_did_not_come_from_the_tests_result(api, pollers, outbox, questionnaire):
    test = submission(questionnaire, item_value=2)
    linked = changed(intake_request(), "submission_id", test["submission_id"])
    coach, _ = _emails(api, pollers, outbox, linked, test)
    assert "Niet gekoppeld" not in coach["text"]
    assert "Niet gekoppeld" not in coach["html"]

    unlinked, _ = _emails(api, pollers, outbox, intake_request())
    for part in (unlinked["text"], unlinked["html"]):
        assert "Niet gekoppeld" in part
        assert "niet bevestigd" in _words(part)
        assert _words(part).index("niet gekoppeld") > _words(part).index("pijntest"), "in the Pijntest section"
