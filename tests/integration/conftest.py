from __future__ import annotations

import os

import pytest

from tests.support.api import InProcessApi
from tests.support.aws import recording_aws_calls, scan_all, template_on_moto


@pytest.fixture
def stack():
    with template_on_moto() as resolver:
        yield resolver


@pytest.fixture
def api(stack):
    return InProcessApi(stack)


@pytest.fixture
def table_items(stack):
    return lambda: scan_all(os.environ["TABLE_NAME"])


@pytest.fixture
def aws_calls(stack):
    with recording_aws_calls() as calls:
        yield calls
