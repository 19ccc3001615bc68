"""The command-line tools the template checks run, each from its own venv under .tools/ (`make tools`)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from infra.template import ROOT

TOOLS = ROOT / ".tools"


def tool(venv: str, command: str) -> Path:
    path = TOOLS / venv / "bin" / command
    assert path.is_file(), f"{path} is missing: `make tools` (part of `make test`) installs it"
    return path


def run_tool(args: list[str | Path], **environment: str) -> subprocess.CompletedProcess[str]:
    """Runs a tool offline-friendly: no telemetry, no lookups of remote policy metadata."""
    env = {
        **os.environ,
        "SAM_CLI_TELEMETRY": "0",  # the SAM CLI sends no usage data
        "BC_SKIP_MAPPING": "TRUE",  # checkov fetches no guideline mapping from its vendor's API
        **environment,
    }
    return subprocess.run([str(arg) for arg in args], capture_output=True, text=True, check=False, env=env, cwd=ROOT)
