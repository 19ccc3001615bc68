"""The attacks on the forms' front door, through the handlers: the proof of work (missing, malformed, wrong,
expired, reused), the parse bombs that used to answer 500, started_at, and the bot that must not learn it
was screened."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from pijnreset.logic.challenge import challenge_key

from tests.support.aws import TEST_TOKEN_KEY, beside_spent_challenges
from tests.support.challenge import made, solve, template_challenge_settings
from tests.support.payloads import (
    changed,
    erasure_request,
    fresh,
    intake_request,
    resolved,
    started_a_minute_ago,
    submission,
)

FORMS = ["/pijntest", "/intake", "/privacy/erase"]


def _body(path, questionnaire):
    if path == "/pijntest":
        return submission(questionnaire)
    if path == "/intake":
        return intake_request()
    return erasure_request("anna.de.vries@example.nl")


def _refused(response, reason):
    assert response.status == 422, response.body
    body = response.json()
    assert body["error"] == "challenge_failed"
    (problem,) = body["fields"]
    assert (problem["field"], problem["type"]) == ("altcha", reason)
    assert problem["message"], "a Dutch text to show"


def _encoded(payload) -> str:
    return base64.b64encode(json.dumps(payload).encode()).decode()


def _decoded(altcha: str) -> dict:
    return json.loads(base64.b64decode(altcha))


def test_get_challenge_is_an_altcha_challenge_with_the_templates_difficulty_and_expiry(api):
    response = api.get("/challenge")
    assert response.status == 200
    assert response.headers["cache-control"] == "no-store"
    challenge = response.json()
    assert set(challenge) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
    max_number, expiry = template_challenge_settings()
    assert (challenge["algorithm"], challenge["maxnumber"]) == ("SHA-256", max_number)
    expires = int(challenge["salt"].split("expires=")[1].rstrip("&"))
    assert expiry - 5 <= expires - time.time() <= expiry
    assert api.get("/challenge").json()["challenge"] != challenge["challenge"], "a new one every time"


def test_a_solution_to_the_apis_own_challenge_is_accepted(api, questionnaire):
    body = submission(questionnaire)
    body["altcha"] = solve(api.get("/challenge").json())
    assert api.post("/pijntest", json_body=body).status == 201


@pytest.mark.parametrize("path", FORMS)
def test_a_missing_solution_is_a_422_naming_altcha_and_nothing_is_stored(api, table_items, questionnaire, path):
    response = api.post(path, json_body=changed(_body(path, questionnaire), "altcha", ...))
    response.assert_invalid({"altcha"})
    assert response.json()["fields"][0]["message"].startswith("De automatische controle")
    assert table_items() == []


@pytest.mark.parametrize("path", FORMS)
@pytest.mark.parametrize(
    "altcha",
    [
        "",
        "not base64 at all!",
        base64.b64encode(b"not json").decode(),
        _encoded([1, 2, 3]),
        _encoded({"algorithm": "SHA-256"}),
        _encoded({"algorithm": "SHA-256", "challenge": "ab" * 32, "number": 1, "salt": 7, "signature": "x"}),
        _encoded({"algorithm": "SHA-256", "challenge": "ab" * 32, "number": "1", "salt": "s", "signature": "x"}),
        _encoded({"algorithm": "SHA-256", "challenge": "ab" * 32, "number": True, "salt": "s", "signature": "x"}),
        base64.b64encode(b"[" * 1400).decode(),
        "A" * 2001,
        42,
    ],
)
def test_a_malformed_solution_is_a_422_naming_altcha(api, table_items, questionnaire, path, altcha):
    response = api.post(path, json_body=changed(_body(path, questionnaire), "altcha", altcha))
    assert response.status == 422, response.body
    assert response.error_fields == {"altcha"}
    assert table_items() == []


@pytest.mark.parametrize("path", FORMS)
def test_a_wrong_solution_is_refused(api, table_items, questionnaire, path):
    body = _body(path, questionnaire)
    payload = _decoded(body["altcha"])
    cases = [
        {**payload, "number": payload["number"] + 1},  # not the number the challenge hides
        {**payload, "algorithm": "SHA-1"},  # another algorithm than the one issued
        {**payload, "signature": "0" * 64},  # not signed by the server
        {**payload, "salt": payload["salt"].replace("expires=", "expires=9")},  # a later expiry spliced in
    ]
    for wrong in cases:
        _refused(api.post(path, json_body=changed(body, "altcha", _encoded(wrong))), "altcha_invalid")
    # Signed with another key (another deployment's, or a guess): refused too.
    _refused(api.post(path, json_body=changed(body, "altcha", made(key="another-key-" + "x" * 40))), "altcha_invalid")
    assert beside_spent_challenges(table_items()) == []


@pytest.mark.parametrize("path", FORMS)
def test_an_expired_solution_is_refused(api, table_items, questionnaire, path):
    _, expiry = template_challenge_settings()
    stale = made(now=datetime.now(UTC) - timedelta(seconds=expiry + 1))
    _refused(api.post(path, json_body=changed(_body(path, questionnaire), "altcha", stale)), "altcha_expired")
    assert table_items() == []


def test_a_solution_signed_with_the_previous_key_still_counts_while_keys_rotate(stack, api, questionnaire):
    """The HMAC key is derived from the token key: a rotation moves both, and the previous key still verifies."""
    import boto3

    from infra.template import REGION

    previous = made(key=TEST_TOKEN_KEY)
    ssm = boto3.client("ssm", region_name=REGION)
    import os

    from pijnreset.handlers import submit

    rotated = json.dumps({"current": "new-key-" + "n" * 40, "previous": [TEST_TOKEN_KEY]})
    ssm.put_parameter(Name=os.environ["TOKEN_KEY_PARAMETER_NAME"], Value=rotated, Type="SecureString", Overwrite=True)
    submit.door.keys._provider.clear_cache()
    try:
        assert api.post("/pijntest", json_body=changed(submission(questionnaire), "altcha", previous)).status == 201
    finally:
        submit.door.keys._provider.clear_cache()


def test_the_challenge_key_is_not_the_token_key():
    """Separate uses: a challenge signature can never be replayed as a link token's MAC, or the other way."""
    assert challenge_key(TEST_TOKEN_KEY.encode()) != TEST_TOKEN_KEY.encode()
    assert len(challenge_key(TEST_TOKEN_KEY.encode())) == 32


@pytest.mark.parametrize(("path", "id_field"), [("/pijntest", "submission_id"), ("/intake", "request_id")])
def test_a_reused_solution_is_refused_and_writes_nothing_in_the_same_one_call(
    api, table_items, questionnaire, aws_calls, path, id_field
):
    first = _body(path, questionnaire)
    assert api.post(path, json_body=first).status in (201, 202)
    before = table_items()
    aws_calls.clear()
    another = {**fresh(first, id_field), "altcha": first["altcha"]}  # a new request, the spent solution
    _refused(api.post(path, json_body=another), "altcha_reused")
    assert aws_calls.of("dynamodb") == ["TransactWriteItems"], "still one DynamoDB call"
    assert table_items() == before, "nothing of the second request"


@pytest.mark.parametrize(("path", "id_field"), [("/pijntest", "submission_id"), ("/intake", "request_id")])
def test_the_spent_solution_is_a_put_of_the_one_transaction_after_the_request_items(
    api, questionnaire, aws_calls, path, id_field
):
    body = _body(path, questionnaire)
    assert api.post(path, json_body=body).status in (201, 202)
    (call,) = aws_calls.params_of("dynamodb", "TransactWriteItems")
    items = call["TransactItems"]
    assert items[0]["Put"]["Item"]["pk"]["S"].endswith(body[id_field]), "the replay record first, as before"
    # After the request's own items; only the caps' counters (updates, dal/caps.py) may follow it.
    (at,) = [
        n
        for n, item in enumerate(items)
        if item.get("Put", {}).get("Item", {}).get("pk", {}).get("S", "")[:7] == "ALTCHA#"
    ]
    assert all("Update" in item for item in items[at + 1 :])
    spent = items[at]["Put"]
    assert spent["Item"]["pk"]["S"] == f"ALTCHA#{_decoded(body['altcha'])['challenge']}"
    assert spent["ConditionExpression"] == "attribute_not_exists(pk)"


@pytest.mark.parametrize(("path", "replayed"), [("/pijntest", 200), ("/intake", 202)])
def test_a_retry_of_the_same_request_is_its_replay_with_the_spent_or_a_fresh_solution(
    api, table_items, questionnaire, path, replayed
):
    body = _body(path, questionnaire)
    first = api.post(path, json_body=body)
    assert first.status in (201, 202)
    same = api.post(path, json_body=body)
    assert (same.status, same.body) == (replayed, first.body), "the same solution: a replay, not a reuse"
    again = api.post(path, json_body=resolved(body))
    assert (again.status, again.body) == (replayed, first.body), "a freshly solved one: the same replay"


def test_an_erasure_solution_counts_once_but_its_own_retry_is_fine(api, questionnaire):
    api.post("/pijntest", json_body=submission(questionnaire))
    body = erasure_request("anna.de.vries@example.nl")
    assert api.post("/privacy/erase", json_body=body).status == 202
    assert api.post("/privacy/erase", json_body=body).status == 202, "a retry (after a 503, say) of the same request"
    other = changed(body, "email", "someone.else@example.nl")
    _refused(api.post("/privacy/erase", json_body=other), "altcha_reused")


# --- parse bombs: each used to answer 500 and page the owner -----------------------------------------------


@pytest.mark.parametrize("path", FORMS)
def test_sixteen_kilobytes_of_nested_brackets_is_a_400(api, path):
    for bomb in ("[" * 16_000, '{"answers":' + "[" * 16_000, "[" * 8000 + "]" * 8000):
        response = api.post(path, body=bomb.encode(), headers={"content-type": "application/json"})
        assert response.status == 400, (bomb[:20], response.body)
        assert response.json()["error"] == "invalid_json"
        assert response.error_fields == {"body"}


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/pijntest", "started_at"),
        ("/pijntest", "answers.stress_overload"),
        ("/pijntest", "contact.name"),
        ("/intake", "started_at"),
        ("/intake", "preferred_contact"),
        ("/privacy/erase", "email"),
    ],
)
@pytest.mark.parametrize("digits", [5000, -5000])
def test_a_five_thousand_digit_number_is_a_422_naming_its_field(api, table_items, questionnaire, path, field, digits):
    body = json.dumps(changed(_body(path, questionnaire), field, 12345)).replace(
        "12345", ("-" if digits < 0 else "") + "9" * abs(digits)
    )
    response = api.post(path, body=body.encode(), headers={"content-type": "application/json"})
    response.assert_invalid({field})
    assert table_items() == []


@pytest.mark.parametrize("path", ["/pijntest", "/intake"])
@pytest.mark.parametrize("started_at", [10**40, -(10**40), 1e40, 2**63, -1])
def test_started_at_out_of_any_storable_range_is_a_422_naming_it(api, table_items, questionnaire, path, started_at):
    response = api.post(path, json_body=changed(_body(path, questionnaire), "started_at", started_at))
    response.assert_invalid({"started_at"})
    assert table_items() == []


@pytest.mark.parametrize("path", ["/pijntest", "/intake"])
@pytest.mark.parametrize(
    ("offset_ms", "allowed"),
    [(-8 * 86_400_000, False), (-6 * 86_400_000, True), (2 * 86_400_000, False), (12 * 3_600_000, True)],
)
def test_started_at_lies_in_a_window_around_now(api, questionnaire, path, offset_ms, allowed):
    body = changed(_body(path, questionnaire), "started_at", int(time.time() * 1000) + offset_ms)
    response = api.post(path, json_body=body)
    if allowed:
        assert response.status in (201, 202), response.body
    else:
        response.assert_invalid({"started_at"})
        assert response.json()["fields"][0]["type"] == "out_of_range"


@pytest.mark.parametrize("path", ["/pijntest", "/intake"])
def test_leaving_out_started_at_no_longer_skips_the_timing_check(api, table_items, questionnaire, path):
    response = api.post(path, json_body=changed(_body(path, questionnaire), "started_at", ...))
    response.assert_invalid({"started_at"})
    assert table_items() == []


# --- the bot that must not learn it was screened -------------------------------------------------------------


@pytest.mark.parametrize(
    "screen",
    [
        lambda b: changed(b, "website", "http://spam.example"),
        lambda b: changed(b, "started_at", int(time.time() * 1000) - 500),
    ],
)
def test_a_screened_intake_is_answered_as_a_persons_with_nothing_stored(api, table_items, screen):
    person = intake_request()
    bot = screen(intake_request())
    bot_answer = api.post("/intake", json_body=bot)
    assert table_items() == []
    person_answer = api.post("/intake", json_body=person)
    assert bot_answer.status == person_answer.status == 202
    assert bot_answer.headers == person_answer.headers
    assert bot_answer.json() == {**person_answer.json(), "request_id": bot["request_id"]}


def test_a_screened_pijntest_is_answered_as_a_persons_with_nothing_stored(api, table_items, questionnaire):
    bot = changed(submission(questionnaire, item_value=1), "website", "http://spam.example")
    bot_answer = api.post("/pijntest", json_body=bot)
    assert table_items() == []
    person_answer = api.post("/pijntest", json_body=submission(questionnaire, item_value=1))
    assert bot_answer.status == person_answer.status == 201
    assert bot_answer.headers == person_answer.headers
    bot_body, person_body = bot_answer.json(), person_answer.json()
    # The document links are signed for each answer's own submission id, so only their shape can match.
    assert {name: link.split("?")[0] for name, link in bot_body.pop("documents").items() if name != "expires_at"} == {
        name: link.split("?")[0] for name, link in person_body.pop("documents").items() if name != "expires_at"
    }
    assert bot_body == {**person_body, "submission_id": bot["submission_id"]}


def test_a_bot_still_needs_a_valid_proof_of_work(api, table_items, questionnaire):
    """The screen comes after the checks a person's request gets, so a bot's bad request is refused alike."""
    bot = changed(changed(submission(questionnaire), "website", "http://spam.example"), "altcha", ...)
    api.post("/pijntest", json_body=bot).assert_invalid({"altcha"})
    bot = changed(changed(intake_request(), "started_at", started_a_minute_ago()), "website", "x")
    stale = made(now=datetime.now(UTC) - timedelta(days=1))
    _refused(api.post("/intake", json_body=changed(bot, "altcha", stale)), "altcha_expired")
    assert table_items() == []
