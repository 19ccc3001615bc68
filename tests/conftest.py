"""Shared fixtures. The environment the functions read is the one template.yaml declares."""

from __future__ import annotations

import pytest

from infra.in_process import use_template_environment

# Before any handler module is imported: they read their settings once, at import.
use_template_environment()


@pytest.fixture(scope="session")
def content():
    from pijnreset.content.loader import load_content
    from pijnreset.settings import SubmitSettings

    return load_content(SubmitSettings.from_env().questionnaire_version)


@pytest.fixture(scope="session")
def questionnaire(content):
    return content.questionnaire
