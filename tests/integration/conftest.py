from __future__ import annotations

import io
import os

import pytest
from pijnreset.cli import main

from infra.aws import moto_client
from infra.local.event_sources import event_sources
from infra.local.outbox import sent_emails
from infra.local.pollers import Pollers
from tests.support.api import InProcessApi
from tests.support.aws import recording_aws_calls, scan_all, template_on_moto


@pytest.fixture
def stack():
    with template_on_moto() as resolver:
        yield resolver


@pytest.fixture(scope="module")
def stack_per_module():
    with template_on_moto() as resolver:
        yield resolver


@pytest.fixture
def api(stack):
    return InProcessApi(stack)


@pytest.fixture
def table_items(stack):
    """Every item of the table but the caps' and the funnel's counters (pk CAP#..., FUNNEL#...; dal/caps.py,
    dal/funnel.py): they belong to no person and count every form request, so their own tests read them."""
    return lambda: [
        item for item in scan_all(os.environ["TABLE_NAME"]) if not item["pk"].startswith(("CAP#", "FUNNEL#"))
    ]


@pytest.fixture
def cap_counters(stack):
    return lambda: [item for item in scan_all(os.environ["TABLE_NAME"]) if item["pk"].startswith("CAP#")]


@pytest.fixture
def aws_calls(stack):
    with recording_aws_calls() as calls:
        yield calls


@pytest.fixture
def pollers(stack, api):
    """Lambda's event source mappings, run on demand; failed messages come back at once, not in 3 minutes."""
    return Pollers(event_sources(stack, api.gateway.functions), moto_client, retry_visibility_seconds=0)


@pytest.fixture
def outbox(stack):
    return sent_emails


@pytest.fixture
def run_schedule(pollers):
    """Runs the scheduled work as EventBridge would at ``now + days``."""
    from datetime import UTC, datetime, timedelta

    def run(days: float = 0) -> list:
        return pollers.run_schedules(datetime.now(UTC) + timedelta(days=days))

    return run


@pytest.fixture
def cli(stack):
    """Runs ``pijnreset ARGS`` against the stack on moto; returns (exit code, what it printed)."""

    def run(*args: str) -> tuple[int, str]:
        out = io.StringIO()
        return main(list(args), out=out), out.getvalue()

    return run


@pytest.fixture
def log_lines(monkeypatch):
    """The functions' JSON log lines since the test began, those with ``message`` when given (the logger's
    handler keeps the stream it was made with, so it is pointed at a buffer here)."""
    import io
    import json

    from pijnreset.observability import logger

    written = io.StringIO()
    monkeypatch.setattr(logger.registered_handler, "stream", written)

    def read(message: str | None = None) -> list[dict]:
        lines = [json.loads(line) for line in written.getvalue().splitlines() if line.startswith("{")]
        return [line for line in lines if message is None or line.get("message") == message]

    return read
