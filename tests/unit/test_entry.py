"""The entry points (pijnreset/entry.py): every function logs with AWS's id of the request or message as its
correlation id, starts each invocation with a clean log state, flushes its metrics, and only JSON APIs guard
the body."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes import SNSEvent
from pijnreset.api.resolver import build_resolver, json_response
from pijnreset.entry import FIRST_SNS_MESSAGE, event_entry, html_pages, json_api
from pijnreset.observability import alarm_count, logger

from infra.lambda_events import LocalLambdaContext


def _http_event(method: str, request_id: str, content_type: str = "application/json") -> dict[str, Any]:
    return {
        "version": "2.0",
        "routeKey": f"{method} /probe",
        "rawPath": "/probe",
        "rawQueryString": "",
        "headers": {"content-type": content_type},
        "requestContext": {
            "requestId": request_id,
            "stage": "$default",
            "http": {"method": method, "path": "/probe", "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1"},
        },
        "body": "{}" if method == "POST" else None,
        "isBase64Encoded": False,
    }


@pytest.fixture
def lines(monkeypatch, capsys):
    """Every JSON line the functions write: the logger's (its handler keeps the stream it was made with, so it
    is pointed at a buffer here) and the metrics' (printed)."""
    logged = io.StringIO()
    monkeypatch.setattr(logger.registered_handler, "stream", logged)

    def read() -> list[dict[str, Any]]:
        text = logged.getvalue() + capsys.readouterr().out
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]

    return read


@pytest.fixture
def probe_app():
    app = build_resolver(validate=False)

    @app.get("/probe")
    @app.post("/probe")
    def probe() -> Any:
        logger.append_keys(left_behind="only in this invocation")
        logger.info("probed")
        alarm_count("EmailWaitHop")
        return json_response(200, {"ok": True})

    return app


def test_a_json_api_logs_with_the_request_id_and_flushes_its_metrics(probe_app, lines):
    handler = json_api(probe_app)
    context = LocalLambdaContext("ProbeFunction", 128, 3)
    assert handler(_http_event("GET", "request-1"), context)["statusCode"] == 200
    assert handler(_http_event("GET", "request-2"), context)["statusCode"] == 200
    written = lines()
    logged = [line for line in written if line.get("message") == "probed"]
    assert [line["correlation_id"] for line in logged] == ["request-1", "request-2"]
    assert [line["EmailWaitHop"] for line in written if "_aws" in line] == [[1.0], [1.0]]


def test_only_an_alarmed_metric_can_be_emitted():
    with pytest.raises(ValueError, match="PijntestCompleted is no alarmed metric"):
        alarm_count("PijntestCompleted")


def test_each_invocation_starts_with_a_clean_log_state(probe_app, lines):
    quiet = build_resolver(validate=False)

    @quiet.get("/probe")
    def probe() -> Any:
        logger.info("quiet")
        return json_response(200, {})

    context = LocalLambdaContext("ProbeFunction", 128, 3)
    json_api(probe_app)(_http_event("GET", "request-1"), context)
    json_api(quiet)(_http_event("GET", "request-2"), context)
    by_message = {line["message"]: line for line in lines() if "message" in line}
    assert by_message["probed"]["left_behind"] == "only in this invocation"
    assert "left_behind" not in by_message["quiet"]
    assert by_message["quiet"]["correlation_id"] == "request-2"


def test_a_json_api_guards_the_body_and_html_pages_do_not(probe_app):
    context = LocalLambdaContext("ProbeFunction", 128, 3)
    refused = json_api(probe_app)(_http_event("POST", "request-1", "text/plain"), context)
    assert refused["statusCode"] == 415
    assert json.loads(refused["body"])["error"] == "unsupported_media_type"
    # A page's button posts a form (application/x-www-form-urlencoded): the page route answers it.
    assert html_pages(probe_app)(_http_event("POST", "request-2", "text/plain"), context)["statusCode"] == 200


def test_an_event_entry_passes_the_data_class_and_logs_with_the_first_record_id(lines):
    seen: list[Any] = []

    @event_entry(FIRST_SNS_MESSAGE, data_class=SNSEvent)
    def handler(event: SNSEvent, context: Any) -> int:
        seen.append(event)
        logger.info("handled")
        return 1

    record = {"Sns": {"MessageId": "message-7", "TopicArn": "arn:aws:sns:eu-west-1:123456789012:t", "Message": "{}"}}
    assert handler({"Records": [record]}, LocalLambdaContext("EventsFunction", 128, 3)) == 1
    assert isinstance(seen[0], SNSEvent)
    assert next(iter(seen[0].records)).sns.message_id == "message-7"
    (line,) = [line for line in lines() if line.get("message") == "handled"]
    assert line["correlation_id"] == "message-7"


def test_an_event_without_the_id_still_runs_with_no_correlation_id(lines):
    @event_entry(FIRST_SNS_MESSAGE, data_class=SNSEvent)
    def handler(event: SNSEvent, context: Any) -> str:
        logger.info("handled")
        return "ran"

    assert handler({}, LocalLambdaContext("EventsFunction", 128, 3)) == "ran"
    (line,) = [line for line in lines() if line.get("message") == "handled"]
    assert line.get("correlation_id") is None
