"""AWS calls per request for every route and per email job, counted with a botocore hook on moto in-process,
with the DynamoDB capacity units each call consumes (estimated from the items' sizes).

Each scenario invokes the real handler with a realistic event; only the calls the function makes count
(Lambda's own pollers of the stream and the queue are not ours, and Lambda's stream reads are free).

Capacity units, as DynamoDB on-demand bills them: a write is 1 WRU per started KB of the item (2 in a
transaction, ConditionCheck counted like a write here, to be safe), a strongly consistent read 1 RRU per
started 4 KB (0.5 when eventually consistent, as every GSI read is), a Query one read of the summed
size. A write to an item in the sparse index gsi1 writes the index too (1 WRU per KB, never
transactional). Item sizes follow DynamoDB's rules (names + values), approximated for numbers.

    python -m bench.aws_calls [--json]
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bench.support import (
    http_event,
    open_erase_link,
    part_parser,
    queue_event,
    run_part,
    setup_paths,
    stream_event,
)

TOKEN_KEY = "test-token-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - infra.in_process's, moto only


def attribute_size(value: dict[str, Any]) -> int:
    """The size DynamoDB counts for one AttributeValue (without its name)."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(str(inner).encode())
    if kind == "N":
        digits = len(str(inner).lstrip("-").replace(".", "").lstrip("0")) or 1
        return math.ceil(digits / 2) + 1
    if kind == "B":
        return len(inner) if isinstance(inner, bytes) else len(str(inner))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(name.encode()) + attribute_size(item) + 1 for name, item in inner.items())
    if kind == "L":
        return 3 + sum(attribute_size(item) + 1 for item in inner)
    if kind in ("SS", "NS", "BS"):
        return sum(attribute_size({kind[0]: item}) for item in inner)
    return 0


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


@dataclass
class Call:
    service: str
    operation: str
    params: dict[str, Any]
    response: dict[str, Any]


@dataclass
class Usage:
    calls: Counter[str] = field(default_factory=Counter)
    wru: float = 0.0
    rru: float = 0.0
    gsi_wru: float = 0.0
    bytes_written: int = 0

    def row(self) -> dict[str, Any]:
        return {
            "calls": dict(self.calls),
            "dynamodb_calls": sum(n for name, n in self.calls.items() if name.startswith("dynamodb:")),
            "ses_calls": sum(n for name, n in self.calls.items() if name.startswith("sesv2:")),
            "sqs_calls": sum(n for name, n in self.calls.items() if name.startswith("sqs:")),
            "ssm_calls": sum(n for name, n in self.calls.items() if name.startswith("ssm:")),
            "wru": self.wru + self.gsi_wru,
            "rru": self.rru,
            "bytes_written": self.bytes_written,
        }


@contextmanager
def recording() -> Iterator[list[Call]]:
    from infra.aws import around_api_calls

    calls: list[Call] = []

    def recorded(call: Any, client: Any, operation: str, params: Any) -> Any:
        response: dict[str, Any] = {}
        try:
            response = call(client, operation, params)
            return response
        finally:  # a refused call (a failed condition) is billed too
            calls.append(Call(client.meta.service_model.service_name, operation, dict(params), dict(response)))

    with around_api_calls(recorded):
        yield calls


def usage_of(calls: list[Call], table_item: Callable[[dict[str, Any]], dict[str, Any] | None]) -> Usage:
    """``table_item(key)``: the item under that key now (after the calls), or None."""
    usage = Usage()

    def write(size: int, transactional: bool, indexed: bool) -> None:
        units = max(1, math.ceil(size / 1024))
        usage.wru += units * (2 if transactional else 1)
        usage.gsi_wru += units if indexed else 0
        usage.bytes_written += size

    def written(put: dict[str, Any] | None, key: dict[str, Any] | None) -> tuple[int, bool]:
        item = put if put is not None else (table_item(key) if key else None) or key or {}
        return item_size(item), "gsi1pk" in item

    for call in calls:
        usage.calls[f"{call.service}:{call.operation}"] += 1
        if call.service != "dynamodb":
            continue
        params, response = call.params, call.response
        if call.operation == "TransactWriteItems":
            for action in params["TransactItems"]:
                ((kind, body),) = action.items()
                size, indexed = written(body.get("Item"), body.get("Key"))
                write(size, True, indexed and kind != "ConditionCheck")
        elif call.operation in ("PutItem", "UpdateItem", "DeleteItem"):
            size, indexed = written(params.get("Item"), params.get("Key"))
            write(size, False, indexed)
        elif call.operation == "BatchWriteItem":
            for requests in params["RequestItems"].values():
                for request in requests:
                    body = request.get("PutRequest") or request.get("DeleteRequest") or {}
                    size, indexed = written(body.get("Item"), body.get("Key"))
                    write(size, False, indexed)
        elif call.operation == "GetItem":
            size = item_size(response.get("Item") or {})
            usage.rru += max(1, math.ceil(size / 4096)) * (1 if params.get("ConsistentRead") else 0.5)
        elif call.operation == "BatchGetItem":
            for table, items in response.get("Responses", {}).items():
                consistent = params["RequestItems"][table].get("ConsistentRead")
                for item in items:
                    usage.rru += max(1, math.ceil(item_size(item) / 4096)) * (1 if consistent else 0.5)
        elif call.operation == "Query":
            size = sum(item_size(item) for item in response.get("Items", []))
            usage.rru += max(1, math.ceil(size / 4096)) * (1 if params.get("ConsistentRead") else 0.5)
    return usage


class Scenarios:
    """Each scenario prepares what it needs, then returns the (function, event) to measure."""

    def __init__(self, stack: Any) -> None:
        from pijnreset.content.loader import load_content
        from pijnreset.settings import SubmitSettings

        from infra.functions import local_functions
        from infra.local.http import CorsPolicy, Gateway

        self.functions = {function.logical_id: function for function in local_functions(stack)}
        self.gateway = Gateway(list(self.functions.values()), CorsPolicy.of_template(stack))
        self.stack = stack
        self.content = load_content(SubmitSettings.from_env().questionnaire_version)

    def http(self, method: str, target: str, body: Any = None) -> tuple[str, dict[str, Any]]:
        from infra.local.apigw import match_route

        match = match_route(list(self.functions.values()), method, target.partition("?")[0])
        assert match is not None
        return match.function.logical_id, http_event(self.functions.values(), method, target, body)

    def submission(self, email: str, marketing: bool = False) -> dict[str, Any]:
        from infra.samples import changed, submission

        body = changed(submission(self.content.questionnaire, item_value=1), "consent.marketing", marketing)
        return changed(body, "contact.email", email)

    def person(self, marketing: bool = False) -> tuple[str, str]:
        from pijnreset.logic.identity import lead_id_for

        email = f"bench-{uuid.uuid4().hex[:10]}@example.nl"
        answer = self.gateway.handle(
            "POST",
            "/pijntest",
            "",
            [("content-type", "application/json")],
            json.dumps(self.submission(email, marketing)).encode(),
        )
        assert answer.status == 201, answer.body
        self.submission_id = json.loads(answer.body)["submission_id"]  # what a confirm link names
        return email, lead_id_for(email)

    def token(self, purpose: Any, lead_id: str) -> str:
        from pijnreset.logic.tokens import sign

        ref = self.submission_id if purpose == "confirm" else None
        return sign(TOKEN_KEY.encode(), purpose, lead_id, int(time.time()) + 3600, ref)

    def job(self, lead_id: str, kind: str = "result") -> dict[str, Any]:
        from infra.aws import moto_client

        items = moto_client("dynamodb").query(
            TableName=os.environ["TABLE_NAME"],
            KeyConditionExpression="pk = :pk AND begins_with(sk, :sk)",
            ExpressionAttributeValues={":pk": {"S": f"LEAD#{lead_id}"}, ":sk": {"S": f"EMAIL#{kind}#"}},
        )["Items"]
        return dict(items[0])

    def all(self) -> dict[str, Callable[[], tuple[str, dict[str, Any]]]]:
        def new_submission() -> tuple[str, dict[str, Any]]:
            return self.http("POST", "/pijntest", self.submission(f"new-{uuid.uuid4().hex[:8]}@example.nl"))

        def replay() -> tuple[str, dict[str, Any]]:
            body = self.submission(f"again-{uuid.uuid4().hex[:8]}@example.nl")
            self.gateway.handle(
                "POST", "/pijntest", "", [("content-type", "application/json")], json.dumps(body).encode()
            )
            return self.http("POST", "/pijntest", body)

        def marketing() -> tuple[str, dict[str, Any]]:
            return self.http("POST", "/pijntest", self.submission(f"m-{uuid.uuid4().hex[:8]}@example.nl", True))

        def intake() -> tuple[str, dict[str, Any]]:
            from infra.samples import intake_request

            return self.http("POST", "/intake", intake_request(email=f"i-{uuid.uuid4().hex[:8]}@example.nl"))

        def erase_request() -> tuple[str, dict[str, Any]]:
            from infra.samples import erasure_request

            return self.http("POST", "/privacy/erase", erasure_request(self.person()[0]))

        def confirm() -> tuple[str, dict[str, Any]]:
            return self.http("POST", f"/confirm?token={self.token('confirm', self.person(marketing=True)[1])}")

        def unsubscribe() -> tuple[str, dict[str, Any]]:
            return self.http("POST", f"/unsubscribe?token={self.token('unsubscribe', self.person(True)[1])}")

        def erase() -> tuple[str, dict[str, Any]]:
            from infra.aws import moto_client

            link = open_erase_link(
                self.gateway, moto_client("dynamodb"), os.environ["TABLE_NAME"], self.person()[0], TOKEN_KEY
            )
            return self.http("POST", link)

        def relay() -> tuple[str, dict[str, Any]]:
            return "OutboxRelayFunction", stream_event(self.stack, self.job(self.person()[1]))

        def sender(kind: str = "result", marketing: bool = False) -> Callable[[], tuple[str, dict[str, Any]]]:
            def make() -> tuple[str, dict[str, Any]]:
                return "EmailSenderFunction", queue_event(self.stack, self.job(self.person(marketing)[1], kind))

            return make

        def due_work() -> tuple[str, dict[str, Any]]:
            from infra.lambda_events import schedule_event

            return "DueWorkFunction", schedule_event(datetime.now(UTC))

        def ses_event() -> tuple[str, dict[str, Any]]:
            from infra.lambda_events import ses_notification, sns_event

            return "SesEventsFunction", sns_event(
                os.environ["SES_EVENTS_TOPIC_ARN"], ses_notification("bounce", self.person()[0])
            )

        return {
            "GET /pijntest": lambda: self.http("GET", "/pijntest"),
            "GET /challenge": lambda: self.http("GET", "/challenge"),
            "POST /pijntest (new)": new_submission,
            "POST /pijntest (replay)": replay,
            "POST /pijntest (new, marketing)": marketing,
            "POST /intake": intake,
            "POST /privacy/erase": erase_request,
            "POST /confirm": confirm,
            "POST /unsubscribe": unsubscribe,
            "POST /privacy/erase/confirm": erase,
            "relay: 1 email job": relay,
            "send: result email": sender(),
            "send: opt-in email": sender("optin_confirm", marketing=True),
            "due work: 1 run": due_work,
            "SES bounce event": ses_event,
        }


def measure() -> dict[str, Any]:
    setup_paths()
    from infra.aws import moto_client
    from infra.in_process import template_on_moto, use_template_environment

    use_template_environment()  # the template's environment for the handlers, as in the tests

    rows = []
    with template_on_moto() as stack:
        scenarios = Scenarios(stack)
        dynamodb = moto_client("dynamodb")

        def table_item(key: dict[str, Any]) -> dict[str, Any] | None:
            found = dynamodb.get_item(TableName=os.environ["TABLE_NAME"], Key=key, ConsistentRead=True)
            return found.get("Item")

        for name, scenario in scenarios.all().items():
            logical_id, event = scenario()
            function = scenarios.functions[logical_id]
            function.invoke(event)  # warm: the first invocation reads the token key from SSM (cached 5 min)
            logical_id, event = scenario()
            printed = io.StringIO()
            with recording() as calls, contextlib.redirect_stdout(printed):
                result = function.invoke(event)
            metrics = sorted(
                {
                    metric["Name"]
                    for line in printed.getvalue().splitlines()
                    if line.startswith('{"_aws"')
                    for directive in json.loads(line)["_aws"]["CloudWatchMetrics"]
                    for metric in directive["Metrics"]
                }
            )
            status = result.get("statusCode") if isinstance(result, dict) else None
            failures = result.get("batchItemFailures") if isinstance(result, dict) else None
            if (status is not None and status >= 400) or failures:
                raise RuntimeError(f"{name}: {result}")
            usage = usage_of(calls, table_item).row()
            rows.append({"scenario": name, "function": logical_id, "metrics": metrics, **usage})
    return {"rows": rows}


def print_table(result: dict[str, Any]) -> None:
    print("AWS calls per request (moto in-process, botocore hook; warm: the token key is cached)")
    print("Goal: a new submission = 1 DynamoDB call, 0 SES calls")
    print(f"{'scenario':32} {'DynamoDB':>8} {'SES':>4} {'SQS':>4} {'SSM':>4} {'WRU':>5} {'RRU':>5}  calls")
    for row in result["rows"]:
        calls = ", ".join(
            f"{name.split(':')[1]}×{n}" if n > 1 else name.split(":")[1] for name, n in row["calls"].items()
        )
        print(
            f"{row['scenario']:32} {row['dynamodb_calls']:8} {row['ses_calls']:4} {row['sqs_calls']:4} "
            f"{row['ssm_calls']:4} {row['wru']:5.0f} {row['rru']:5.1f}  {calls or '-'}"
        )


def main() -> None:
    run_part(part_parser(__doc__), measure, print_table)


if __name__ == "__main__":
    main()
