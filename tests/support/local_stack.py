"""The local stack as a subprocess: infra.local.process, which the bench's load run uses too."""

from infra.local.process import ROOT, RunningStack, free_port, local_stack

__all__ = ["ROOT", "RunningStack", "free_port", "local_stack"]
