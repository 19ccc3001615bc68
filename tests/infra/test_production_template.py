"""The production safeguards of template.yaml, asserted from the YAML itself (issue: production SAM app)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from infra.template import ROOT, TEMPLATE_PATH, load_template, resources_of_type
from tests.support.iam import ACTIONS_WITHOUT_RESOURCES

TEMPLATE = load_template()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
FUNCTIONS = dict(resources_of_type(TEMPLATE, "AWS::Serverless::Function"))
API_FUNCTIONS = {
    name
    for name, function in FUNCTIONS.items()
    if any(event["Type"] == "HttpApi" for event in function["Properties"].get("Events", {}).values())
}
ASYNC_FUNCTIONS = set(FUNCTIONS) - API_FUNCTIONS


def _statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for policy in role["Properties"]["Policies"] for s in policy["PolicyDocument"]["Statement"]]


def _actions(statement: dict[str, Any]) -> list[str]:
    return statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]


def test_the_parameters_a_coach_sets_are_there():
    assert {
        "SenderAddress", "SenderName", "CoachAddress", "SesIdentity", "AllowedOrigin", "RetentionDays",
        "ConsentRetentionDays", "EmailRetentionDays", "TokenKeyParameterName", "SesMaxSendRate", "AlarmEmail",
        "Stage",
    } <= set(TEMPLATE["Parameters"])  # fmt: skip
    assert TEMPLATE["Parameters"]["AlarmEmail"]["Default"] == ""


def test_globals_run_python_3_13_on_arm64_with_tracing_a_parameter_and_powertools_settings():
    function = TEMPLATE["Globals"]["Function"]
    assert (function["Runtime"], function["Architectures"]) == ("python3.13", ["arm64"])
    assert function["Tracing"] == {"Ref": "Tracing"}
    tracing = TEMPLATE["Parameters"]["Tracing"]
    assert (tracing["Default"], tracing["AllowedValues"]) == ("PassThrough", ["PassThrough", "Active"])
    variables = function["Environment"]["Variables"]
    assert {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL"} <= set(variables)


def test_the_api_allows_exactly_the_landing_origin_throttles_and_logs_access_without_personal_data():
    ((_, api),) = resources_of_type(TEMPLATE, "AWS::Serverless::HttpApi")
    properties = api["Properties"]
    cors = properties["CorsConfiguration"]
    assert cors["AllowOrigins"] == [{"Ref": "AllowedOrigin"}]
    assert sorted(cors["AllowMethods"]) == ["GET", "OPTIONS", "POST"]
    assert cors["AllowCredentials"] is False
    throttling = properties["DefaultRouteSettings"]
    assert {"ThrottlingRateLimit", "ThrottlingBurstLimit"} <= set(throttling)
    logs = properties["AccessLogSettings"]
    assert logs["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    fields = json.loads(logs["Format"])
    assert not any(re.search(r"sourceIp|userAgent|path|querystring|identity", value, re.I) for value in fields.values())
    assert "RetentionInDays" in RESOURCES["ApiAccessLogGroup"]["Properties"]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_has_its_own_least_privilege_role_and_log_group(name):
    properties = FUNCTIONS[name]["Properties"]
    role_name = properties["Role"]["Fn::GetAtt"][0]
    log_group = properties["LoggingConfig"]["LogGroup"]["Ref"]
    assert RESOURCES[log_group]["Type"] == "AWS::Logs::LogGroup"
    assert "RetentionInDays" in RESOURCES[log_group]["Properties"]
    others = [f for f in FUNCTIONS.values() if f is not FUNCTIONS[name]]
    assert all(f["Properties"]["Role"]["Fn::GetAtt"][0] != role_name for f in others), "one role per function"
    assert "Policies" not in properties, "no SAM policy templates: they bring managed policies with Resource '*'"
    role = RESOURCES[role_name]
    assert "ManagedPolicyArns" not in role["Properties"]
    statements = _statements(role)
    logs = next(s for s in statements if s.get("Sid") == "WriteItsOwnLogs")
    assert logs["Resource"] == {"Fn::GetAtt": [log_group, "Arn"]}
    for statement in statements:
        if statement["Resource"] == "*":
            assert set(_actions(statement)) <= ACTIONS_WITHOUT_RESOURCES, statement


def test_the_yaml_says_why_next_to_every_wildcard_resource():
    lines = TEMPLATE_PATH.read_text().splitlines()
    for index, line in enumerate(lines):
        if re.match(r'\s+Resource: "\*"', line):
            assert lines[index - 1].strip().startswith("#"), f"line {index + 1}: say why next to it"


def test_only_the_sender_may_call_ses_and_only_from_the_sender_address():
    for name, function in FUNCTIONS.items():
        role = RESOURCES[function["Properties"]["Role"]["Fn::GetAtt"][0]]
        ses = [s for s in _statements(role) if any(a.startswith("ses:") for a in _actions(s))]
        # Both erase (the link's page and the coach's dashboard, through dal/person_data.py): they only take the
        # erased address off SES's suppression list.
        if name in {"EraseFunction", "CoachApiFunction"}:
            assert {a for s in ses for a in _actions(s)} == {
                "ses:GetSuppressedDestination",
                "ses:DeleteSuppressedDestination",
            }
            continue
        if name not in ("EmailSenderFunction", "WeeklyDigestFunction"):
            assert ses == [], name
            continue
        (statement,) = ses
        resources = json.dumps(statement["Resource"])
        assert "identity/${SesIdentity}" in resources
        assert "configuration-set/${EmailConfigurationSet}" in resources
        assert statement["Condition"]["StringEquals"] == {"ses:FromAddress": {"Ref": "SenderAddress"}}
        if name == "WeeklyDigestFunction":  # the coach's digest goes to the coach only
            assert statement["Condition"]["ForAllValues:StringEquals"] == {"ses:Recipients": {"Ref": "CoachAddress"}}
        else:
            assert set(statement["Condition"]) == {"StringEquals"}


def test_the_table_keeps_its_data_encrypted_recoverable_with_ttl_and_stream():
    table = RESOURCES["LeadsTable"]
    properties = table["Properties"]
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert properties["SSESpecification"]["SSEEnabled"] is True
    assert properties["TimeToLiveSpecification"]["Enabled"] is True
    assert properties["StreamSpecification"]["StreamViewType"]


def test_every_queue_is_encrypted_and_every_dead_letter_queue_has_an_alarm_at_one_message():
    queues = dict(resources_of_type(TEMPLATE, "AWS::SQS::Queue"))
    alarms = dict(resources_of_type(TEMPLATE, "AWS::CloudWatch::Alarm"))
    redriven = {
        q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for q in queues.values()
        if "RedrivePolicy" in q["Properties"]
    }
    for name, queue in queues.items():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True
        if name in redriven or name.endswith(("DeadLetterQueue", "FailureQueue")):
            (alarm,) = [
                a for a in alarms.values()
                if a["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"
                and a["Properties"]["Dimensions"][0]["Value"] == {"Fn::GetAtt": [name, "QueueName"]}
            ]  # fmt: skip
            assert alarm["Properties"]["Threshold"] == 1
            assert alarm["Properties"]["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        else:
            assert queue["Properties"]["RedrivePolicy"]["maxReceiveCount"] <= 5, name


def test_event_sources_retry_bisect_and_keep_what_fails():
    for name, function in FUNCTIONS.items():
        for event in function["Properties"].get("Events", {}).values():
            properties = event["Properties"]
            if event["Type"] == "SQS":
                assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
                assert "MaximumConcurrency" in properties["ScalingConfig"]
            elif event["Type"] == "DynamoDB":
                assert properties["BisectBatchOnFunctionError"] is True
                assert properties["MaximumRetryAttempts"] >= 1
                assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
                assert properties["DestinationConfig"]["OnFailure"]["Destination"]
            elif event["Type"] == "Schedule":
                assert properties["RetryPolicy"]["MaximumRetryAttempts"] >= 1
                assert properties["DeadLetterConfig"]["Arn"]
            if event["Type"] == "SNS":  # asynchronous; its failures are recorded as ids by the function itself
                invoke = function["Properties"]["EventInvokeConfig"]
                assert "DestinationConfig" not in invoke, f"{name}: a destination would keep whole SES events"
                assert invoke["MaximumRetryAttempts"] >= 1
                assert "ASYNC_FAILURE_QUEUE_URL" in function["Properties"]["Environment"]["Variables"]
            elif event["Type"] == "Schedule":  # invoked asynchronously
                invoke = function["Properties"]["EventInvokeConfig"]
                assert invoke["DestinationConfig"]["OnFailure"]["Destination"], name


def test_the_sender_queue_s_visibility_is_six_times_the_sender_s_timeout():
    sender = FUNCTIONS["EmailSenderFunction"]["Properties"]
    assert RESOURCES["EmailQueue"]["Properties"]["VisibilityTimeout"] >= 6 * sender["Timeout"]


def test_ses_sends_through_a_configuration_set_that_reports_and_suppresses_bounces_and_complaints():
    configuration = RESOURCES["EmailConfigurationSet"]["Properties"]
    assert sorted(configuration["SuppressionOptions"]["SuppressedReasons"]) == ["BOUNCE", "COMPLAINT"]
    destination = RESOURCES["EmailEventDestination"]["Properties"]["EventDestination"]
    assert sorted(destination["MatchingEventTypes"]) == ["bounce", "complaint"]
    assert destination["SnsDestination"]["TopicARN"] == {"Ref": "SesEventsTopic"}
    assert any(e["Type"] == "SNS" for e in FUNCTIONS["SesEventsFunction"]["Properties"]["Events"].values())


def test_the_ses_events_topic_is_encrypted_with_a_key_ses_may_use_and_the_alarm_topic_needs_none():
    assert RESOURCES["SesEventsTopic"]["Properties"]["KmsMasterKeyId"] == {"Ref": "NotificationsKey"}
    key = RESOURCES["NotificationsKey"]["Properties"]
    assert key["EnableKeyRotation"] is True
    services = [s["Principal"].get("Service") for s in key["KeyPolicy"]["Statement"] if "Service" in s["Principal"]]
    assert services == ["ses.amazonaws.com"]
    # An alarm holds nothing personal; a key CloudWatch may use would be a customer managed one (1 USD a month).
    alarms = RESOURCES["AlarmTopic"]
    assert "KmsMasterKeyId" not in alarms.get("Properties", {})
    assert [skip["id"] for skip in alarms["Metadata"]["checkov"]["skip"]] == ["CKV_AWS_26"]


def test_alarms_cover_errors_throttles_5xx_dead_letters_and_ses_reputation_and_all_notify_the_topic():
    alarms = dict(resources_of_type(TEMPLATE, "AWS::CloudWatch::Alarm"))
    watched = json.dumps(alarms)
    for metric in ("Errors", "Throttles", "5xx", "ApproximateNumberOfMessagesVisible", "Reputation.BounceRate",
                   "Reputation.ComplaintRate", "EmailDeferred_quota_exceeded", "EmailWaitHop"):  # fmt: skip
        assert f'"{metric}"' in watched, metric
    # An API function's error or timeout is a 5xx of the one HTTP API; the others' errors are summed by name.
    assert alarms["Api5xxAlarm"]["Properties"]["Dimensions"] == [{"Name": "ApiId", "Value": {"Ref": "HttpApi"}}]
    for name in API_FUNCTIONS:
        events = FUNCTIONS[name]["Properties"]["Events"].values()
        assert all(e["Properties"].get("ApiId", {"Ref": "HttpApi"}) == {"Ref": "HttpApi"} for e in events), name
    async_errors = json.dumps(alarms["AsyncFunctionErrorsAlarm"]["Properties"]["Metrics"])
    for name in ASYNC_FUNCTIONS:
        assert json.dumps({"Ref": name}) in async_errors, f"{name}'s errors are alarmed"
    # Throttling is the account's concurrency running out: the account's one metric, whichever function it hits.
    throttles = alarms["LambdaThrottlesAlarm"]["Properties"]
    assert (throttles["Namespace"], throttles["MetricName"], "Dimensions" in throttles) == (
        "AWS/Lambda",
        "Throttles",
        False,
    )
    rates = {
        a["Properties"]["MetricName"]: a["Properties"]["Threshold"]
        for a in alarms.values()
        if "MetricName" in a["Properties"]
    }
    assert rates["Reputation.BounceRate"] == 0.02
    assert rates["Reputation.ComplaintRate"] == 0.0005
    for name, alarm in alarms.items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}], name


def _custom_metrics(alarms: Any) -> set[str]:
    """The PijnReset metric names the alarms read (plain alarms and metric-math ones alike)."""
    return set(re.findall(r'"Namespace": "PijnReset", "MetricName": "(\w+)"', json.dumps(alarms)))


def test_the_functions_emit_exactly_the_custom_metrics_the_alarms_read():
    from pijnreset.observability import ALARMED

    alarms = dict(resources_of_type(TEMPLATE, "AWS::CloudWatch::Alarm"))
    assert _custom_metrics(alarms) == ALARMED, "a business count is no CloudWatch metric (dal/funnel.py counts)"
    source = "\n".join(path.read_text() for path in (ROOT / "functions" / "pijnreset").rglob("*.py"))
    assert source.count("add_metric(") == 1, "alarm_count is the one way to a metric"
    literal = set(re.findall(r'alarm_count\("(\w+)"', source))
    assert literal <= ALARMED


def test_snapstart_is_an_opt_in_for_the_form_s_request_path():
    assert TEMPLATE["Parameters"]["SnapStart"]["Default"] == "off"
    snapped = {name for name, function in FUNCTIONS.items() if "SnapStart" in function["Properties"]}
    assert snapped == {"QuestionnaireFunction", "ChallengeFunction", "SubmitFunction", "IntakeFunction"}
    for name in snapped:
        properties = FUNCTIONS[name]["Properties"]
        assert properties["AutoPublishAlias"] == "live", "SnapStart applies to published versions only"
        assert properties["SnapStart"] == {"ApplyOn": {"Fn::If": ["HasSnapStart", "PublishedVersions", "None"]}}


def test_the_dashboard_is_optional_and_off_by_default():
    assert TEMPLATE["Parameters"]["Dashboard"]["Default"] == "off"
    assert RESOURCES["OperationsDashboard"]["Condition"] == "HasOperationsDashboard"
    assert TEMPLATE["Outputs"]["DashboardUrl"]["Condition"] == "HasOperationsDashboard"
    assert TEMPLATE["Conditions"]["HasOperationsDashboard"] == {"Fn::Equals": [{"Ref": "Dashboard"}, "on"]}


def test_the_dashboard_shows_operations_and_no_business_count():
    ((_, dashboard),) = resources_of_type(TEMPLATE, "AWS::CloudWatch::Dashboard")
    body = dashboard["Properties"]["DashboardBody"]["Fn::Sub"]
    for metric in ("Errors", "Latency", "5xx", "ApproximateNumberOfMessagesVisible", "EmailWaitHop"):
        assert metric in body, metric
    for business in ("PijntestCompleted", "Triage_", "Category_", "LeadCreated", "OptIn_", "IntakeRequested"):
        assert business not in body, business
    parsed = json.loads(re.sub(r"\$\{[^}]+\}", "x", body))  # valid JSON once CloudFormation fills it in
    from pijnreset.observability import ALARMED

    rows = [row for widget in parsed["widgets"] for row in widget.get("properties", {}).get("metrics", [])]
    assert {row[1] for row in rows if row[0] == "PijnReset"} <= ALARMED
    for name in FUNCTIONS:
        assert "${" + name + "}" in body, f"{name}'s errors are on the dashboard"


def test_in_the_sandbox_the_sender_may_send_to_the_one_verified_test_address_only():
    role = RESOURCES[FUNCTIONS["EmailSenderFunction"]["Properties"]["Role"]["Fn::GetAtt"][0]]
    (statement,) = [s for s in _statements(role) if any(a.startswith("ses:") for a in _actions(s))]
    assert _actions(statement) == ["ses:SendEmail"], "SES v2 needs no SendRawEmail"
    (sandbox,) = [resource for resource in statement["Resource"] if "Fn::If" in resource]
    condition, granted, otherwise = sandbox["Fn::If"]
    assert condition == "HasSandboxTestAddress"
    assert granted["Fn::Sub"].endswith(":identity/${SandboxTestAddress}")
    assert otherwise == {"Ref": "AWS::NoValue"}
    assert TEMPLATE["Parameters"]["SandboxTestAddress"]["Default"] == ""


def test_every_retention_period_of_the_settings_is_a_template_parameter():
    from typing import get_args

    from pijnreset.logic.retention import RetentionPurpose
    from pijnreset.settings import FunctionSettings

    # Each function is given the periods of the items it writes (tests/infra/test_settings.py).
    variables = {
        name: value
        for function in FUNCTIONS.values()
        for name, value in function["Properties"].get("Environment", {}).get("Variables", {}).items()
    }
    retention = [field.upper() for field in FunctionSettings._RETENTION.values()]
    assert len(retention) == len(get_args(RetentionPurpose)), "one period per purpose"
    for alias in retention:
        assert variables[alias]["Ref"] in TEMPLATE["Parameters"], alias
