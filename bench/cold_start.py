"""Cold start of every function in template.yaml, against a bare handler, side by side in one run.

Each sample is a fresh interpreter on the Lambda-like package (bench/package.py: Python 3.13 when pyenv
has it, only the runtime dependencies, byte-compiled). "Init" is what Lambda's init phase runs of our
code: importing the handler module, which creates its AWS clients. The bare handler imports only boto3
and creates the same clients (found by looking inside the real handler after import). Samples alternate
bare/real so that machine noise hits both alike; a ratio is the median of each sample's ratio to the bare
sample run just before it.

"First request" is the init plus one real invocation of the handler with a realistic event (a valid
submission, a fresh email job, a signed link, ...), so work deferred from init to the first request
shows up there. AWS is moto's server in this process with the template's resources: the child talks
to it over loopback HTTP through AWS_ENDPOINT_URL, as the local stack does. Two more invocations in the
same child give the warm duration. Peak memory is the child's max RSS (after init, and at the end).

    python -m bench.cold_start [--samples N] [--json]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.package import Package, build
from bench.support import (
    client_ip,
    http_event,
    open_erase_link,
    part_parser,
    queue_event,
    run_part,
    setup_paths,
    stream_event,
)

ROOT = Path(__file__).resolve().parents[1]
TOKEN_KEY = "bench-token-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - moto only
WARM_REQUESTS = 2

_CHILD = r"""
import gc, json, resource, sys, time, importlib

class Counting:
    def __init__(self, stream):
        self.stream, self.written = stream, 0
    def write(self, text):
        self.written += len(text.encode("utf-8", "replace"))
        return self.stream.write(text)
    def flush(self):
        self.stream.flush()
    def __getattr__(self, name):
        return getattr(self.stream, name)

class Context:
    # The parent's LocalLambdaContext (infra.lambda_events) by its fields: this child runs on the Lambda
    # package alone and cannot import infra. Only the clock starts here, at the invocation.
    def __init__(self, fields):
        self.__dict__.update(fields)
        self.deadline = time.monotonic() + fields["timeout_seconds"]
    def get_remaining_time_in_millis(self):
        return max(0, int((self.deadline - time.monotonic()) * 1000))

def rss():
    # The peak of this process since exec (ru_maxrss would carry the forking parent's peak over exec).
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

spec = json.loads(sys.stdin.read())
out = sys.stdout
sys.stdout = Counting(out)
started = time.perf_counter()
{body}
init = time.perf_counter() - started
rss_init = rss()
import botocore.client
clients = sorted({{o.meta.service_model.service_name for o in gc.get_objects()
                  if isinstance(o, botocore.client.BaseClient)}})
# Time spent waiting on AWS (here moto's server), to tell our code's time from the calls' latency.
aws = {{"seconds": 0.0, "calls": 0}}
original_call = botocore.client.BaseClient._make_api_call
def timed_call(self, operation, params):
    began = time.perf_counter()
    try:
        if operation in ("GetSuppressedDestination", "DeleteSuppressedDestination"):
            # moto's server has no SES suppression list (infra/local/ses_suppression.py emulates it in-process
            # only); a bench visitor was never suppressed, which SES answers so.
            error = {{"Error": {{"Code": "NotFoundException", "Message": "not on the suppression list"}}}}
            raise self.exceptions.NotFoundException(error, operation)
        return original_call(self, operation, params)
    finally:
        aws["seconds"] += time.perf_counter() - began
        aws["calls"] += 1
botocore.client.BaseClient._make_api_call = timed_call
durations, aws_seconds, aws_calls, statuses, log_bytes = [], [], [], [], []
for event, context in zip(spec["events"], spec.get("contexts", [])):
    before = sys.stdout.written
    aws["seconds"], aws["calls"] = 0.0, 0
    began = time.perf_counter()
    result = handler(event, Context(context))
    durations.append(time.perf_counter() - began)
    aws_seconds.append(aws["seconds"])
    aws_calls.append(aws["calls"])
    log_bytes.append(sys.stdout.written - before)
    if isinstance(result, dict) and "statusCode" in result:
        statuses.append(result["statusCode"])
    elif isinstance(result, dict) and result.get("batchItemFailures"):
        statuses.append("failures")
    else:
        statuses.append("ok")
sys.stdout = out
print(json.dumps({{"init": init, "durations": durations, "aws_seconds": aws_seconds, "aws_calls": aws_calls,
                  "statuses": statuses, "log_bytes": log_bytes,
                  "rss_init": rss_init, "rss_end": rss(), "clients": clients}}))
"""

_REAL = "module = importlib.import_module({module!r})\nhandler = module.{function}"
_BARE = "import boto3\n{clients}handler = None"


def _run(package: Package, body: str, spec: dict[str, Any], environment: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run(
        [package.python, "-c", _CHILD.format(body=body)],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        env=environment,
        cwd="/",
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{spec['name']}: the child failed:\n{result.stderr[-3000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def today() -> str:
    """The coach's today, as the funnel report's ``from``/``to`` take it."""
    from pijnreset.timestamps import COACH_TIME_ZONE

    return datetime.now(COACH_TIME_ZONE).date().isoformat()


class Fixtures:
    """Fresh, realistic events for each function, made through the real handlers in this process."""

    def __init__(self, stack: Any) -> None:
        from pijnreset.content.loader import load_content
        from pijnreset.settings import SubmitSettings

        from infra.local.http import CorsPolicy, Gateway

        self.stack = stack
        self.gateway = Gateway(stack.functions, CorsPolicy.of_template(stack.resolver))
        settings = SubmitSettings.from_env()
        self.content = load_content(settings.questionnaire_version)
        self.table = settings.table_name
        self.makers: dict[str, Callable[[], dict[str, Any]]] = {
            "QuestionnaireFunction": lambda: self.http("GET", "/pijntest"),
            "ChallengeFunction": lambda: self.http("GET", "/challenge"),
            "SubmitFunction": lambda: self.http("POST", "/pijntest", self.submission()),
            "IntakeFunction": lambda: self.http("POST", "/intake", self.intake()),
            "OutboxRelayFunction": self.stream_event,
            "EmailSenderFunction": self.queue_event,
            "ConfirmFunction": lambda: self.http("POST", f"/confirm?token={self.token('confirm', marketing=True)}"),
            "UnsubscribeFunction": lambda: self.http("POST", f"/unsubscribe?token={self.token('unsubscribe')}"),
            "EraseRequestFunction": lambda: self.http("POST", "/privacy/erase", self.erasure()),
            "EraseFunction": lambda: self.http("POST", self.erase_link()),
            "DueWorkFunction": self.schedule_event,
            "SesEventsFunction": self.ses_event,
            "CoachSessionFunction": self.coach_sign_in,
            "CoachAppFunction": lambda: self.http("GET", "/coach"),
            "CoachApiFunction": lambda: self.as_coach("GET", "/coach/api/leads"),
            "CoachReportFunction": lambda: self.as_coach("GET", f"/coach/api/funnel?from={today()}&to={today()}"),
            "ReportFunction": lambda: self.http("GET", f"/pijntest/rapport?token={self.token('report')}"),
            "BookingCancelFunction": lambda: self.http("GET", f"/booking/cancel?token={self.token('booking')}"),
            "WeeklyDigestFunction": self.schedule_event,
        }
        self.coach_users = False

    def event(self, logical_id: str) -> dict[str, Any]:
        return self.makers[logical_id]()

    def coach_sign_in(self) -> dict[str, Any]:
        """The coach's sign-in with the local coach user (created in moto's user pool once)."""
        from infra.local.coach_users import LOCAL_USERS, create_local_users

        if not self.coach_users:
            create_local_users(self.stack)
            self.coach_users = True
        coach = LOCAL_USERS[0]
        return self.http("POST", "/coach/session", {"username": coach.username, "password": coach.password})

    def submission(self, email: str | None = None, marketing: bool = False) -> dict[str, Any]:
        from infra.challenge import made
        from infra.samples import changed, submission

        body = changed(submission(self.content.questionnaire, item_value=1), "consent.marketing", marketing)
        body["altcha"] = made(key=TOKEN_KEY)  # this stack's own key
        return changed(body, "contact.email", email or f"bench-{uuid.uuid4().hex[:12]}@example.nl")

    def intake(self) -> dict[str, Any]:
        from infra.challenge import made
        from infra.samples import intake_request

        return {**intake_request(email=f"bench-{uuid.uuid4().hex[:12]}@example.nl"), "altcha": made(key=TOKEN_KEY)}

    def erasure(self) -> dict[str, Any]:
        from infra.challenge import made

        return {"email": self.person()[0], "altcha": made(key=TOKEN_KEY)}

    def person(self, marketing: bool = False) -> tuple[str, str]:
        """A new visitor who took the test: (email, lead id)."""
        from pijnreset.logic.identity import lead_id_for

        body = self.submission(marketing=marketing)
        answer = self.gateway.handle(
            "POST", "/pijntest", "", [("content-type", "application/json")], json.dumps(body).encode(), client_ip()
        )
        assert answer.status == 201, answer.body
        email = body["contact"]["email"]
        self.submission_id = str(body["submission_id"])  # what a confirm link names
        return email, lead_id_for(email)

    def token(self, purpose: Any, marketing: bool = False) -> str:
        from pijnreset.logic.tokens import sign

        _, lead_id = self.person(marketing=marketing or purpose == "unsubscribe")
        ref = (
            self.submission_id
            if purpose in ("confirm", "report")
            else str(uuid.uuid4())
            if purpose == "booking"
            else None
        )
        return sign(TOKEN_KEY.encode(), purpose, lead_id, int(time.time()) + 3600, ref)

    def http(self, method: str, target: str, body: Any = None) -> dict[str, Any]:
        return http_event(self.gateway.functions, method, target, body)

    def as_coach(self, method: str, target: str) -> dict[str, Any]:
        """A coach route's event with the claims the JWT authorizer passes for the local coach user."""
        from infra.local.jwt_authorizer import gateway_claims

        event = self.http(method, target)
        claims = {"token_use": "access", "sub": "bench-coach", "username": "coach", "cognito:groups": ["coach"]}
        event["requestContext"]["authorizer"] = {"jwt": {"claims": gateway_claims(claims), "scopes": None}}
        return event

    def erase_link(self) -> str:
        email, _ = self.person()
        return open_erase_link(self.gateway, self.stack.client("dynamodb"), self.table, email, TOKEN_KEY)

    def _new_job(self) -> dict[str, Any]:
        _, lead_id = self.person()
        jobs = self.stack.client("dynamodb").query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :job)",
            ExpressionAttributeValues={":pk": {"S": f"LEAD#{lead_id}"}, ":job": {"S": "EMAIL#result#"}},
        )["Items"]
        assert jobs, f"no result email job for {lead_id}"
        return dict(jobs[0])

    def stream_event(self) -> dict[str, Any]:
        return stream_event(self.stack.resolver, self._new_job())

    def queue_event(self) -> dict[str, Any]:
        return queue_event(self.stack.resolver, self._new_job())

    def schedule_event(self) -> dict[str, Any]:
        from infra.lambda_events import schedule_event

        return schedule_event(datetime.now(UTC))

    def ses_event(self) -> dict[str, Any]:
        from infra.lambda_events import ses_notification, sns_event

        email, _ = self.person()
        topic = self.stack.resolver.attributes[("SesEventsTopic", "TopicArn")]
        return sns_event(topic, ses_notification("bounce", email))


def measure(samples: int, rev: str | None = None, compare: str | None = None) -> dict[str, Any]:
    """``rev``: measure that commit's code; ``compare``: also that commit's init, in the same alternation."""
    setup_paths()
    package = build(rev)
    baseline = build(compare) if compare else None
    from infra.functions import shared_environment
    from infra.local.stack import LOCAL_CREDENTIALS, LocalStack
    from infra.resources import seed_token_key

    stack = LocalStack()
    stack.start()
    try:
        seed_token_key(stack.client("ssm"), shared_environment(stack.resolver), TOKEN_KEY)
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": package.pythonpath,
            "PYTHONDONTWRITEBYTECODE": "1",  # /var/task is read-only
            "AWS_ENDPOINT_URL": stack.endpoint,
            **LOCAL_CREDENTIALS,
            **shared_environment(stack.resolver),
            # The sender paces itself to the SES quota; back-to-back bench requests would measure its waits.
            "SES_MAX_SEND_RATE": "1000",
        }
        fixtures = Fixtures(stack)
        rows = [
            _measure_function(package, function, fixtures, environment, samples, baseline)
            for function in stack.functions
        ]
    finally:
        stack.stop()
    return {
        "python": package.version,
        "samples": samples,
        "rev": rev or "working tree",
        "compare": compare,
        "rows": rows,
    }


def _measure_function(
    package: Package,
    function: Any,
    fixtures: Fixtures,
    environment: dict[str, str],
    samples: int,
    baseline: Package | None = None,
) -> dict[str, Any]:
    module, attribute = function.handler.rsplit(".", 1)
    real_body = _REAL.format(module=module, function=attribute)

    def spec() -> dict[str, Any]:
        from infra.lambda_events import LocalLambdaContext

        events = [fixtures.event(function.logical_id) for _ in range(1 + WARM_REQUESTS)]
        contexts = [
            LocalLambdaContext(function.logical_id, function.memory_size, function.timeout).fields() for _ in events
        ]
        return {"name": function.logical_id, "events": events, "contexts": contexts}

    clients = _run(package, real_body, {**spec(), "events": []}, environment)["clients"]
    bare_body = _BARE.format(clients="".join(f"boto3.client({service!r})\n" for service in clients))
    bare, real, before = [], [], []
    for _ in range(samples):
        bare.append(_run(package, bare_body, {"name": "bare", "events": []}, environment))
        real.append(_run(package, real_body, spec(), environment))
        if baseline is not None:
            old = {**environment, "PYTHONPATH": baseline.pythonpath}
            before.append(_run(baseline, real_body, {"name": function.logical_id, "events": []}, old))
    statuses = sorted({str(status) for sample in real for status in sample["statuses"]})
    if not set(statuses) <= {"200", "201", "202", "ok"}:
        raise RuntimeError(f"{function.logical_id} answered {statuses}: the bench would measure an error path")
    bare_init = statistics.median(sample["init"] for sample in bare)
    init = statistics.median(sample["init"] for sample in real)
    # Ratios pair each sample with the bare one run just before it, so that load drifting over the run
    # (other jobs on the machine) cancels out; the ratio reported is the median of those pairs.
    paired = [r["init"] / b["init"] for r, b in zip(real, bare, strict=True)]
    # Our code's share of a request: its duration less the time spent waiting on AWS (moto here).
    code = [[d - a for d, a in zip(s["durations"], s["aws_seconds"], strict=True)] for s in real]
    first_code = statistics.median(c[0] for c in code)
    warm_code = statistics.median(c for sample in code for c in sample[1:])
    warm_total = statistics.median(d for sample in real for d in sample["durations"][1:])
    return {
        "function": function.logical_id,
        "memory_mb": function.memory_size,
        "clients": ",".join(clients) or "-",
        "bare_ms": bare_init * 1000,
        "init_ms": init * 1000,
        "ratio": statistics.median(paired),
        "first_code_ms": first_code * 1000,
        "first_ratio": statistics.median(
            (r["init"] + c[0]) / b["init"] for r, c, b in zip(real, code, bare, strict=True)
        ),
        "warm_code_ms": warm_code * 1000,
        "warm_total_ms": warm_total * 1000,
        "aws_calls": statistics.median(c for sample in real for c in sample["aws_calls"][1:]),
        "peak_init_mib": max(sample["rss_init"] for sample in real),
        "peak_mib": max(sample["rss_end"] for sample in real),
        "log_bytes": statistics.median(b for sample in real for b in sample["log_bytes"][1:]),
        "statuses": statuses,
        **(
            {
                "before_ratio": statistics.median(o["init"] / b["init"] for o, b in zip(before, bare, strict=True)),
                "before_mib": max(sample["rss_init"] for sample in before),
            }
            if before
            else {}
        ),
    }


def print_table(result: dict[str, Any]) -> None:
    print(
        f"Cold start of the {result['rev']} on Python {result['python']}, Lambda-like package: median of "
        f"{result['samples']} fresh processes, bare and handler alternating"
    )
    print("Goal: init <= 1.4x the bare handler's, peak memory <= 60 MiB. 1st req and warm: our code's time,")
    print("without the time waiting on AWS (moto here); +1st ratio: (init + 1st request) / bare init.")
    print(
        f"{'function':22} {'clients':24} {'bare ms':>7} {'init ms':>7} {'ratio':>6} {'1st req':>7} "
        f"{'+1st':>6} {'warm ms':>7} {'calls':>5} {'MiB init':>8} {'MiB end':>7}"
    )
    for row in result["rows"]:
        print(
            f"{row['function']:22} {row['clients']:24} {row['bare_ms']:7.0f} {row['init_ms']:7.0f} "
            f"{row['ratio']:5.2f}x {row['first_code_ms']:7.0f} {row['first_ratio']:5.2f}x "
            f"{row['warm_code_ms']:7.1f} {row['aws_calls']:5.0f} {row['peak_init_mib']:8.1f} {row['peak_mib']:7.1f}"
            + (
                f"   {result['compare']}: {row['before_ratio']:.2f}x {row['before_mib']:.1f} MiB"
                if result["compare"]
                else ""
            )
        )


def main() -> None:
    parser = part_parser(__doc__)
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument("--rev", help="measure the functions' code of this commit instead of the working tree")
    parser.add_argument("--compare", metavar="REV", help="also measure the init of this commit's code, alternating")
    run_part(parser, measure, print_table)


if __name__ == "__main__":
    sys.exit(main())
