"""What the bench scripts share: import paths and one answer set per result variant."""

from __future__ import annotations

import argparse
import ipaddress
import itertools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def part_parser(doc: str | None) -> argparse.ArgumentParser:
    """The command line of one bench part: its options are added by the part, --json by ``run_part``."""
    return argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)


def run_part(
    parser: argparse.ArgumentParser,
    measure: Callable[..., dict[str, Any]],
    print_table: Callable[[dict[str, Any]], None],
) -> None:
    """Measures with the parsed options (by name) and prints the table, or the figures as JSON (for
    ``python -m bench``, which reads the last line)."""
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = vars(parser.parse_args())
    as_json = options.pop("json")
    result = measure(**options)
    if as_json:
        print(json.dumps(result))
    else:
        print_table(result)


def setup_paths() -> None:
    for path in (str(ROOT / "functions"), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)


def sample_answers(questionnaire: Any) -> dict[str, dict[str, int | str]]:
    """One realistic answer set per variant: low, medium, high, see_gp, urgent."""
    setup_paths()
    from infra.samples import answers_with

    return {
        "low": answers_with(questionnaire, item_value=0),
        "medium": answers_with(questionnaire, item_value=1, domain_scores={"pain_pattern": 6, "stress": 6}),
        "high": answers_with(questionnaire, item_value=2),
        "see_gp": answers_with(questionnaire, item_value=2, safety_yes=("gp_night_pain",)),
        "urgent": answers_with(questionnaire, item_value=3, safety_yes=("red_fever_ill",)),
    }


# RFC 2544's benchmarking network: each bench request comes from a client of its own, so that the API's
# per-client hourly cap (meant for one visitor) does not refuse a run that makes hundreds of requests.
_CLIENTS = (str(ipaddress.ip_address("198.18.0.1") + n) for n in itertools.count())


def client_ip() -> str:
    """A source address no bench request has used yet."""
    return next(_CLIENTS)


def http_event(functions: Any, method: str, target: str, body: Any = None) -> dict[str, Any]:
    """The API Gateway (payload 2.0) event for ``method target`` with a JSON ``body``, routed as the template says."""
    from infra.lambda_events import http_api_event
    from infra.local.apigw import match_route

    path, _, query = target.partition("?")
    match = match_route(list(functions), method, path)
    assert match is not None, f"no route for {method} {path}"
    return http_api_event(
        method,
        path,
        route_key=match.route_key,
        path_parameters=match.path_parameters,
        query=query,
        headers=[("content-type", "application/json")] if body is not None else [],
        body=json.dumps(body).encode() if body is not None else b"",
        source_ip=client_ip(),
        host="bench.local",
    )


def stream_event(resolver: Any, job: dict[str, Any]) -> dict[str, Any]:
    """The DynamoDB stream event Lambda passes to the outbox relay for the INSERT of ``job`` (a raw item): keys
    only, as the table's stream carries."""
    from infra.lambda_events import keys_only_insert

    stream_arn = resolver.attributes[("LeadsTable", "StreamArn")]
    return {"Records": [keys_only_insert({"pk": job["pk"], "sk": job["sk"]}, stream_arn)]}


def queue_event(resolver: Any, job: dict[str, Any]) -> dict[str, Any]:
    """The SQS event Lambda passes to the sender for ``job``'s message (a raw item)."""
    from infra.lambda_events import received_message, sqs_record

    message = received_message(json.dumps({"pk": job["pk"]["S"], "sk": job["sk"]["S"]}))
    return {"Records": [sqs_record(message, resolver.attributes[("EmailQueue", "Arn")])]}


def open_erase_link(gateway: Any, dynamodb: Any, table: str, email: str, key: str) -> str:
    """An erasure link as a person gets it: they asked (POST /privacy/erase) and the erasure email was sent
    now. A link works only while that email is stored, so the bench cannot sign one out of nothing."""
    from datetime import UTC, datetime

    from pijnreset.logic.identity import lead_id_for
    from pijnreset.logic.tokens import LINK_VALIDITY_SECONDS, sign
    from pijnreset.timestamps import iso

    from infra.challenge import made

    asked = gateway.handle(
        "POST",
        "/privacy/erase",
        "",
        [("content-type", "application/json")],
        json.dumps({"email": email, "altcha": made(key=key)}).encode(),
        client_ip(),
    )
    assert asked.status == 202, asked.body
    lead_id = lead_id_for(email)
    (job,) = dynamodb.query(
        TableName=table,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :sk)",
        ExpressionAttributeValues={":pk": {"S": f"LEAD#{lead_id}"}, ":sk": {"S": "EMAIL#erase_confirm#"}},
    )["Items"]
    now = datetime.now(UTC)
    dynamodb.update_item(
        TableName=table,
        Key={"pk": job["pk"], "sk": job["sk"]},
        UpdateExpression="SET #status = :sent, sent_at = :now",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":sent": {"S": "sent"}, ":now": {"S": iso(now)}},
    )
    token = sign(key.encode(), "erase", lead_id, int(now.timestamp()) + LINK_VALIDITY_SECONDS["erase"])
    return f"/privacy/erase/confirm?token={token}"
