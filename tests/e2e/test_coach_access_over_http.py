"""The coach's sign-in and the JWT authorizer over HTTP on the local stack: GET /coach/api/me lets through only
a valid access token of the coach's pool and app client, and /coach/session signs the local users in."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource

from infra.aws import moto_client
from infra.local.coach_users import LOCAL_USERS
from tests.support.local_stack import RunningStack, local_stack

ME = "/coach/api/me"
UNAUTHORIZED = {"message": "Unauthorized"}


@pytest.fixture(scope="module")
def stack() -> Iterator[RunningStack]:
    with local_stack() as running:
        yield running
        assert running.stop() == 0


@pytest.fixture(scope="module")
def session(stack: RunningStack) -> dict[str, Any]:
    response = requests.post(f"{stack.url}/_dev/coach-session", json={}, timeout=10)
    assert response.status_code == 200, response.text
    return dict(response.json())


def me(stack: RunningStack, token: str | None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.get(f"{stack.url}{ME}", headers=headers, timeout=10)


def moto_signed(claims: dict[str, Any]) -> str:
    """A token signed with the key moto's user pools sign with (its JWKS has the public half)."""
    key = jwt.PyJWK(load_resource("cognitoidp/resources/jwks-private.json")).key
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})


def with_claims(token: str, **changes: Any) -> dict[str, Any]:
    return {**jwt.decode(token, options={"verify_signature": False}), **changes}


def test_a_valid_access_token_is_the_signed_in_coach(stack: RunningStack, session: dict[str, Any]) -> None:
    response = me(stack, session["access_token"])
    assert response.status_code == 200, response.text
    assert response.json() == {"username": "coach", "groups": ["coach"]}


def test_the_assistant_is_in_its_own_group(stack: RunningStack) -> None:
    tokens = requests.post(f"{stack.url}/_dev/coach-session", json={"group": "assistant"}, timeout=10).json()
    assert me(stack, tokens["access_token"]).json() == {"username": "assistent", "groups": ["assistant"]}


def test_no_token_is_401(stack: RunningStack) -> None:
    response = me(stack, None)
    assert (response.status_code, response.json()) == (401, UNAUTHORIZED)
    assert me(stack, "").status_code == 401
    assert me(stack, "not-a-jwt").status_code == 401


def test_a_token_signed_with_another_key_is_401(stack: RunningStack, session: dict[str, Any]) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(with_claims(session["access_token"]), other, algorithm="RS256", headers={"kid": "dummy"})
    assert (me(stack, forged).status_code, me(stack, forged).json()) == (401, UNAUTHORIZED)


def test_an_expired_token_is_401(stack: RunningStack, session: dict[str, Any]) -> None:
    now = int(time.time())
    expired = moto_signed(with_claims(session["access_token"], iat=now - 7200, exp=now - 60))
    assert me(stack, expired).status_code == 401
    # The same claims, still valid, are let through: the signing in this test is the pool's own.
    assert me(stack, moto_signed(with_claims(session["access_token"]))).status_code == 200


def test_a_token_of_another_app_client_is_401(stack: RunningStack, session: dict[str, Any]) -> None:
    assert me(stack, moto_signed(with_claims(session["access_token"], client_id="another-client"))).status_code == 401


def test_a_token_of_another_user_pool_is_401(stack: RunningStack, session: dict[str, Any]) -> None:
    cognito = moto_client("cognito-idp", stack.moto_endpoint)
    pool = cognito.create_user_pool(PoolName="another-pool")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="coach", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username="coach", Password="Another-Pool-2026!", Permanent=True)
    tokens = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=client,
        AuthParameters={"USERNAME": "coach", "PASSWORD": "Another-Pool-2026!"},
    )["AuthenticationResult"]
    assert me(stack, tokens["AccessToken"]).status_code == 401
    # Its client id passed off as the coach's client does not help: the issuer is the other pool's.
    coach_client = with_claims(session["access_token"])["client_id"]
    assert me(stack, moto_signed(with_claims(tokens["AccessToken"], client_id=coach_client))).status_code == 401


def test_an_id_token_is_not_an_access_token(stack: RunningStack, session: dict[str, Any]) -> None:
    response = me(stack, session["id_token"])
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"  # API Gateway lets it through; the function refuses it


def test_signing_in_through_the_app(stack: RunningStack) -> None:
    coach = next(user for user in LOCAL_USERS if user.group == "coach")
    response = requests.post(
        f"{stack.url}/coach/session", json={"username": coach.username, "password": coach.password}, timeout=10
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "id_token", "expires_in", "token_type"}
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("pijnreset_coach_refresh=")
    for attribute in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/coach/session"):
        assert attribute in cookie
    assert me(stack, body["access_token"]).json()["username"] == coach.username

    refresh_cookie = cookie.split(";", 1)[0]  # requests keeps Secure cookies off http://, so it is sent by hand
    refreshed = requests.post(
        f"{stack.url}/coach/session/refresh", json={}, headers={"Cookie": refresh_cookie}, timeout=10
    )
    assert refreshed.status_code == 200, refreshed.text
    assert me(stack, refreshed.json()["access_token"]).status_code == 200
    signed_out = requests.post(
        f"{stack.url}/coach/session/signout", json={}, headers={"Cookie": refresh_cookie}, timeout=10
    )
    assert signed_out.status_code == 200
    assert "Max-Age=0" in signed_out.headers["Set-Cookie"]
    revoked = requests.post(
        f"{stack.url}/coach/session/refresh", json={}, headers={"Cookie": refresh_cookie}, timeout=10
    )
    assert (revoked.status_code, revoked.json()["error"]) == (401, "session_expired")
    no_cookie = requests.post(f"{stack.url}/coach/session/refresh", json={}, timeout=10)
    assert (no_cookie.status_code, no_cookie.json()["error"]) == (401, "session_expired")


def test_a_wrong_password_and_an_unknown_user_get_the_same_401(stack: RunningStack) -> None:
    answers = [
        requests.post(
            f"{stack.url}/coach/session", json={"username": name, "password": "Wrong-Password-1!"}, timeout=10
        )
        for name in ("coach", "nobody-here")
    ]
    for answer in answers:
        assert answer.status_code == 401
        assert answer.json()["error"] == "invalid_credentials"
        assert answer.json()["message"] == "Gebruikersnaam of wachtwoord klopt niet."
    assert "Set-Cookie" not in answers[0].headers


def test_bad_sign_in_input_names_the_field(stack: RunningStack) -> None:
    response = requests.post(f"{stack.url}/coach/session", json={"username": "coach"}, timeout=10)
    assert response.status_code == 422
    assert {problem["field"] for problem in response.json()["fields"]} == {"password"}
    challenge = requests.post(
        f"{stack.url}/coach/session/challenge",
        json={"username": "coach", "challenge": "SOFTWARE_TOKEN_MFA", "session": "s" * 40},
        timeout=10,
    )
    assert challenge.status_code == 422
    assert {problem["field"] for problem in challenge.json()["fields"]} == {"code"}
