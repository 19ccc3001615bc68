"""checkov finds nothing unexplained in the template, nor in what the SAM transform makes of it.

Every suppression sits in template.yaml, in the resource's `Metadata: checkov: skip:` with the reason as its
comment. The translated template is scanned too: it holds the IAM roles, permissions and stages the transform
generates. A generated resource inherits the suppressions of the serverless resource it came from, so a reason
is written once, next to what the developer wrote.
"""

from __future__ import annotations

import json

import pytest

from infra.sam import generated_from, translate
from infra.template import TEMPLATE_PATH, load_template
from tests.support.tools import run_tool, tool


def _with_inherited_suppressions(translated, template):
    for logical_id, source in generated_from(translated, template).items():
        suppressions = template["Resources"][source].get("Metadata", {}).get("checkov")
        metadata = translated["Resources"][logical_id].setdefault("Metadata", {})
        if suppressions and "checkov" not in metadata:
            metadata["checkov"] = suppressions
    return translated


@pytest.fixture(scope="module")
def scan(tmp_path_factory):
    template = load_template()
    translated_path = tmp_path_factory.mktemp("checkov") / "translated.json"
    translated_path.write_text(json.dumps(_with_inherited_suppressions(translate(template), template), indent=1))
    result = run_tool(
        [
            tool("checkov", "checkov"),
            "--framework",
            "cloudformation",
            "--skip-download",
            "--output",
            "json",
            "--file",
            TEMPLATE_PATH,
            "--file",
            translated_path,
        ]
    )
    assert result.returncode in {0, 1}, result.stderr
    reports = json.loads(result.stdout)
    return {report["check_type"]: report for report in (reports if isinstance(reports, list) else [reports])}


def test_checkov_scanned_both_templates(scan):
    summary = scan["cloudformation"]["summary"]
    assert summary["parsing_errors"] == 0
    scanned = {check["file_path"].rsplit("/", 1)[-1] for check in scan["cloudformation"]["results"]["passed_checks"]}
    assert scanned == {"template.yaml", "translated.json"}


def test_checkov_finds_nothing(scan):
    failed = [
        f"{check['check_id']} {check['resource']} ({check['file_path']}): {check['check_name']}"
        for check in scan["cloudformation"]["results"]["failed_checks"]
    ]
    assert failed == []


def test_every_suppression_gives_its_reason(scan):
    skipped = scan["cloudformation"]["results"]["skipped_checks"]
    unexplained = [
        f"{check['check_id']} {check['resource']}"
        for check in skipped
        if len(check["check_result"].get("suppress_comment", "").split()) < 5
    ]
    assert unexplained == []
