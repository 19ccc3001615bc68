"""The running local stack against its own spec (schemathesis), and clients racing with one submission_id.

The fuzzer reads openapi.json, generates requests for every operation with a fixed seed and a bounded
number of examples, and checks each answer: no 5xx, a documented status, content type, headers and body
as the spec says, and schema-invalid input refused. Two checks are left out on purpose:
positive_data_acceptance (a schema-valid body may still be refused: the spec cannot list the
questionnaire's question ids or tell a signed token from a forged one) and unsupported_method (API
Gateway answers a method without a route with its own 404, not a 405; the local stack does the same).
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from infra.openapi import SPEC_PATH
from tests.support.challenge import over_http
from tests.support.local_stack import RunningStack, local_stack
from tests.support.payloads import changed, submission
from tests.support.stack_state import emails_sent, items, settle

FUZZ_SEED = 20261127
FUZZ_EXAMPLES_PER_OPERATION = 25
FUZZ_CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "missing_required_header",
]


@pytest.fixture(scope="module")
def stack() -> Iterator[RunningStack]:
    with local_stack() as running:
        yield running


def test_the_api_answers_every_generated_request_as_its_spec_says(stack, tmp_path):
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        str(SPEC_PATH),
        "--url",
        stack.url,
        "--seed",
        str(FUZZ_SEED),
        "--max-examples",
        str(FUZZ_EXAMPLES_PER_OPERATION),
        "--phases",
        "examples,coverage,fuzzing",
        "--checks",
        ",".join(FUZZ_CHECKS),
        "--workers",
        "1",
        "--request-timeout",
        "20",
        "--no-color",
        "--warnings",
        "off",
    ]
    # In a scratch folder: schemathesis keeps its example database in the working directory.
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    operations = sum(len(methods) for methods in json.loads(SPEC_PATH.read_text())["paths"].values())
    assert f"Tested: {operations}" in run.stdout, run.stdout[-3000:]  # every operation of the spec, none skipped


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "PUT"])
def test_a_method_without_a_route_is_api_gateways_404_not_a_5xx(stack, method):
    """Found by the fuzzer: the local server answered methods it had no handler for with a 501."""
    answer = requests.request(method, f"{stack.url}/pijntest", timeout=10)
    assert answer.status_code == 404
    assert answer.json() == {"message": "Not Found"}


def test_twenty_clients_sending_one_submission_at_once_make_one_lead_and_one_email(stack, questionnaire):
    body = changed(submission(questionnaire), "contact.email", "gelijktijdig@example.nl")
    body["altcha"] = over_http(stack.url)  # one solution for all twenty: the same submission

    def send(_: int) -> requests.Response:
        return requests.post(f"{stack.url}/pijntest", json=body, timeout=30)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(send, range(20)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] * 19 + [201], statuses
    assert len({answer.content for answer in answers}) == 1, "every client gets the identical body"

    def delivered() -> list[tuple[str, str]]:
        return [sent for sent in emails_sent(stack.url) if "gelijktijdig@example.nl" in sent[0]]

    assert len(settle(delivered, lambda sent: len(sent) >= 1, timeout=30)) == 1
    mine = [item for item in items(stack.moto_endpoint) if body["submission_id"] in str(item.get("submission_id"))]
    assert sorted(item["entity"] for item in mine) == ["submission", "submission_request"]
    challenge = json.loads(base64.b64decode(body["altcha"]))["challenge"]
    spent = [item for item in items(stack.moto_endpoint) if item["pk"] == f"ALTCHA#{challenge}"]
    assert len(spent) == 1, "the one solution was spent once"
    leads = [item for item in items(stack.moto_endpoint) if item.get("email") == "gelijktijdig@example.nl"]
    assert len(leads) == 1
    assert leads[0]["submission_count"] == 1
    jobs = [item for item in items(stack.moto_endpoint) if item.get("entity") == "email_job"]
    assert [job["status"] for job in jobs if job["pk"] == leads[0]["pk"]] == ["sent"]
