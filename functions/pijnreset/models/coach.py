"""The coach's sign-in: the bodies of /coach/session and GET /coach/api/me."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from pijnreset.models.requests import RequestModel

ChallengeName = Literal["NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA", "MFA_SETUP"]


class SignInRequest(RequestModel):
    username: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=256)


class ChallengeRequest(RequestModel):
    """The answer to a challenge of the last step: a new password, or a code from the authenticator app."""

    username: str = Field(min_length=1, max_length=128)
    challenge: ChallengeName
    session: str = Field(min_length=20, max_length=2048)  # Cognito's own bounds for a session
    new_password: str | None = Field(default=None, min_length=12, max_length=256)
    code: str | None = Field(default=None, pattern=r"^[0-9]{6}$")


class SessionResponse(BaseModel):
    """Either the tokens (the refresh token goes in an HttpOnly cookie, never here) or the next challenge."""

    access_token: str | None = None
    id_token: str | None = None
    expires_in: int | None = None
    token_type: Literal["Bearer"] | None = None
    challenge: ChallengeName | None = None
    session: str | None = None
    secret_code: str | None = Field(default=None, description="MFA_SETUP: the TOTP secret for the authenticator app")
    otpauth_uri: str | None = Field(default=None, description="MFA_SETUP: the secret as an otpauth:// URI (QR code)")


class MeResponse(BaseModel):
    username: str
    groups: list[str]


class SignedOutResponse(BaseModel):
    signed_out: bool
