"""Shared fixtures. The environment the functions read is the one template.yaml declares."""

from __future__ import annotations

import os

import pytest

from infra.functions import shared_environment
from infra.local.stack import LOCAL_CREDENTIALS
from infra.resources import name_locally
from infra.template import Resolver, load_template

# Before any handler module is imported: they read their settings once, at import.
os.environ.update(LOCAL_CREDENTIALS)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.update(shared_environment(name_locally(Resolver(load_template()))))


@pytest.fixture(scope="session")
def content():
    from pijnreset.settings import get_settings

    return get_settings().content()


@pytest.fixture(scope="session")
def questionnaire(content):
    return content.questionnaire
