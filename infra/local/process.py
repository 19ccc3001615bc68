"""Starts ``python -m infra.local`` as a subprocess on a free port and waits for its ready line (for the e2e
tests and the bench's load run)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests

from infra.template import ROOT

READY = re.compile(r"ready: (http://\S+)")
MOTO = re.compile(r"AWS on moto at (http://[^\s)]+)")
PAGE = re.compile(r"demo landing page: (http://\S+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningStack:
    process: subprocess.Popen[str]
    url: str
    page_url: str
    output: list[str] = field(default_factory=list)

    def emails(
        self, matching: Callable[[dict[str, Any]], bool] = lambda email: True, count: int = 1, timeout: float = 15
    ) -> list[dict[str, Any]]:
        """The emails in the local outbox (newest first) that match, as soon as there are ``count`` of them.

        The sender delivers asynchronously, so this asks ``/_dev/outbox`` until they are there or time runs out.
        """
        deadline = time.monotonic() + timeout
        while True:
            outbox = requests.get(f"{self.url}/_dev/outbox", timeout=10).json()
            found = [email for email in outbox if matching(email)]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.1)

    @property
    def moto_endpoint(self) -> str:
        """Where the stack's embedded AWS listens, for checking what it stored."""
        for line in self.output:
            found = MOTO.search(line)
            if found:
                return found.group(1)
        raise RuntimeError("the stack did not say where moto listens")

    def stop(self, timeout: float = 45) -> int:
        # Generous: a poll cycle in flight finishes first, and on a loaded machine that can take a while.
        # The stack ends itself after STOP_WITHIN_SECONDS with every thread's stack printed: shown on failure.
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        if code != 0:
            time.sleep(0.2)  # the drain thread reads the last lines
            print("".join(self.output[-200:]), file=sys.stderr)
        return code


@contextmanager
def local_stack(*args: str, timeout: float = 60) -> Iterator[RunningStack]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "TABLE_"))}
    environment["PORT"] = str(free_port())
    environment["PAGE_PORT"] = "0"  # the demo page takes any free port and says which
    process = subprocess.Popen(  # noqa: S603 - this interpreter, a fixed module
        [sys.executable, "-m", "infra.local", *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if process.stdout is None:
        raise RuntimeError("no pipe from the local stack")
    output: list[str] = []
    deadline = time.monotonic() + timeout
    url = page_url = None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        output.append(line)
        page = PAGE.search(line)
        page_url = page.group(1) if page else page_url
        found = READY.search(line)
        if found:
            url = found.group(1)
            break
    if url is None or page_url is None:
        process.kill()
        raise RuntimeError("the local stack did not start:\n" + "".join(output))
    running = RunningStack(process, url, page_url, output)

    def drain() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            output.append(line)

    threading.Thread(target=drain, daemon=True).start()
    try:
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
