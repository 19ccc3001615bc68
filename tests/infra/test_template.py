"""template.yaml is valid, complete for the code, and the single source of what the code needs."""

from __future__ import annotations

import ast
import importlib
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from infra.functions import local_functions
from infra.resources import name_locally
from infra.template import ROOT, TEMPLATE_PATH, Resolver, load_template, resources_of_type


def _functions():
    return local_functions(name_locally(Resolver(load_template())))


def test_cfn_lint_finds_nothing():
    result = subprocess.run(
        [Path(sys.executable).parent / "cfn-lint", str(TEMPLATE_PATH)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("package", ["cfn-lint", "aws-sam-translator"])
def test_the_project_checks_with_the_sam_cli_s_own_version(package):
    """`sam validate --lint` runs the SAM CLI's cfn-lint and translator, infra.sam and cfn-lint above run the
    project's: one pin for both, so a template the one accepts the other does too."""
    sam_cli = re.search(rf"^{package}==(\S+)", (ROOT / "infra/tools/sam-cli.txt").read_text(), re.MULTILINE)
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["dev"]
    assert sam_cli is not None
    assert f"{package}=={sam_cli.group(1)}" in dev


def test_every_function_runs_python_3_13_on_arm64():
    globals_ = load_template()["Globals"]["Function"]
    assert globals_["Runtime"] == "python3.13"
    assert globals_["Architectures"] == ["arm64"]
    for _, resource in resources_of_type(load_template(), "AWS::Serverless::Function"):
        assert resource["Properties"].get("Runtime", "python3.13") == "python3.13"
        assert resource["Properties"].get("Architectures", ["arm64"]) == ["arm64"]


def test_every_handler_exists_and_every_route_is_served():
    routes = set()
    for function in _functions():
        module_name, attribute = function.handler.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module_name), attribute)), function.handler
        routes |= {(route.method, route.path) for route in function.routes}
    assert {("GET", "/pijntest"), ("POST", "/pijntest"), ("POST", "/intake")} <= routes


def test_the_table_has_ttl_a_stream_and_keeps_its_data():
    ((_, table),) = resources_of_type(load_template(), "AWS::DynamoDB::Table")
    properties = table["Properties"]
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert properties["StreamSpecification"]["StreamViewType"] == "KEYS_ONLY"  # no PII in the stream
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True


TOKEN_KEY_ARN = {
    "Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${TokenKeyParameterName}"
}


def _own_statements(template, function_name):
    role_name = template["Resources"][function_name]["Properties"]["Role"]["Fn::GetAtt"][0]
    policies = template["Resources"][role_name]["Properties"]["Policies"]
    statements = [s for policy in policies for s in policy["PolicyDocument"]["Statement"]]
    return statements, [s for s in statements if s.get("Sid") not in ("SendTraces", "WriteItsOwnLogs")]


@pytest.mark.parametrize("function_name", ["SubmitFunction", "IntakeFunction"])
def test_the_form_functions_may_write_the_table_read_the_token_key_and_nothing_else(function_name):
    """The token key: the proof of work's HMAC key is derived from it (one secret, one owner)."""
    template = load_template()
    statements, own = _own_statements(template, function_name)
    (key,) = [s for s in own if s["Resource"] != {"Fn::GetAtt": ["LeadsTable", "Arn"]}]
    assert (key["Action"], key["Resource"]) == ("ssm:GetParameter", TOKEN_KEY_ARN)
    table = [s for s in own if s is not key]
    actions = {action for statement in table for action in statement["Action"]}
    # The intake function also reads the booked slots (GET /booking/slots): a Query of their partition.
    booking = {"dynamodb:Query"} if function_name == "IntakeFunction" else set()
    assert actions == {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:GetItem"} | booking
    everything = {a for s in statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert not any(action.startswith(("ses:", "sqs:")) for action in everything)


def test_the_challenge_function_reads_the_token_key_and_nothing_else():
    template = load_template()
    _, own = _own_statements(template, "ChallengeFunction")
    assert [(s["Action"], s["Resource"]) for s in own] == [("ssm:GetParameter", TOKEN_KEY_ARN)]
    variables = template["Resources"]["ChallengeFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["CHALLENGE_MAX_NUMBER"] == {"Ref": "ChallengeMaxNumber"}
    assert variables["CHALLENGE_EXPIRY_SECONDS"] == {"Ref": "ChallengeExpirySeconds"}


def test_every_function_is_built_by_the_makefile_and_uses_the_dependencies_layer():
    """functions/Makefile builds each function's code; the layer carries the locked dependencies for all."""
    template = load_template()
    globals_ = template["Globals"]["Function"]
    ((layer_id, layer),) = resources_of_type(template, "AWS::Serverless::LayerVersion")
    assert layer["Metadata"] == {"BuildMethod": "makefile", "BuildArchitecture": "arm64"}
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
    assert layer["Properties"]["RetentionPolicy"] == "Delete", "old layer versions are not kept after an update"
    for name, function in resources_of_type(template, "AWS::Serverless::Function"):
        properties = {**globals_, **function["Properties"]}
        assert function.get("Metadata", {}).get("BuildMethod") == "makefile", name
        assert properties["CodeUri"] == "functions/", name
        assert {"Ref": layer_id} in properties.get("Layers", []), name
    assert (ROOT / "functions" / "Makefile").is_file()


def test_nothing_under_functions_imports_moto_or_test_code():
    offenders = []
    for path in (ROOT / "functions" / "pijnreset").rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path}: {name}" for name in names if re.match(r"(moto|tests|infra)(\.|$)", name)]
    assert offenders == []


def test_logic_modules_stay_pure():
    """logic/ never touches AWS: no boto3, botocore or Powertools imports."""
    for path in Path(ROOT / "functions" / "pijnreset" / "logic").rglob("*.py"):
        source = path.read_text()
        assert not re.search(r"^\s*(import|from)\s+(boto3|botocore|aws_lambda_powertools)", source, re.M), path


def test_the_coach_s_console_script_exists():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module_name, function_name = scripts["pijnreset"].split(":")
    assert callable(getattr(importlib.import_module(module_name), function_name))


def test_phone_numbers_come_from_the_lite_distribution():
    """phonenumberslite is phonenumbers without the geocoder, carrier and time-zone data we never read: the same
    ``phonenumbers`` module, a smaller layer."""
    locked = {package["name"] for package in tomllib.loads((ROOT / "uv.lock").read_text())["package"]}
    assert "phonenumberslite" in locked
    assert "phonenumbers" not in locked


def test_only_the_intake_function_imports_phonenumbers():
    """phonenumbers (from phonenumberslite) takes a noticeable part of a cold start: the other functions must
    not pay for it."""
    for function in _functions():
        module = function.handler.rsplit(".", 1)[0]
        probe = f"import sys, {module}; print('phonenumbers' in sys.modules)"
        result = subprocess.run(
            [sys.executable, "-c", probe],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT / "functions")},
        )
        assert result.stdout.strip() == str(function.logical_id == "IntakeFunction"), function.logical_id
