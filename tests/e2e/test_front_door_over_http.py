"""The front door's attacks over HTTP on the local stack: a missing, wrong, expired and reused proof of work,
the three parse bombs, and the bot's answer, which must be a person's."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from infra.aws import moto_client
from infra.template import Resolver, load_template
from tests.support.answers import answers_with
from tests.support.challenge import made, over_http, template_challenge_settings
from tests.support.local_stack import RunningStack, local_stack
from tests.support.payloads import started_a_minute_ago
from tests.support.stack_state import items


@pytest.fixture(scope="module")
def stack() -> Iterator[RunningStack]:
    with local_stack() as running:
        yield running
        assert running.stop() == 0


def _submission(stack: RunningStack, questionnaire: Any, **fields: Any) -> dict[str, Any]:
    return {
        "submission_id": str(uuid.uuid4()),
        "answers": answers_with(questionnaire, item_value=2),
        "contact": {"name": "Fenna", "email": f"fenna-{uuid.uuid4().hex[:8]}@example.nl"},
        "consent": {"health_data": True, "marketing": False, "version": "consent-v1"},
        "started_at": started_a_minute_ago(),
        "altcha": over_http(stack.url),
        **fields,
    }


def _post(stack: RunningStack, path: str, body: Any = None, raw: str | None = None) -> requests.Response:
    if raw is not None:
        return requests.post(
            f"{stack.url}{path}", data=raw.encode(), headers={"content-type": "application/json"}, timeout=30
        )
    return requests.post(f"{stack.url}{path}", json=body, timeout=30)


def _named(response: requests.Response, status: int, field: str, kind: str | None = None) -> None:
    assert response.status_code == status, response.text
    problems = response.json()["fields"]
    assert field in {problem["field"] for problem in problems}, problems
    if kind:
        assert kind in {problem["type"] for problem in problems if problem["field"] == field}, problems


def _stacks_token_key(stack: RunningStack) -> str:
    name = Resolver(load_template()).parameter("TokenKeyParameterName")
    ssm = moto_client("ssm", stack.moto_endpoint)
    return str(ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"])


def test_get_challenge_over_http_has_the_five_fields_and_is_never_cached(stack):
    response = requests.get(f"{stack.url}/challenge", timeout=10)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert set(response.json()) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
    assert response.json()["maxnumber"] == template_challenge_settings()[0]


def test_a_missing_solution_is_refused_on_every_form(stack, questionnaire):
    body = _submission(stack, questionnaire)
    del body["altcha"]
    _named(_post(stack, "/pijntest", body), 422, "altcha", "missing")
    _named(_post(stack, "/privacy/erase", {"email": "fenna@example.nl"}), 422, "altcha", "missing")
    intake = {
        "request_id": str(uuid.uuid4()),
        "contact": {"name": "Fenna", "email": "fenna@example.nl"},
        "preferred_contact": "email",
        "consent": {"contact": True, "version": "consent-v1"},
        "started_at": started_a_minute_ago(),
    }
    _named(_post(stack, "/intake", intake), 422, "altcha", "missing")


def test_a_wrong_solution_is_refused(stack, questionnaire):
    body = _submission(stack, questionnaire)
    payload = json.loads(base64.b64decode(body["altcha"]))
    wrong = base64.b64encode(json.dumps({**payload, "number": payload["number"] + 1}).encode()).decode()
    _named(_post(stack, "/pijntest", {**body, "altcha": wrong}), 422, "altcha", "altcha_invalid")
    # Solved, but for a challenge signed with another key than this stack's.
    _named(_post(stack, "/pijntest", {**body, "altcha": made()}), 422, "altcha", "altcha_invalid")


def test_an_expired_solution_is_refused(stack, questionnaire):
    _, expiry = template_challenge_settings()
    stale = made(now=datetime.now(UTC) - timedelta(seconds=expiry + 5), key=_stacks_token_key(stack))
    _named(_post(stack, "/pijntest", _submission(stack, questionnaire, altcha=stale)), 422, "altcha", "altcha_expired")


def test_a_reused_solution_is_refused_and_a_replay_is_still_a_replay(stack, questionnaire):
    first = _submission(stack, questionnaire)
    created = _post(stack, "/pijntest", first)
    assert created.status_code == 201, created.text
    replay = _post(stack, "/pijntest", first)
    assert (replay.status_code, replay.content) == (200, created.content)
    reused = _post(stack, "/pijntest", {**_submission(stack, questionnaire), "altcha": first["altcha"]})
    _named(reused, 422, "altcha", "altcha_reused")
    mine = [item for item in items(stack.moto_endpoint) if item.get("submission_id") == first["submission_id"]]
    assert len([item for item in mine if item["entity"] == "submission"]) == 1


@pytest.mark.parametrize("path", ["/pijntest", "/intake", "/privacy/erase"])
def test_the_three_parse_bombs_are_4xx_never_500(stack, questionnaire, path):
    nested = _post(stack, path, raw="[" * 16_000)
    assert nested.status_code == 400, nested.text
    assert nested.json()["fields"][0]["field"] == "body"

    field = "email" if path == "/privacy/erase" else "started_at"
    body = _submission(stack, questionnaire) if path == "/pijntest" else {"email": "x@example.nl", "started_at": 1}
    long_number = json.dumps({**body, field: 12345}).replace("12345", "9" * 5000)
    _named(_post(stack, path, raw=long_number), 422, field)

    if path != "/privacy/erase":
        _named(_post(stack, path, {**body, "started_at": 10**40}), 422, "started_at")


def test_the_bots_answer_is_a_persons(stack, questionnaire):
    bot = _submission(stack, questionnaire, website="http://spam.example")
    too_fast = _submission(stack, questionnaire, started_at=int(time.time() * 1000) - 500)
    person = _submission(stack, questionnaire)
    answers = [_post(stack, "/pijntest", body) for body in (bot, too_fast, person)]
    assert [answer.status_code for answer in answers] == [201, 201, 201]
    results = [answer.json()["result"] for answer in answers]
    assert results[0] == results[1] == results[2], "the same computed result"
    assert {answer.headers["content-type"] for answer in answers} == {"application/json"}
    stored = {str(item.get("submission_id")) for item in items(stack.moto_endpoint)}
    assert bot["submission_id"] not in stored
    assert too_fast["submission_id"] not in stored
    assert person["submission_id"] in stored
