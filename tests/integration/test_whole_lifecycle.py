"""One person through the whole lifecycle, with every log line captured and searched for their data."""

from __future__ import annotations

import json
import logging

from pijnreset.logic.identity import lead_id_for

from tests.support.aws import beside_spent_challenges
from tests.support.links import action_links
from tests.support.payloads import changed, erasure_request, submission

NAME = "Zoë van Dijk-Öztürk"
EMAIL = "Zoe.van.Dijk@Example.nl"


def test_submit_confirm_follow_up_unsubscribe_erase_leaves_nothing_and_logs_nothing_personal(
    api, pollers, outbox, run_schedule, table_items, questionnaire, capfd, caplog
):
    # The service's own logger as verbose as the LogLevel parameter allows (botocore's debug output, which
    # prints whole requests, is never switched on by the functions).
    caplog.set_level(logging.DEBUG, logger="pijnreset")
    body = changed(changed(submission(questionnaire, item_value=2), "contact.name", NAME), "contact.email", EMAIL)
    body = changed(body, "consent.marketing", True)
    lead_id = lead_id_for(EMAIL)

    assert api.post("/pijntest", json_body=body).status == 201
    pollers.drain()
    (confirmation,) = [e for e in outbox() if "/confirm?token=" in e["text"]]
    assert api.post(action_links(confirmation)["/confirm"]).status == 200

    run_schedule(days=1.01)
    pollers.drain()
    (first_followup,) = [e for e in outbox() if "ademhalen" in e["subject"].lower()]
    unsubscribe = action_links(first_followup)["/unsubscribe"]
    assert api.post(unsubscribe, body=b"List-Unsubscribe=One-Click").status == 200

    sent = len(outbox())
    run_schedule(days=4.01)
    run_schedule(days=10.01)
    pollers.drain()
    assert len(outbox()) == sent, "no marketing email after unsubscribing"

    assert api.post("/privacy/erase", json_body=erasure_request(EMAIL)).status == 202
    pollers.drain()
    (erase_email,) = [e for e in outbox() if e["subject"] == "Bevestig het verwijderen van je gegevens"]
    assert api.post(action_links(erase_email)["/privacy/erase/confirm"]).status == 200

    remaining = beside_spent_challenges(table_items())
    assert sorted(item["pk"] for item in remaining) == [f"ERASURE#{lead_id}", f"SUPPRESSION#{lead_id}"], remaining
    dumped = json.dumps(remaining, ensure_ascii=False).lower()
    assert EMAIL.lower() not in dumped
    assert "dijk" not in dumped

    captured = capfd.readouterr()
    logs = "\n".join([captured.out, captured.err, *(record.getMessage() for record in caplog.records)])
    logs += "\n".join(json.dumps(record.__dict__, default=str, ensure_ascii=False) for record in caplog.records)
    assert "pijntest recorded" in logs, "the logs were captured"
    lowered = logs.lower()
    for secret in (EMAIL.lower(), "dijk", "öztürk", "ozturk"):
        assert secret not in lowered, f"{secret!r} leaked into the logs"
    question_ids = [question_id for question_id, _ in questionnaire.question_ids()]
    leaked = [question_id for question_id in question_ids if question_id in logs]
    assert leaked == [], "answers leaked into the logs"
    assert '"answers"' not in logs
