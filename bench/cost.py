"""What 10,000 completed Pijntests cost on AWS, computed from measured figures.

Measured (by bench.aws_calls and bench.cold_start): the AWS calls and DynamoDB capacity units of every
request and email job, each function's init and request time (our code's, without AWS latency), its log
bytes, and the CloudWatch metrics it emits. Read from template.yaml: the alarms and the metrics they read,
dashboards, KMS keys, the tracing default, the functions SnapStart may apply to. Everything else is a named
input below: the prices (eu-west-1, the template's region in samconfig.toml; on-demand; free tiers ignored;
each with its source and the date it was checked, in ``PRICE_SOURCES``), the funnel around a test, and the
Lambda assumptions (the share of cold invocations is varied: ``COLD_SHARES``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.template import ROOT, load_template, resources_of_type

# --- Prices, eu-west-1, USD --------------------------------------------------------------------------------
PRICES = {
    "lambda_arm_gb_second": 0.0000133334,
    "lambda_request": 0.20 / 1e6,
    "lambda_snapstart_cache_gb_second": 0.0000015046,  # a SnapStart version's snapshot, every second it is live
    "lambda_snapstart_restore_gb": 0.0001397998,  # each execution environment restored from a snapshot
    "http_api_request": 1.11 / 1e6,  # HTTP API, first 300 million a month
    "dynamodb_wru": 0.7068 / 1e6,  # on-demand write request unit (halved on 1 November 2024)
    "dynamodb_rru": 0.1415 / 1e6,  # on-demand read request unit (halved on 1 November 2024)
    "dynamodb_gb_month": 0.283,  # standard table class storage
    "dynamodb_pitr_gb_month": 0.2264,  # continuous backups
    "dynamodb_stream_read": 0.0,  # GetRecords by a Lambda trigger is free
    "sqs_request": 0.40 / 1e6,  # standard queue, per 64 KB chunk
    "ses_email": 0.10 / 1000,  # outbound email, no attachments
    "xray_trace": 5.00 / 1e6,  # traces recorded
    "logs_gb_ingested": 0.57,  # CloudWatch Logs standard ingestion
    "custom_metric_month": 0.30,  # first 10,000 metrics
    "alarm_metric_month": 0.10,  # standard resolution; a metric-math alarm pays for every metric it reads
    "dashboard_month": 3.00,
    "kms_key_month": 1.00,  # a customer managed key (its few requests from SNS are left out)
}
CHECKED = "2026-12-02"
# Where each price comes from. AWS's price pages render their tables in the browser, so each was checked
# against AWS's page and the copies and announcements named here, on CHECKED.
PRICE_SOURCES = {
    "lambda_arm_gb_second": "aws.amazon.com/lambda/pricing (Arm, first 6 billion GB-s; eu-west-1 = us-east-1)",
    "lambda_request": "aws.amazon.com/lambda/pricing",
    "lambda_snapstart_cache_gb_second": "aws.amazon.com/lambda/pricing, SnapStart (us-east-1 figure, assumed here)",
    "lambda_snapstart_restore_gb": "aws.amazon.com/lambda/pricing, SnapStart (us-east-1 figure, assumed here)",
    "http_api_request": "aws.amazon.com/api-gateway/pricing (HTTP APIs, eu-west-1)",
    "dynamodb_wru": "aws.amazon.com/dynamodb/pricing/on-demand; the 50% cut of 1 Nov 2024 (us-east-1: $0.625)",
    "dynamodb_rru": "aws.amazon.com/dynamodb/pricing/on-demand; the 50% cut of 1 Nov 2024 (us-east-1: $0.125)",
    "dynamodb_gb_month": "aws.amazon.com/dynamodb/pricing/on-demand (storage, eu-west-1)",
    "dynamodb_pitr_gb_month": "aws.amazon.com/dynamodb/pricing/on-demand (continuous backups, eu-west-1)",
    "dynamodb_stream_read": "aws.amazon.com/dynamodb/pricing (stream reads by Lambda triggers are free)",
    "sqs_request": "aws.amazon.com/sqs/pricing (standard queues, after the free million)",
    "ses_email": "aws.amazon.com/ses/pricing (outbound email)",
    "xray_trace": "aws.amazon.com/xray/pricing (traces recorded)",
    "logs_gb_ingested": "aws.amazon.com/cloudwatch/pricing (Logs standard ingestion, eu-west-1)",
    "custom_metric_month": "aws.amazon.com/cloudwatch/pricing (metrics, prorated by the hour)",
    "alarm_metric_month": "aws.amazon.com/cloudwatch/pricing (standard-resolution alarm metric)",
    "dashboard_month": "aws.amazon.com/cloudwatch/pricing (dashboards beyond the free 3)",
    "kms_key_month": "aws.amazon.com/kms/pricing (customer managed key)",
}

# AWS's always-free tiers, per account and month (not the 12-month trial ones: SES, API Gateway and
# DynamoDB on-demand requests have none that last). Only for the second reading of the bill: what an
# account that runs nothing else pays.
FREE_EACH_MONTH = {
    "Lambda compute (arm64)": 400_000,
    "Lambda requests": 1_000_000,
    "SQS": 1_000_000,
    "X-Ray": 100_000,
    "CloudWatch Logs": 5,
    "CloudWatch custom metrics (EMF)": 10,
    "CloudWatch alarms": 10,
    "CloudWatch dashboard": 3,
}

# --- The funnel around 10,000 completed tests (assumptions) -------------------------------------------------
TESTS = 10_000
FUNNEL = {
    "marketing_share": 0.30,  # tick the optional follow-up emails -> an opt-in email
    "confirm_share": 0.50,  # of those, confirm -> POST /confirm and the follow-up sequence
    "followup_emails": 3,  # steps in templates/followups/sequence-v1.yaml
    "intake_share": 0.05,  # ask for an intake -> POST /intake and two emails
    "preflights_per_post": 1.0,  # the form's cross-origin POST needs a CORS preflight (cached 10 min)
}

# --- Lambda (assumptions) ----------------------------------------------------------------------------------
LAMBDA = {
    "cold_share": 1.0,  # ~14 tests an hour: assume every invocation starts cold (init is billed since 2025)
    "snapstart_restore_ms": 300.0,  # billed restore of a snapshot (an assumption: Lambda reports it per restore)
    # Lambda gives CPU in proportion to memory, a full vCPU at 1,769 MB: below that our code runs
    # 1769 / memory times slower than on one core of this machine (taken as equal to a Lambda vCPU).
    "full_vcpu_mb": 1769,
    "aws_call_ms": 10.0,  # latency of one DynamoDB/SQS/SES/SSM call from Lambda
    "platform_log_bytes": 400,  # START, END and REPORT lines per invocation
    "idle_sqs_requests_month": 5 * 3 * 60 * 24 * 30,  # Lambda's SQS pollers long-poll an empty queue
    "due_work_runs_month": 4 * 24 * 30,  # rate(15 minutes)
    "seconds_month": 30 * 24 * 3600,
}
# The sensitivity table: the share of invocations that start cold. At ~14 tests an hour most do (100%); 30%
# and 5% are what steadier traffic, or many tests an hour, would give.
COLD_SHARES = (1.0, 0.3, 0.05)

# The fixed month of main before issue 16/18's cuts (commit 07e67f4: 19 metric names measured by its bench, 15
# alarms reading 40 metrics, one dashboard, one KMS key), priced at today's prices for the before/after line.
BEFORE = {"custom metrics": 19, "alarm metrics": 40, "dashboards": 1, "keys": 1}


@dataclass
class Line:
    item: str
    unit: str
    core: float  # quantity for the tests and their result emails alone
    funnel: float  # quantity with the funnel around them (opt-ins, follow-ups, intakes)
    price: float
    note: str = ""

    def usd(self, quantity: float) -> float:
        return quantity * self.price


def _invocations(funnel: dict[str, float]) -> dict[str, float]:
    """How often each measured scenario happens per 10,000 completed tests."""
    marketing = TESTS * funnel["marketing_share"]
    confirmed = marketing * funnel["confirm_share"]
    intakes = TESTS * funnel["intake_share"]
    emails = TESTS + marketing + confirmed * funnel["followup_emails"] + 2 * intakes
    return {
        "GET /pijntest": TESTS,
        "GET /challenge": TESTS + intakes,  # one per form sent: the Pijntest's, then the intake form's
        "POST /pijntest (new)": TESTS - marketing,
        "POST /pijntest (new, marketing)": marketing,
        "POST /confirm": confirmed,  # the button on the page GET /confirm shows (which calls no AWS)
        "POST /intake": intakes,
        "relay: 1 email job": emails,
        "send: result email": emails,  # every kind costs what the result email measured
    }


def cpu_slowdown(memory_mb: int) -> float:
    """How much slower our code runs in a function of this memory than on one core of this machine."""
    return max(1.0, LAMBDA["full_vcpu_mb"] / memory_mb)


def _quantities(
    counts: dict[str, float],
    calls: dict[str, Any],
    cold: dict[str, Any],
    at_lambda_speed: bool = True,
    cold_share: float | None = None,
) -> dict[str, Any]:
    by_scenario = {row["scenario"]: row for row in calls["rows"]}
    by_function = {row["function"]: row for row in cold["rows"]}
    share = LAMBDA["cold_share"] if cold_share is None else cold_share
    keys = ("gb_s", "invocations", "api", "wru", "rru", "sqs", "emails", "log", "cold_gb", "snap_gb_s")
    q: dict[str, Any] = dict.fromkeys(keys, 0.0)
    q["metrics"] = set()
    for scenario, count in counts.items():
        row = by_scenario[scenario]
        function = by_function[row["function"]]
        memory_gb = function["memory_mb"] / 1024
        slowdown = cpu_slowdown(function["memory_mb"]) if at_lambda_speed else 1.0
        billed_ms = math.ceil(function["warm_code_ms"] * slowdown + sum(row["calls"].values()) * LAMBDA["aws_call_ms"])
        init_ms = function["init_ms"] * slowdown * share
        q["gb_s"] += count * memory_gb * (billed_ms + init_ms) / 1000
        if row["function"] in snapstart_functions():
            # With SnapStart these cold starts are restores: a restore charge and its duration instead of init.
            q["cold_gb"] += count * share * memory_gb
            q["snap_gb_s"] += count * memory_gb * (LAMBDA["snapstart_restore_ms"] * share - init_ms) / 1000
        q["invocations"] += count
        if scenario.startswith(("GET ", "POST ")):
            q["api"] += count * (1 + (FUNNEL["preflights_per_post"] if scenario.startswith("POST") else 0))
        q["wru"] += count * row["wru"]
        q["rru"] += count * row["rru"]
        q["sqs"] += count * row["sqs_calls"] + (2 * count if scenario.startswith("send:") else 0)  # receive, delete
        q["emails"] += count * row["ses_calls"]
        q["log"] += count * (function["log_bytes"] + LAMBDA["platform_log_bytes"]) / 1e9
        if count:
            q["metrics"].update(row["metrics"])
    q["stream"] = counts["relay: 1 email job"]
    return q


def snapstart_functions(template: dict[str, Any] | None = None) -> set[str]:
    """The functions the template's SnapStart parameter applies to."""
    found = resources_of_type(template or _template(), "AWS::Serverless::Function")
    return {name for name, function in found if "SnapStart" in function["Properties"]}


def tracing_active(template: dict[str, Any] | None = None) -> bool:
    """Whether the template traces every invocation by default (its Tracing parameter's default)."""
    return bool((template or _template())["Parameters"]["Tracing"]["Default"] == "Active")


_TEMPLATES: list[dict[str, Any]] = []


def _template() -> dict[str, Any]:
    if not _TEMPLATES:
        _TEMPLATES.append(load_template())
    return _TEMPLATES[0]


def alarm_metrics(template: dict[str, Any]) -> int:
    """Metrics the template's alarms read: one for a plain alarm, every MetricStat of a metric-math one."""
    count = 0
    for _, alarm in resources_of_type(template, "AWS::CloudWatch::Alarm"):
        metrics = alarm["Properties"].get("Metrics")
        count += sum(1 for metric in metrics if "MetricStat" in metric) if metrics else 1
    return count


def _with_free_tiers(lines: list[Line], fixed: list[Line], pick: str) -> float:
    """The month's bill at 10,000 tests a month when the always-free tiers are the account's own."""
    quantities = [(line, getattr(line, pick)) for line in lines] + [(line, line.core) for line in fixed]
    return sum(line.usd(max(0.0, quantity - FREE_EACH_MONTH.get(line.item, 0))) for line, quantity in quantities)


def _variable_lines(core: dict[str, Any], full: dict[str, Any], traced: bool) -> list[Line]:
    """The lines that grow with the tests, for the quantities of the tests alone and of the funnel."""
    return [
        Line(
            "Lambda compute (arm64)",
            "GB-s",
            core["gb_s"],
            full["gb_s"],
            PRICES["lambda_arm_gb_second"],
            f"init billed; {LAMBDA['cold_share']:.0%} of invocations cold",
        ),
        Line("Lambda requests", "invocations", core["invocations"], full["invocations"], PRICES["lambda_request"]),
        Line(
            "API Gateway HTTP API",
            "requests",
            core["api"],
            full["api"],
            PRICES["http_api_request"],
            "CORS preflights included",
        ),
        Line("DynamoDB writes", "WRU", core["wru"], full["wru"], PRICES["dynamodb_wru"], "transactions: 2 per KB"),
        Line("DynamoDB reads", "RRU", core["rru"], full["rru"], PRICES["dynamodb_rru"]),
        Line(
            "DynamoDB stream reads",
            "records",
            core["stream"],
            full["stream"],
            PRICES["dynamodb_stream_read"],
            "free for Lambda triggers",
        ),
        Line("SQS", "requests", core["sqs"], full["sqs"], PRICES["sqs_request"]),
        Line("SES", "emails", core["emails"], full["emails"], PRICES["ses_email"]),
        Line(
            "X-Ray",
            "traces",
            core["invocations"] if traced else 0.0,
            full["invocations"] if traced else 0.0,
            PRICES["xray_trace"],
            "Tracing=Active: every invocation" if traced else "Tracing=PassThrough (default): none",
        ),
        Line("CloudWatch Logs", "GB", core["log"], full["log"], PRICES["logs_gb_ingested"]),
    ]


def _total(lines: list[Line], pick: str) -> float:
    return sum(line.usd(getattr(line, pick)) for line in lines)


def model(calls: dict[str, Any], cold: dict[str, Any]) -> dict[str, Any]:
    by_scenario = {row["scenario"]: row for row in calls["rows"]}
    template = _template()
    traced = tracing_active(template)
    core_funnel = {**FUNNEL, "marketing_share": 0.0, "intake_share": 0.0}
    core = _quantities(_invocations(core_funnel), calls, cold)
    full = _quantities(_invocations(FUNNEL), calls, cold)
    fast = _quantities(_invocations(FUNNEL), calls, cold, at_lambda_speed=False)
    lines = _variable_lines(core, full, traced)
    sensitivity = []
    for share in COLD_SHARES:
        at_core = _quantities(_invocations(core_funnel), calls, cold, cold_share=share)
        at_full = _quantities(_invocations(FUNNEL), calls, cold, cold_share=share)
        shared = _variable_lines(at_core, at_full, traced)
        snap = {
            pick: quantities["snap_gb_s"] * PRICES["lambda_arm_gb_second"]
            + quantities["cold_gb"] * PRICES["lambda_snapstart_restore_gb"]
            for pick, quantities in (("core", at_core), ("funnel", at_full))
        }
        sensitivity.append(
            {
                "cold_share": share,
                "tests_usd": _total(shared, "core"),
                "funnel_usd": _total(shared, "funnel"),
                "lambda_usd": shared[0].usd(shared[0].funnel),
                "snapstart_tests_usd": _total(shared, "core") + snap["core"],
                "snapstart_funnel_usd": _total(shared, "funnel") + snap["funnel"],
            }
        )
    due_rru = LAMBDA["due_work_runs_month"] * by_scenario["due work: 1 run"]["rru"]
    alarms = sum(1 for _ in resources_of_type(template, "AWS::CloudWatch::Alarm"))
    metrics_alarmed = alarm_metrics(template)
    dashboards = sum(1 for _ in resources_of_type(template, "AWS::CloudWatch::Dashboard"))
    optional_dashboards = sum(
        1 for _, resource in resources_of_type(template, "AWS::CloudWatch::Dashboard") if "Condition" in resource
    )
    keys = sum(1 for _ in resources_of_type(template, "AWS::KMS::Key"))
    storage_gb = by_scenario["POST /pijntest (new)"]["bytes_written"] * TESTS / 1e9
    # Measured: the names the functions emit in the month's scenarios (the due work runs every 15 minutes).
    metrics = len(set(full["metrics"]) | set(by_scenario["due work: 1 run"]["metrics"]))
    fixed = [
        Line(
            "CloudWatch custom metrics (EMF)",
            "metrics",
            metrics,
            metrics,
            PRICES["custom_metric_month"],
            "measured; the alarmed ones only when something is wrong",
        ),
        Line(
            "SQS idle polling by Lambda",
            "requests",
            LAMBDA["idle_sqs_requests_month"],
            LAMBDA["idle_sqs_requests_month"],
            PRICES["sqs_request"],
        ),
        Line("Due work every 15 min", "RRU", due_rru, due_rru, PRICES["dynamodb_rru"]),
        Line(
            "CloudWatch alarms",
            "metrics",
            metrics_alarmed,
            metrics_alarmed,
            PRICES["alarm_metric_month"],
            f"{alarms} alarms in template.yaml",
        ),
        Line(
            "CloudWatch dashboard",
            "dashboards",
            dashboards - optional_dashboards,
            dashboards - optional_dashboards,
            PRICES["dashboard_month"],
            f"Dashboard=on: +${optional_dashboards * PRICES['dashboard_month']:.2f}" if optional_dashboards else "",
        ),
        Line("KMS key (SES-event topic)", "keys", keys, keys, PRICES["kms_key_month"]),
        Line(
            "DynamoDB storage + PITR, a month",
            "GB",
            storage_gb,
            storage_gb,
            PRICES["dynamodb_gb_month"] + PRICES["dynamodb_pitr_gb_month"],
        ),
    ]
    core_usd = _total(lines, "core")
    full_usd = _total(lines, "funnel")
    fixed_usd = _total(fixed, "core")
    unchanged = sum(line.usd(line.core) for line in fixed if line.item.startswith(("SQS", "Due", "DynamoDB")))
    before_usd = unchanged + (
        BEFORE["custom metrics"] * PRICES["custom_metric_month"]
        + BEFORE["alarm metrics"] * PRICES["alarm_metric_month"]
        + BEFORE["dashboards"] * PRICES["dashboard_month"]
        + BEFORE["keys"] * PRICES["kms_key_month"]
    )
    memory_gb = {row["function"]: row["memory_mb"] / 1024 for row in cold["rows"]}
    snapstart_fixed = sum(
        memory_gb[name] * LAMBDA["seconds_month"] * PRICES["lambda_snapstart_cache_gb_second"]
        for name in snapstart_functions(template)
        if name in memory_gb
    )
    lambda_fast = fast["gb_s"] * PRICES["lambda_arm_gb_second"]
    return {
        "lines": [line.__dict__ for line in lines],
        "fixed": [line.__dict__ for line in fixed],
        "core_usd": core_usd,
        "funnel_usd": full_usd,
        "fixed_usd": fixed_usd,
        "fixed_before_usd": before_usd,
        "before": BEFORE,
        "alarms": alarms,
        "alarm_metrics": metrics_alarmed,
        "alarmed_metric_names": _alarmed_names(template),
        "sensitivity": sensitivity,
        "snapstart_fixed_usd": snapstart_fixed,
        "snapstart_functions": sorted(snapstart_functions(template)),
        "xray_if_active_usd": {
            "tests": core["invocations"] * PRICES["xray_trace"],
            "funnel": full["invocations"] * PRICES["xray_trace"],
        },
        "dashboard_if_on_usd": optional_dashboards * PRICES["dashboard_month"],
        "lambda_at_this_machines_speed_usd": lambda_fast,
        "funnel_usd_at_this_machines_speed": full_usd - lines[0].usd(lines[0].funnel) + lambda_fast,
        "month_with_free_tiers_usd": {
            "tests": _with_free_tiers(lines, fixed, "core"),
            "funnel": _with_free_tiers(lines, fixed, "funnel"),
        },
        "slowdown_by_memory_mb": {
            memory: cpu_slowdown(memory) for memory in sorted({row["memory_mb"] for row in cold["rows"]})
        },
        "memory_by_function": {
            row["function"]: {"memory_mb": row["memory_mb"], "peak_mib": row.get("mib_end")} for row in cold["rows"]
        },
        "prices": PRICES,
        "price_sources": PRICE_SOURCES,
        "checked": CHECKED,
        "funnel": FUNNEL,
        "lambda": LAMBDA,
    }


def _alarmed_names(template: dict[str, Any]) -> int:
    """How many custom metric names the alarms read (each billed only for the hours it gets data)."""
    names = set()
    for _, alarm in resources_of_type(template, "AWS::CloudWatch::Alarm"):
        properties = alarm["Properties"]
        stats = [m["MetricStat"]["Metric"] for m in properties.get("Metrics", []) if "MetricStat" in m]
        for metric in stats or [properties]:
            if metric.get("Namespace") == "PijnReset":
                names.add(metric["MetricName"])
    return len(names)


def print_table(result: dict[str, Any]) -> None:
    slowdowns = ", ".join(f"{factor:.1f}x at {memory} MB" for memory, factor in result["slowdown_by_memory_mb"].items())
    print(
        f"Cost per {TESTS:,} completed tests, eu-west-1 (goal: < $1.50 all-in, fixed month <= $5); prices checked "
        f"{result['checked']}, with their sources and the assumptions in bench/cost.py"
    )
    print(
        f"  'tests': each test with its result email. 'funnel': also {FUNNEL['marketing_share']:.0%} opt-in emails, "
        f"{FUNNEL['confirm_share']:.0%} of them confirmed with {FUNNEL['followup_emails']} follow-ups, "
        f"{FUNNEL['intake_share']:.0%} intakes."
    )
    print(
        f"  Lambda: every invocation cold, our code slower than here by the share of a vCPU its memory gets "
        f"({slowdowns}), {LAMBDA['aws_call_ms']:.0f} ms per AWS call"
    )
    print(f"  {'':34} {'unit':12} {'tests':>12} {'$':>8} {'funnel':>12} {'$':>8}  note")
    for line in result["lines"]:
        print(
            f"  {line['item']:34} {line['unit']:12} {line['core']:12,.1f} {line['core'] * line['price']:8.4f} "
            f"{line['funnel']:12,.1f} {line['funnel'] * line['price']:8.4f}  {line['note']}"
        )
    total = "total per 10,000 tests"
    print(f"  {total:34} {'':12} {'':>12} {result['core_usd']:8.4f} {'':>12} {result['funnel_usd']:8.4f}")
    xray = result["xray_if_active_usd"]
    print(f"  with Tracing=Active: +${xray['tests']:.2f} (tests), +${xray['funnel']:.2f} (funnel)")
    print("  share of cold invocations (sensitivity), per 10,000 tests:")
    print(f"  {'cold':>6} {'tests $':>9} {'funnel $':>9} {'Lambda $':>9} {'SnapStart on: tests $':>22} {'funnel $':>9}")
    for row in result["sensitivity"]:
        print(
            f"  {row['cold_share']:6.0%} {row['tests_usd']:9.4f} {row['funnel_usd']:9.4f} {row['lambda_usd']:9.4f} "
            f"{row['snapstart_tests_usd']:22.4f} {row['snapstart_funnel_usd']:9.4f}"
        )
    print(
        f"  SnapStart=on ({', '.join(name.removesuffix('Function') for name in result['snapstart_functions'])}): "
        f"restores instead of inits (${PRICES['lambda_snapstart_restore_gb']:.7f} per GB restored, "
        f"{LAMBDA['snapstart_restore_ms']:.0f} ms billed each, assumed), and +${result['snapstart_fixed_usd']:.2f} "
        "a month of snapshot cache"
    )
    print("  fixed per month, whatever the traffic:")
    for line in result["fixed"]:
        usd = line["core"] * line["price"]
        print(f"  {line['item']:34} {line['unit']:12} {line['core']:12,.1f} {usd:8.4f}  {line['note']}")
    before = result["before"]
    print(
        f"  fixed month: ${result['fixed_before_usd']:.2f} before (main at 07e67f4: {before['custom metrics']} metric "
        f"names, {before['alarm metrics']} alarm metrics, a dashboard, a KMS key) -> ${result['fixed_usd']:.2f} now "
        f"({result['alarms']} alarms reading {result['alarm_metrics']} metrics; each of the "
        f"{result['alarmed_metric_names']} alarmed custom metrics adds up to "
        f"${PRICES['custom_metric_month']:.2f} in a month it gets data every hour)"
    )
    print(
        f"  all-in at 10,000 tests a month: ${result['core_usd'] + result['fixed_usd']:.2f} (tests), "
        f"${result['funnel_usd'] + result['fixed_usd']:.2f} (funnel); with Lambda as fast as this machine: "
        f"${result['funnel_usd_at_this_machines_speed'] + result['fixed_usd']:.2f} (funnel)"
    )
    free = result["month_with_free_tiers_usd"]
    print(
        f"  the same month in an account whose always-free tiers are its own (Lambda, SQS, X-Ray, logs, 10 metrics,"
        f" 10 alarm metrics, 3 dashboards): ${free['tests']:.2f} (tests), ${free['funnel']:.2f} (funnel)"
    )


# --- The documents' cost figures, regenerated from the bench's measured inputs ----------------------------------
INPUTS = ROOT / "bench" / "cost_inputs.json"  # the last `make bench`'s calls and cold starts (python -m bench --docs)
DOCUMENTS = {"deploy": ROOT / "docs" / "deploy.md", "readme": ROOT / "README.md"}
_BEGIN, _END = "<!-- bench:cost:{name} (python -m bench.cost --docs) -->", "<!-- /bench:cost:{name} -->"


def _usd(value: float) -> str:
    return f"${value:,.2f}"


def markdown(result: dict[str, Any], measured: str) -> dict[str, str]:
    """The generated blocks of docs/deploy.md's cost section and of the README's Performance section."""
    lines = {line["item"]: line for line in result["lines"]}

    def both(*items: str) -> str:
        core = sum(lines[item]["core"] * lines[item]["price"] for item in items)
        funnel = sum(lines[item]["funnel"] * lines[item]["price"] for item in items)
        return f"{_usd(core)} | {_usd(funnel)}"

    fixed = {line["item"]: line["core"] * line["price"] for line in result["fixed"]}
    small = sum(fixed[item] for item in fixed if item.startswith(("SQS", "Due", "DynamoDB")))
    xray = result["xray_if_active_usd"]
    deploy = [
        f"Measured on {measured}; prices checked {result['checked']} (eu-west-1, each with its source in",
        "`bench/cost.py`). Per 10,000 completed tests, every Lambda invocation cold:",
        "",
        "| | tests | funnel |",
        "|---|---:|---:|",
        f"| SES (one email each, $0.10 per 1,000) | {both('SES')} |",
        f"| Lambda compute and requests (arm64, init billed) | {both('Lambda compute (arm64)', 'Lambda requests')} |",
        f"| DynamoDB writes and reads (on-demand, after the November 2024 cut) | "
        f"{both('DynamoDB writes', 'DynamoDB reads')} |",
        f"| API Gateway HTTP API (CORS preflights included), SQS, CloudWatch Logs | "
        f"{both('API Gateway HTTP API', 'SQS', 'CloudWatch Logs')} |",
        f"| X-Ray (`Tracing` `PassThrough` by default; `Active`: +{_usd(xray['tests'])} / +{_usd(xray['funnel'])}) | "
        f"{both('X-Ray')} |",
        f"| **Total per 10,000 tests** | **{_usd(result['core_usd'])}** | **{_usd(result['funnel_usd'])}** |",
        "",
        "The same with fewer cold starts (a realistic share depends on the traffic: at ~14 tests an hour most",
        "invocations start cold), and with the `SnapStart` parameter `on`:",
        "",
        "| cold invocations | tests | funnel | with SnapStart: tests | funnel |",
        "|---:|---:|---:|---:|---:|",
        *(
            f"| {row['cold_share']:.0%} | {_usd(row['tests_usd'])} | {_usd(row['funnel_usd'])} | "
            f"{_usd(row['snapstart_tests_usd'])} | {_usd(row['snapstart_funnel_usd'])} |"
            for row in result["sensitivity"]
        ),
        "",
        f"SnapStart adds {_usd(result['snapstart_fixed_usd'])} a month of snapshot cache for the form's "
        f"{len(result['snapstart_functions'])} functions at their memory, whatever the traffic.",
        "",
        "Per month, whatever the traffic:",
        "",
        "| | per month |",
        "|---|---:|",
        f"| CloudWatch custom metrics: only the {result['alarmed_metric_names']} an alarm reads, each emitted only "
        f"when something needs an operator (up to $0.30 a month each that gets data every hour) | "
        f"{_usd(fixed['CloudWatch custom metrics (EMF)'])} |",
        f"| CloudWatch alarms ({result['alarms']} alarms reading {result['alarm_metrics']} metrics) | "
        f"{_usd(fixed['CloudWatch alarms'])} |",
        f"| CloudWatch dashboard (`Dashboard` `off` by default; `on`: +{_usd(result['dashboard_if_on_usd'])}) | "
        f"{_usd(fixed['CloudWatch dashboard'])} |",
        f"| KMS key of the SES-event topic (the alarm topic needs none) | {_usd(fixed['KMS key (SES-event topic)'])} |",
        f"| Lambda's polling of the empty email queue, the due work every 15 minutes, storage with backups | "
        f"{_usd(small)} |",
        f"| **Fixed** (before issues 16 and 18: {_usd(result['fixed_before_usd'])}) | "
        f"**{_usd(result['fixed_usd'])}** |",
        "",
        f"So a month with 10,000 tests costs about **{_usd(result['core_usd'] + result['fixed_usd'])}** "
        f"({_usd(result['funnel_usd'] + result['fixed_usd'])} with the funnel); in an account whose always-free "
        f"tiers are its own, {_usd(result['month_with_free_tiers_usd']['tests'])} "
        f"({_usd(result['month_with_free_tiers_usd']['funnel'])}).",
    ]
    worst, best = result["sensitivity"][0], result["sensitivity"][-1]
    readme = [
        f"`make bench` measures cold starts, AWS calls per request, timings, the cost model and a load run "
        f"([docs/performance.md](docs/performance.md); measured {measured}). Cost, eu-west-1, prices checked "
        f"{result['checked']}:",
        "",
        "| | per 10,000 completed tests | fixed per month |",
        "|---|---:|---:|",
        f"| every invocation cold | {_usd(worst['tests_usd'])} ({_usd(worst['funnel_usd'])} with the funnel) | "
        f"{_usd(result['fixed_usd'])} (was {_usd(result['fixed_before_usd'])}) |",
        f"| {best['cold_share']:.0%} cold | {_usd(best['tests_usd'])} ({_usd(best['funnel_usd'])} with the funnel) "
        "| the same |",
        "",
        "SES's $0.10 per 1,000 emails is most of it; the deploy guide's cost section has every line.",
    ]
    return {"deploy": "\n".join(deploy), "readme": "\n".join(readme)}


def write_documents(result: dict[str, Any], measured: str) -> list[Path]:
    """Replaces each document's generated block with the figures of ``result``; the paths that changed."""
    changed = []
    for name, block in markdown(result, measured).items():
        path = DOCUMENTS[name]
        text = path.read_text(encoding="utf-8")
        begin, end = _BEGIN.format(name=name), _END.format(name=name)
        start, stop = text.index(begin) + len(begin), text.index(end)
        new = text[:start] + "\n" + block + "\n" + text[stop:]
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def generated_block(name: str) -> str:
    """The generated block of document ``name`` as it stands."""
    text = DOCUMENTS[name].read_text(encoding="utf-8")
    begin, end = _BEGIN.format(name=name), _END.format(name=name)
    return text[text.index(begin) + len(begin) : text.index(end)].strip("\n")


def saved_inputs() -> dict[str, Any]:
    return dict(json.loads(INPUTS.read_text(encoding="utf-8")))


def main() -> None:
    """``python -m bench.cost --docs``: the documents' cost figures again from the saved inputs (no measuring)."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--docs", action="store_true", help="rewrite the generated blocks of the documents")
    args = parser.parse_args()
    inputs = saved_inputs()
    result = model(inputs["calls"], inputs["cold"])
    print_table(result)
    if args.docs:
        for path in write_documents(result, inputs["measured"]):
            print(f"rewrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
