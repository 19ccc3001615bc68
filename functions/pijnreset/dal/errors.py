"""The data layer's own exceptions, in one place. Everything else it raises is boto3's (throttling, a
cancelled transaction it does not handle), which the API answers with a 503 (api/resolver.py)."""

from __future__ import annotations


class TableError(RuntimeError):
    """The table did not do what a repository needs."""


class KeptConflicting(TableError):
    """A form's transaction was cancelled by concurrent writes of the same items at every attempt."""
