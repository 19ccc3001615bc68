"""The coach's API in-process: the real handlers through the gateway adapter, with a stand-in for the JWT
authorizer (whose own checks tests/e2e/test_coach_access_over_http.py covers) that lets a named test user in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.support.api import ApiResponse, InProcessApi

# Bearer <name> -> the claims API Gateway passes for that user (an access token of the coach's pool).
USERS: dict[str, dict[str, Any]] = {
    "coach": {"token_use": "access", "sub": "sub-coach", "username": "coach", "cognito:groups": ["coach"]},
    "assistent": {
        "token_use": "access",
        "sub": "sub-assistent",
        "username": "assistent",
        "cognito:groups": ["assistant"],
    },
    "nobody": {"token_use": "access", "sub": "sub-nobody", "username": "nobody"},
}


class NamedUsers:
    """Lets ``Authorization: Bearer <a name of USERS>`` through, as that user; anything else is a 401."""

    def claims(self, headers: Mapping[str, str]) -> dict[str, Any] | None:
        value = headers.get("authorization", "")
        return USERS.get(value.removeprefix("Bearer ").strip()) if value.startswith("Bearer ") else None


class CoachApi(InProcessApi):
    def __init__(self, resolver: Any) -> None:
        super().__init__(resolver)
        self.gateway.authorizers = {"CoachAuthorizer": NamedUsers()}  # type: ignore[dict-item]

    def as_user(self, user: str, method: str, path: str, **kwargs: Any) -> ApiResponse:
        headers = {"authorization": f"Bearer {user}", **kwargs.pop("headers", {})}
        return self.request(method, path, headers=headers, **kwargs)
