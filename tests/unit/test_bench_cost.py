"""The bench's arithmetic: DynamoDB item sizes and capacity units, and the cost model's sums (no timings)."""

from __future__ import annotations

import pytest

from bench import cost
from bench.aws_calls import Call, item_size, usage_of


def test_item_sizes_follow_dynamodbs_rules():
    assert item_size({"pk": {"S": "LEAD#1"}}) == 2 + 6
    assert item_size({"n": {"N": "12345"}}) == 1 + 4
    assert item_size({"b": {"BOOL": True}, "z": {"NULL": True}}) == 4
    assert item_size({"m": {"M": {"a": {"S": "xy"}}}}) == 1 + 3 + (1 + 2 + 1)


def test_a_transaction_costs_two_write_units_per_started_kb_and_the_index_one_more():
    small = {"pk": {"S": "a"}, "sk": {"S": "b"}}
    indexed = {**small, "gsi1pk": {"S": "DUE#x"}, "blob": {"S": "x" * 1500}}
    call = Call(
        "dynamodb", "TransactWriteItems", {"TransactItems": [{"Put": {"Item": small}}, {"Put": {"Item": indexed}}]}, {}
    )
    usage = usage_of([call], lambda key: None)
    assert usage.wru == 2 * 1 + 2 * 2
    assert usage.gsi_wru == 2


def test_a_consistent_read_costs_one_unit_per_started_4_kb_and_an_eventual_one_half():
    item = {"pk": {"S": "a"}, "blob": {"S": "x" * 5000}}
    get = Call("dynamodb", "GetItem", {"ConsistentRead": True}, {"Item": item})
    query = Call("dynamodb", "Query", {"IndexName": "gsi1"}, {"Items": []})
    assert usage_of([get, query], lambda key: None).rru == 2 + 0.5


def test_the_cost_model_adds_up_its_lines():
    calls = {
        "rows": [
            {
                "scenario": name,
                "function": "F",
                "calls": {"dynamodb:TransactWriteItems": 1},
                "wru": 10,
                "rru": 1,
                "sqs_calls": 1,
                "ses_calls": 1 if name.startswith("send") else 0,
                "bytes_written": 4000,
                "metrics": ["M"],
            }
            for name in [*cost._invocations(cost.FUNNEL), "due work: 1 run"]
        ]
    }
    cold = {"rows": [{"function": "F", "memory_mb": 256, "warm_code_ms": 1.0, "init_ms": 100.0, "log_bytes": 600}]}
    result = cost.model(calls, cold)
    assert result["funnel_usd"] == pytest.approx(sum(line["funnel"] * line["price"] for line in result["lines"]))
    ses = next(line for line in result["lines"] if line["item"] == "SES")
    assert ses["core"] == cost.TESTS
    assert result["core_usd"] < result["funnel_usd"]
    # The sensitivity table: fewer cold starts, less Lambda; at 100% cold it is the main table.
    shares = [row["cold_share"] for row in result["sensitivity"]]
    assert shares == [1.0, 0.3, 0.05]
    lambdas = [row["lambda_usd"] for row in result["sensitivity"]]
    assert lambdas == sorted(lambdas, reverse=True)
    assert result["sensitivity"][0]["funnel_usd"] == pytest.approx(result["funnel_usd"])


def test_tracing_passthrough_costs_no_traces_and_active_one_per_invocation(monkeypatch):
    traced = {"core": 10.0, "invocations": 40_000.0}
    quantities = dict.fromkeys(("gb_s", "api", "wru", "rru", "stream", "sqs", "emails", "log"), 0.0) | traced
    (xray,) = [line for line in cost._variable_lines(quantities, quantities, False) if line.item == "X-Ray"]
    assert xray.usd(xray.funnel) == 0
    (xray,) = [line for line in cost._variable_lines(quantities, quantities, True) if line.item == "X-Ray"]
    assert xray.usd(xray.funnel) == pytest.approx(40_000 * 5.00 / 1e6)


def test_the_template_defaults_to_no_tracing_no_dashboard_and_snapstart_for_the_form_only():
    template = cost._template()
    assert cost.tracing_active(template) is False
    assert cost.snapstart_functions(template) == {
        "QuestionnaireFunction",
        "ChallengeFunction",
        "SubmitFunction",
        "IntakeFunction",
    }


def test_every_price_names_its_source():
    assert set(cost.PRICE_SOURCES) == set(cost.PRICES)
    assert all("aws.amazon.com" in source for source in cost.PRICE_SOURCES.values())


def test_a_function_gets_cpu_in_proportion_to_its_memory_up_to_a_full_vcpu():
    assert cost.cpu_slowdown(256) == pytest.approx(1769 / 256)
    assert cost.cpu_slowdown(1024) == pytest.approx(1769 / 1024)
    assert cost.cpu_slowdown(3008) == 1.0


def test_a_metric_math_alarm_pays_for_every_metric_it_reads():
    stat = {"MetricStat": {"Metric": {"MetricName": "Errors"}, "Period": 300, "Stat": "Sum"}}
    template = {
        "Resources": {
            "Plain": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"MetricName": "Errors"}},
            "Math": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {"Metrics": [{"Id": "total", "Expression": "SUM(METRICS())"}, stat, stat, stat]},
            },
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}},
        }
    }
    assert cost.alarm_metrics(template) == 1 + 3


def test_the_free_tiers_take_off_only_what_they_cover():
    within = cost.Line("Lambda requests", "invocations", 10_000, 20_000, cost.PRICES["lambda_request"])
    beyond = cost.Line("CloudWatch custom metrics (EMF)", "metrics", 19, 19, cost.PRICES["custom_metric_month"])
    ses = cost.Line("SES", "emails", 10_000, 18_500, cost.PRICES["ses_email"])
    month = cost._with_free_tiers([within, ses], [beyond], "funnel")
    assert month == pytest.approx(18_500 * cost.PRICES["ses_email"] + 9 * cost.PRICES["custom_metric_month"])
