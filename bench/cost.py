"""What 10,000 completed Pijntests cost on AWS, computed from measured figures.

Measured (by bench.aws_calls and bench.cold_start): the AWS calls and DynamoDB capacity units of every
request and email job, each function's init and request time (our code's, without AWS latency), its log
bytes, and the CloudWatch metrics it emits. Everything else is a named input below: the prices (eu-west-1,
on-demand, free tiers ignored, as I know them from mid-2025 — inputs, check them against AWS's price
pages before relying on the total), the funnel around a test, and the Lambda assumptions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from infra.template import load_template, resources_of_type

# --- Prices, eu-west-1, USD (as known to me in mid-2025; inputs, not facts) -------------------------------
PRICES = {
    "lambda_arm_gb_second": 0.0000133334,
    "lambda_request": 0.20 / 1e6,
    "http_api_request": 1.11 / 1e6,  # HTTP API, first 300 million a month
    "dynamodb_wru": 0.7068 / 1e6,  # on-demand write request unit (after the Nov 2024 price cut)
    "dynamodb_rru": 0.1415 / 1e6,  # on-demand read request unit
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

# AWS's always-free tiers, per account and month (not the 12-month trial ones: SES, API Gateway and
# DynamoDB on-demand requests have none that last). Only for the second reading of the bill: what an
# account that runs nothing else pays.
FREE_EACH_MONTH = {
    "Lambda compute (arm64)": 400_000,
    "Lambda requests": 1_000_000,
    "SQS": 1_000_000,
    "X-Ray (active tracing)": 100_000,
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
    # Lambda gives CPU in proportion to memory, a full vCPU at 1,769 MB: below that our code runs
    # 1769 / memory times slower than on one core of this machine (taken as equal to a Lambda vCPU).
    "full_vcpu_mb": 1769,
    "aws_call_ms": 10.0,  # latency of one DynamoDB/SQS/SES/SSM call from Lambda
    "platform_log_bytes": 400,  # START, END and REPORT lines per invocation
    "idle_sqs_requests_month": 5 * 3 * 60 * 24 * 30,  # Lambda's SQS pollers long-poll an empty queue
    "due_work_runs_month": 4 * 24 * 30,  # rate(15 minutes)
}


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
    counts: dict[str, float], calls: dict[str, Any], cold: dict[str, Any], at_lambda_speed: bool = True
) -> dict[str, Any]:
    by_scenario = {row["scenario"]: row for row in calls["rows"]}
    by_function = {row["function"]: row for row in cold["rows"]}
    q: dict[str, Any] = dict.fromkeys(("gb_s", "invocations", "api", "wru", "rru", "sqs", "emails", "log"), 0.0)
    q["metrics"] = set()
    for scenario, count in counts.items():
        row = by_scenario[scenario]
        function = by_function[row["function"]]
        memory_gb = function["memory_mb"] / 1024
        slowdown = cpu_slowdown(function["memory_mb"]) if at_lambda_speed else 1.0
        billed_ms = math.ceil(function["warm_code_ms"] * slowdown + sum(row["calls"].values()) * LAMBDA["aws_call_ms"])
        init_ms = function["init_ms"] * slowdown * LAMBDA["cold_share"]
        q["gb_s"] += count * memory_gb * (billed_ms + init_ms) / 1000
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


# Metrics whose name carries a variant: the funnel emits every variant in a month, not only the measured one.
_VARIANTS = {
    "Triage_": ("none", "see_gp", "urgent"),
    "Category_": ("low", "medium", "high"),
    "EmailSent_": (
        "result",
        "optin_confirm",
        "followup_breathing",
        "followup_patterns",
        "followup_last",
        "intake_coach",
        "intake_confirmation",
    ),
}


def _metric_names(measured: set[str]) -> set[str]:
    names = set(measured)
    for prefix, variants in _VARIANTS.items():
        names |= {prefix + variant for variant in variants}
    return names


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


def model(calls: dict[str, Any], cold: dict[str, Any]) -> dict[str, Any]:
    by_scenario = {row["scenario"]: row for row in calls["rows"]}
    core_funnel = {**FUNNEL, "marketing_share": 0.0, "intake_share": 0.0}
    core = _quantities(_invocations(core_funnel), calls, cold)
    full = _quantities(_invocations(FUNNEL), calls, cold)
    fast = _quantities(_invocations(FUNNEL), calls, cold, at_lambda_speed=False)
    lines = [
        Line(
            "Lambda compute (arm64)",
            "GB-s",
            core["gb_s"],
            full["gb_s"],
            PRICES["lambda_arm_gb_second"],
            "init billed; every invocation cold",
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
            "X-Ray (active tracing)",
            "traces",
            core["invocations"],
            full["invocations"],
            PRICES["xray_trace"],
            "every invocation sampled",
        ),
        Line("CloudWatch Logs", "GB", core["log"], full["log"], PRICES["logs_gb_ingested"]),
    ]
    due_rru = LAMBDA["due_work_runs_month"] * by_scenario["due work: 1 run"]["rru"]
    template = load_template()
    alarms = sum(1 for _ in resources_of_type(template, "AWS::CloudWatch::Alarm"))
    metrics_alarmed = alarm_metrics(template)
    dashboards = sum(1 for _ in resources_of_type(template, "AWS::CloudWatch::Dashboard"))
    keys = sum(1 for _ in resources_of_type(template, "AWS::KMS::Key"))
    storage_gb = by_scenario["POST /pijntest (new)"]["bytes_written"] * TESTS / 1e9
    # The due work emits its counts every 15 minutes, zeros included, whatever the traffic.
    metrics = len(_metric_names(full["metrics"]) | set(by_scenario["due work: 1 run"]["metrics"]))
    fixed = [
        Line(
            "CloudWatch custom metrics (EMF)",
            "metrics",
            metrics,
            metrics,
            PRICES["custom_metric_month"],
            "upper bound: each name gets data every hour",
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
        Line("CloudWatch dashboard", "dashboards", dashboards, dashboards, PRICES["dashboard_month"]),
        Line("KMS key (alarm, SES-event topics)", "keys", keys, keys, PRICES["kms_key_month"]),
        Line(
            "DynamoDB storage + PITR, a month",
            "GB",
            storage_gb,
            storage_gb,
            PRICES["dynamodb_gb_month"] + PRICES["dynamodb_pitr_gb_month"],
        ),
    ]
    core_usd = sum(line.usd(line.core) for line in lines)
    full_usd = sum(line.usd(line.funnel) for line in lines)
    fixed_usd = sum(line.usd(line.core) for line in fixed)
    lambda_fast = fast["gb_s"] * PRICES["lambda_arm_gb_second"]
    return {
        "lines": [line.__dict__ for line in lines],
        "fixed": [line.__dict__ for line in fixed],
        "core_usd": core_usd,
        "funnel_usd": full_usd,
        "fixed_usd": fixed_usd,
        "lambda_at_this_machines_speed_usd": lambda_fast,
        "funnel_usd_at_this_machines_speed": full_usd - lines[0].usd(lines[0].funnel) + lambda_fast,
        "month_with_free_tiers_usd": {
            "tests": _with_free_tiers(lines, fixed, "core"),
            "funnel": _with_free_tiers(lines, fixed, "funnel"),
        },
        "slowdown_by_memory_mb": {
            memory: cpu_slowdown(memory) for memory in sorted({row["memory_mb"] for row in cold["rows"]})
        },
        "prices": PRICES,
        "funnel": FUNNEL,
        "lambda": LAMBDA,
    }


def print_table(result: dict[str, Any]) -> None:
    slowdowns = ", ".join(f"{factor:.1f}x at {memory} MB" for memory, factor in result["slowdown_by_memory_mb"].items())
    print(
        f"Cost per {TESTS:,} completed tests, eu-west-1 (goal: < $1.50 all-in); prices and assumptions: bench/cost.py"
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
    print("  fixed per month, whatever the traffic:")
    for line in result["fixed"]:
        usd = line["core"] * line["price"]
        print(f"  {line['item']:34} {line['unit']:12} {line['core']:12,.1f} {usd:8.4f}  {line['note']}")
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
