"""The coach routes' principal: claims as API Gateway's JWT authorizer passes them, 401 and 403 answers."""

from __future__ import annotations

from typing import Any

import pytest
from pijnreset.api.coach_auth import CoachGroup, CoachPrincipal, parse_groups, require, require_event
from pijnreset.api.errors import ApiError


def event(claims: dict[str, Any] | None) -> dict[str, Any]:
    context: dict[str, Any] = {"requestId": "r"}
    if claims is not None:
        context["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    return {"requestContext": context}


CLAIMS = {"sub": "0b5c", "username": "coach", "cognito:groups": "[coach assistant]", "token_use": "access"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("[coach assistant]", {"coach", "assistant"}),
        ("[coach]", {"coach"}),
        ("[]", set()),
        ("", set()),
        (["assistant"], {"assistant"}),
        (None, set()),
        (42, set()),
    ],
)
def test_groups_are_read_from_api_gateway_strings_and_real_lists(value: object, expected: set[str]) -> None:
    assert parse_groups(value) == frozenset(expected)


def test_principal_from_an_http_api_event() -> None:
    principal = CoachPrincipal.from_event(event(CLAIMS))
    assert principal == CoachPrincipal("coach", "0b5c", frozenset({"coach", "assistant"}))
    assert require(principal, CoachGroup.COACH) is principal


@pytest.mark.parametrize(
    "claims",
    [
        None,
        {},
        {"sub": "0b5c", "token_use": "access"},
        {"username": "coach", "token_use": "access"},
        {"sub": "", "username": "coach", "token_use": "access"},
        {**CLAIMS, "token_use": "id"},
        {key: value for key, value in CLAIMS.items() if key != "token_use"},
    ],
)
def test_missing_claims_are_401(claims: dict[str, Any] | None) -> None:
    with pytest.raises(ApiError) as raised:
        require_event(event(claims))
    assert raised.value.status == 401
    assert raised.value.body()["error"] == "unauthorized"
    assert raised.value.body()["message"].startswith("Je bent niet")


def test_an_assistant_is_403_on_a_coach_only_permission() -> None:
    assistant = CoachPrincipal.from_claims({**CLAIMS, "cognito:groups": "[assistant]"})
    assert require(assistant) is assistant
    assert require(assistant, CoachGroup.ASSISTANT, CoachGroup.COACH) is assistant
    with pytest.raises(ApiError) as raised:
        require(assistant, CoachGroup.COACH)
    assert raised.value.status == 403
    assert raised.value.body()["error"] == "forbidden"


def test_a_user_in_no_coach_group_is_403() -> None:
    with pytest.raises(ApiError) as raised:
        require_event(event({**CLAIMS, "cognito:groups": None}))
    assert raised.value.status == 403


def test_none_is_401() -> None:
    with pytest.raises(ApiError) as raised:
        require(None, CoachGroup.COACH)
    assert raised.value.status == 401
