"""Bad input to POST /intake: a 4xx JSON error naming the field, nothing written, never a 5xx.

What every form shares (not JSON, too large, wrong content type) is tested in test_submit_bad_input.py.
"""

from __future__ import annotations

import pytest

from tests.support.payloads import bad_contact_cases, changed, intake_request


@pytest.fixture
def stack(stack_per_module):
    """Nothing here may write, so the tests share one stack (a test that wrote fails, and so do the rest)."""
    return stack_per_module


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        (lambda b: changed(b, "request_id", "not-a-uuid"), {"request_id"}),
        (lambda b: changed(b, "request_id", ...), {"request_id"}),
        *bad_contact_cases(),
        (lambda b: changed(b, "contact.phone", "12"), {"contact.phone"}),
        (lambda b: changed(b, "contact.phone", "06 1234"), {"contact.phone"}),
        (lambda b: changed(b, "contact.phone", "bel me maar"), {"contact.phone"}),
        (lambda b: changed(b, "contact.phone", "+99 123 456 789"), {"contact.phone"}),
        (lambda b: changed(b, "contact.phone", 612345678), {"contact.phone"}),
        (lambda b: changed(b, "contact.phone", "0" * 41), {"contact.phone"}),
        (lambda b: changed(b, "contact.phone", ...), {"contact.phone"}),  # preferred_contact is "phone"
        (lambda b: changed(b, "preferred_contact", "pigeon"), {"preferred_contact"}),
        (lambda b: changed(b, "preferred_contact", ...), {"preferred_contact"}),
        (lambda b: changed(b, "preferred_moments", ["sunday"]), {"preferred_moments.0"}),
        (lambda b: changed(b, "preferred_moments", ["saturday", "Saturday"]), {"preferred_moments.1"}),
        (lambda b: changed(b, "preferred_moments", "saturday"), {"preferred_moments"}),
        (lambda b: changed(b, "preferred_moments", ["saturday"] * 5), {"preferred_moments"}),
        (lambda b: changed(b, "message", "x" * 2001), {"message"}),
        (lambda b: changed(b, "message", ["hallo"]), {"message"}),
        (lambda b: changed(b, "message", "Hallo\x1b[2J"), {"message"}),
        (lambda b: changed(b, "submission_id", "not-a-uuid"), {"submission_id"}),
        (lambda b: changed(b, "consent", ...), {"consent"}),
        (lambda b: changed(b, "consent.contact", ...), {"consent.contact"}),
        (lambda b: changed(b, "consent.contact", False), {"consent.contact"}),
        (lambda b: changed(b, "consent.contact", "yes"), {"consent.contact"}),
        (lambda b: changed(b, "consent.version", "consent-v0"), {"consent.version"}),
        (lambda b: changed(b, "consent.health_data", True), {"consent.health_data"}),
        (lambda b: changed(b, "started_at", "yesterday"), {"started_at"}),
        (lambda b: changed(b, "unexpected", 1), {"unexpected"}),
    ],
)
def test_invalid_fields_are_a_422_naming_them_and_nothing_is_written(api, table_items, change, fields):
    api.post("/intake", json_body=change(intake_request())).assert_invalid(fields)
    assert table_items() == []


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda b: changed(b, "contact.phone", "12"), "contact.phone", "Vul een geldig telefoonnummer in"),
        (lambda b: changed(b, "contact.phone", ...), "contact.phone", "Vul je telefoonnummer in"),
        (lambda b: changed(b, "message", "x" * 2001), "message", "Je bericht mag hooguit 2.000 tekens"),
        (lambda b: changed(b, "consent.contact", False), "consent.contact", "Zonder deze toestemming kunnen we geen"),
        (lambda b: changed(b, "preferred_moments", ["sunday"]), "preferred_moments.0", "Kies een van de"),
    ],
)
def test_messages_are_dutch_and_specific_to_the_field(api, change, field, message):
    response = api.post("/intake", json_body=change(intake_request()))
    problems = {problem["field"]: problem["message"] for problem in response.json()["fields"]}
    assert problems[field].startswith(message)
