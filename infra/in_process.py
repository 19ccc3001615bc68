"""template.yaml on moto in-process, with the environment the functions read: for the tests and the bench.

The handlers read their settings once, at import, so ``use_template_environment`` runs before any of them
is imported.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from moto import mock_aws

from infra.aws import moto_client
from infra.functions import shared_environment
from infra.local import ses_suppression
from infra.local.stack import LOCAL_CREDENTIALS
from infra.resources import create_resources, name_locally, seed_token_key
from infra.template import Resolver, load_template

TOKEN_KEY = "test-token-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - moto only


def use_template_environment() -> None:
    """The credentials for moto and the environment template.yaml gives every function, in os.environ."""
    os.environ.update(LOCAL_CREDENTIALS)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update(shared_environment(name_locally(Resolver(load_template()))))


@contextmanager
def template_on_moto() -> Iterator[Resolver]:
    with mock_aws(), ses_suppression.emulated():
        resolver = Resolver(load_template())
        create_resources(moto_client, resolver)
        # A fixed key: handlers cache it for minutes, across tests.
        seed_token_key(moto_client("ssm"), dict(os.environ), TOKEN_KEY)
        yield resolver
