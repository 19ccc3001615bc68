"""The coach's user pool in Cognito: signing in with a password, answering its challenges (a new password, TOTP
setup, a TOTP code), refreshing and revoking. The app client has no secret, so no SECRET_HASH."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import boto3
from botocore.exceptions import ClientError

ISSUER_LABEL = "Pijn Reset"
# Cognito's answers to a wrong password, an unknown user (PreventUserExistenceErrors makes it the same one),
# a wrong or expired code, a refused new password.
# An unknown or stale challenge session is NotAuthorized on Cognito and ResourceNotFound on moto: both a refusal.
_REFUSED = {
    "NotAuthorizedException",
    "UserNotFoundException",
    "PasswordResetRequiredException",
    "ResourceNotFoundException",
}
_BAD_CODE = {"CodeMismatchException", "ExpiredCodeException", "EnableSoftwareTokenMFAException"}
_BAD_PASSWORD = {"InvalidPasswordException"}


class SignInRefused(Exception):
    """``reason``: ``credentials`` (password or refresh token), ``code`` (TOTP), or ``new_password``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SessionStep:
    """The tokens, or the next challenge with its session (and, to set up TOTP, the secret)."""

    access_token: str | None = None
    id_token: str | None = None
    refresh_token: str | None = None
    expires_in: int | None = None
    challenge: str | None = None
    session: str | None = None
    secret_code: str | None = None
    username: str = ""

    def otpauth_uri(self) -> str | None:
        if not self.secret_code:
            return None
        label = quote(f"{ISSUER_LABEL}:{self.username}")
        return f"otpauth://totp/{label}?secret={self.secret_code}&issuer={quote(ISSUER_LABEL)}"


class CoachIdentity:
    def __init__(self, user_pool_id: str, client_id: str, client: Any | None = None) -> None:
        self.user_pool_id = user_pool_id
        self.client_id = client_id
        self._client = client or boto3.client("cognito-idp")

    def sign_in(self, username: str, password: str) -> SessionStep:
        answer = self._call(
            "initiate_auth",
            AuthFlow="USER_PASSWORD_AUTH",
            ClientId=self.client_id,
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        return self._step(answer, username)

    def set_new_password(self, username: str, session: str, new_password: str) -> SessionStep:
        answers = {"USERNAME": username, "NEW_PASSWORD": new_password}
        return self._respond("NEW_PASSWORD_REQUIRED", username, session, answers)

    def enter_code(self, username: str, session: str, code: str) -> SessionStep:
        answers = {"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code}
        return self._respond("SOFTWARE_TOKEN_MFA", username, session, answers)

    def finish_mfa_setup(self, username: str, session: str, code: str) -> SessionStep:
        verified = self._call("verify_software_token", Session=session, UserCode=code)
        if verified.get("Status") != "SUCCESS":
            raise SignInRefused("code")
        return self._respond("MFA_SETUP", username, verified.get("Session", session), {"USERNAME": username})

    def refresh(self, refresh_token: str) -> SessionStep:
        answer = self._call(
            "initiate_auth",
            AuthFlow="REFRESH_TOKEN_AUTH",
            ClientId=self.client_id,
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
        step = self._step(answer, "")
        # Cognito does not rotate the refresh token here: the one the caller holds stays the one.
        return step if step.refresh_token else SessionStep(**{**step.__dict__, "refresh_token": refresh_token})

    def revoke(self, refresh_token: str) -> None:
        with suppress(SignInRefused):  # an unknown or already revoked token: signed out all the same
            self._call("revoke_token", Token=refresh_token, ClientId=self.client_id)

    def _respond(self, challenge: str, username: str, session: str, answers: dict[str, str]) -> SessionStep:
        answer = self._call(
            "respond_to_auth_challenge",
            ClientId=self.client_id,
            ChallengeName=challenge,
            Session=session,
            ChallengeResponses=answers,
        )
        return self._step(answer, username)

    def _step(self, answer: dict[str, Any], username: str) -> SessionStep:
        result = answer.get("AuthenticationResult")
        if result:
            return SessionStep(
                access_token=result["AccessToken"],
                id_token=result.get("IdToken"),
                refresh_token=result.get("RefreshToken"),
                expires_in=int(result.get("ExpiresIn", 0)),
                username=username,
            )
        challenge, session = answer.get("ChallengeName"), answer.get("Session")
        if challenge == "MFA_SETUP":  # the secret for the authenticator app comes with a session of its own
            associated = self._call("associate_software_token", Session=session)
            return SessionStep(
                challenge=challenge,
                session=associated.get("Session", session),
                secret_code=associated["SecretCode"],
                username=username,
            )
        if challenge in ("NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA"):
            return SessionStep(challenge=challenge, session=session, username=username)
        raise SignInRefused("credentials")  # a challenge this pool does not configure

    def _call(self, operation: str, **parameters: Any) -> dict[str, Any]:
        try:
            answer: dict[str, Any] = getattr(self._client, operation)(**parameters)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in _REFUSED:
                raise SignInRefused("credentials") from error
            if code in _BAD_CODE:
                raise SignInRefused("code") from error
            if code in _BAD_PASSWORD:
                raise SignInRefused("new_password") from error
            raise
        return answer
