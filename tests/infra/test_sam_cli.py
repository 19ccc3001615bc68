"""The SAM CLI accepts the template: `sam validate --lint` translates it and runs its cfn-lint on the result."""

from __future__ import annotations

from infra.template import TEMPLATE_PATH
from tests.support.tools import run_tool, tool


def test_sam_validate_lint_passes():
    result = run_tool([tool("sam-cli", "sam"), "validate", "--lint", "--template-file", TEMPLATE_PATH])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout
