"""The local stack as a subprocess: infra.local.process, which the bench's load run uses too."""

from collections.abc import Iterator
from contextlib import contextmanager

from infra.local import process
from infra.local.process import ROOT, RunningStack, free_port

__all__ = ["ROOT", "TEST_CLIENT_BOUND", "RunningStack", "free_port", "local_stack"]

# Every request of a test session comes from 127.0.0.1, one "client" to the caps: the sessions' stacks allow it
# more forms an hour than the template's default, unless a test sets ClientRequestsPerHour itself.
TEST_CLIENT_BOUND = ("--param", "ClientRequestsPerHour=100000")


@contextmanager
def local_stack(*args: str, timeout: float = 60) -> Iterator[RunningStack]:
    if not any(arg.startswith("ClientRequestsPerHour=") for arg in args):
        args = (*args, *TEST_CLIENT_BOUND)
    with process.local_stack(*args, timeout=timeout) as running:
        yield running
