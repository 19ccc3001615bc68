"""The local coach and assistant: one user per group in the template's coach user pool, with known passwords,
and the ``/_dev/coach-session`` lever that signs one of them in (the tokens ``POST /coach/session`` returns)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from infra.local.apigw import HttpResponse
from infra.local.http import ExtraRoute
from infra.local.stack import LocalStack
from infra.template import resources_of_type


@dataclass(frozen=True)
class LocalCoachUser:
    username: str
    password: str
    group: str


# Local only (moto, loopback): the pool's password policy holds for them, so they sign in as a real user would.
LOCAL_USERS = (
    LocalCoachUser("coach", "Lokaal-Coach-2026!", "coach"),
    LocalCoachUser("assistent", "Lokaal-Assistent-2026!", "assistant"),
)


def pool_and_client(stack: LocalStack) -> tuple[str, str]:
    """The ids moto gave the template's (one) coach user pool and its app client."""
    ((pool, _),) = resources_of_type(stack.resolver.template, "AWS::Cognito::UserPool")
    ((client, _),) = resources_of_type(stack.resolver.template, "AWS::Cognito::UserPoolClient")
    return stack.resolver.physical_ids[pool], stack.resolver.physical_ids[client]


def create_local_users(stack: LocalStack) -> None:
    pool_id, _ = pool_and_client(stack)
    cognito = stack.client("cognito-idp")
    for user in LOCAL_USERS:
        cognito.admin_create_user(UserPoolId=pool_id, Username=user.username, MessageAction="SUPPRESS")
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username=user.username, Password=user.password, Permanent=True
        )
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=user.username, GroupName=user.group)


def sign_in(stack: LocalStack, user: LocalCoachUser) -> dict[str, Any]:
    """What a sign-in of ``user`` gets from Cognito: access, ID and refresh token."""
    _, client_id = pool_and_client(stack)
    answer = stack.client("cognito-idp").initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=client_id,
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )
    result = answer["AuthenticationResult"]
    return {
        "access_token": result["AccessToken"],
        "id_token": result["IdToken"],
        "refresh_token": result["RefreshToken"],
        "expires_in": result["ExpiresIn"],
        "token_type": "Bearer",
        "username": user.username,
    }


def coach_session_route(stack: LocalStack) -> dict[str, ExtraRoute]:
    def coach_session(method: str, query: str, body: bytes) -> HttpResponse:
        if method != "POST":
            return _json(405, {"message": 'POST {"group": "coach|assistant"}'})
        try:
            group = str((json.loads(body or b"{}") or {}).get("group", "coach"))
        except (ValueError, AttributeError):
            return _json(400, {"message": "the body is not a JSON object"})
        user = next((user for user in LOCAL_USERS if user.group == group), None)
        if user is None:
            return _json(422, {"message": f"group: one of {[user.group for user in LOCAL_USERS]}"})
        return _json(200, sign_in(stack, user))

    return {"/_dev/coach-session": coach_session}


def _json(status: int, body: Any) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")], json.dumps(body).encode())
