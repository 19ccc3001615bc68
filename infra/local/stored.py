"""What a running local stack has stored and sent, read from its embedded AWS (for e2e tests and the load run)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from infra.aws import moto_client
from infra.template import local_name


def items(endpoint: str) -> list[dict[str, Any]]:
    """Every item of the table, deserialised."""
    from pijnreset.dal.table import from_item

    client = moto_client("dynamodb", endpoint)
    found: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(TableName=local_name("LeadsTable"), ConsistentRead=True):
        found += [from_item(item) for item in page["Items"]]
    return found


def entity_counts(endpoint: str) -> Counter[str]:
    return Counter(str(item.get("entity")) for item in items(endpoint))


def emails_sent(api_url: str) -> list[tuple[str, str]]:
    """(To, Subject) of every email SES accepted, from the stack's outbox. (moto's own send count counts a
    raw message's recipient twice: once as the destination, once from its To header.)"""
    import requests

    answer = requests.get(f"{api_url}/_dev/outbox", timeout=60)
    answer.raise_for_status()
    return [(email["to"], email["subject"]) for email in answer.json()]


def sent_count(api_url: str) -> int:
    """How many emails SES accepted, cheaply: for polling while the pipeline runs."""
    import requests

    answer = requests.get(f"{api_url}/_dev/outbox/count", timeout=60)
    answer.raise_for_status()
    return int(answer.json()["sent"])


def settle(
    read: Callable[[], Any],
    ready: Callable[[Any], bool] = lambda _: True,
    *,
    timeout: float = 60,
    quiet: float = 2.0,
    interval: float = 0.25,
) -> Any:
    """Reads ``read()`` until it is ``ready`` and has not changed for ``quiet`` seconds (the async parts are
    done, and nothing more comes), or until ``timeout``; returns the last value read."""
    deadline = time.monotonic() + timeout
    last = read()
    stable_since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(interval)
        current = read()
        if current != last:
            last, stable_since = current, time.monotonic()
        elif ready(current) and time.monotonic() - stable_since >= quiet:
            return current
    return last
