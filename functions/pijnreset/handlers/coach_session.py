"""/coach/session: the dashboard's sign-in, through this function so the browser only ever talks to its own origin;
GET /coach/api/me (behind CoachAuthorizer): who is signed in. The refresh token lives in an HttpOnly cookie."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from pijnreset.api.coach_auth import CoachPrincipal, require
from pijnreset.api.errors import ApiError
from pijnreset.api.resolver import build_resolver, json_body_responses, json_response, openapi_response
from pijnreset.dal.coach_identity import CoachIdentity, SessionStep, SignInRefused
from pijnreset.entry import json_api
from pijnreset.logic.answers import FieldProblem
from pijnreset.models.api import ErrorResponse, UnauthorizedResponse
from pijnreset.models.coach import ChallengeRequest, MeResponse, SessionResponse, SignedOutResponse, SignInRequest
from pijnreset.settings import CoachSessionSettings

REFRESH_COOKIE = "pijnreset_coach_refresh"
REFRESH_COOKIE_PATH = "/coach/session"
REFRESH_COOKIE_SECONDS = 12 * 3600  # the app client's RefreshTokenValidity (template.yaml)
# Which field answers which challenge.
CHALLENGE_FIELD = {"NEW_PASSWORD_REQUIRED": "new_password", "SOFTWARE_TOKEN_MFA": "code", "MFA_SETUP": "code"}
REFUSED = {"credentials": "invalid_credentials", "code": "invalid_code", "session": "session_expired"}

settings = CoachSessionSettings.from_env()
identity = CoachIdentity(settings.coach_user_pool_id, settings.coach_client_id)
app = build_resolver()
_session_responses = json_body_responses(
    {
        200: openapi_response("The tokens or the next challenge", SessionResponse),
        401: openapi_response("Refused", ErrorResponse),
    }
)


@app.post("/coach/session", summary="Sign in with username and password", responses=_session_responses)
def sign_in(request: Annotated[SignInRequest, Body()]) -> Any:
    return _answer(lambda: identity.sign_in(request.username, request.password))


@app.post("/coach/session/challenge", summary="Answer the sign-in's challenge", responses=_session_responses)
def challenge(request: Annotated[ChallengeRequest, Body()]) -> Any:
    field = CHALLENGE_FIELD[request.challenge]
    value = getattr(request, field)
    if value is None:
        raise ApiError(422, "validation_failed", [FieldProblem(field, "missing")])
    if request.challenge == "NEW_PASSWORD_REQUIRED":
        return _answer(lambda: identity.set_new_password(request.username, request.session, value))
    if request.challenge == "MFA_SETUP":
        return _answer(lambda: identity.finish_mfa_setup(request.username, request.session, value))
    return _answer(lambda: identity.enter_code(request.username, request.session, value))


@app.post("/coach/session/refresh", summary="New tokens for the refresh cookie", responses=_session_responses)
def refresh() -> Any:
    token = _refresh_cookie()
    if token is None:
        raise ApiError(401, "session_expired")
    return _answer(lambda: identity.refresh(token), refused="session")


@app.post(
    "/coach/session/signout",
    summary="Revoke the refresh token and clear its cookie",
    responses=json_body_responses({200: openapi_response("Signed out", SignedOutResponse)}),
)
def sign_out() -> Any:
    token = _refresh_cookie()
    if token is not None:
        identity.revoke(token)
    response = json_response(200, {"signed_out": True})
    response.cookies.append(_cookie("", max_age=0))
    return response


@app.get(
    "/coach/api/me",
    summary="Who is signed in (behind CoachAuthorizer)",
    responses={
        200: openapi_response("The user", MeResponse),
        401: openapi_response("No valid access token", UnauthorizedResponse),
        403: openapi_response("In no coach group", ErrorResponse),
        422: openapi_response("Never: the route takes no input", ErrorResponse),
    },
)
def me() -> Any:
    principal = require(CoachPrincipal.from_event(app.current_event.raw_event))
    return json_response(200, {"username": principal.username, "groups": sorted(principal.groups)})


def _answer(step_of: Any, refused: str = "credentials") -> Any:
    try:
        step: SessionStep = step_of()
    except SignInRefused as error:
        if error.reason == "new_password":
            raise ApiError(422, "validation_failed", [FieldProblem("new_password", "password_policy")]) from error
        raise ApiError(401, REFUSED[refused if error.reason == "credentials" else error.reason]) from error
    body = SessionResponse(
        access_token=step.access_token,
        id_token=step.id_token,
        expires_in=step.expires_in,
        token_type="Bearer" if step.access_token else None,
        challenge=step.challenge,
        session=step.session,
        secret_code=step.secret_code,
        otpauth_uri=step.otpauth_uri(),
    ).model_dump(mode="json", exclude_none=True)
    response = json_response(200, body)
    response.headers["Cache-Control"] = "no-store"
    if step.refresh_token:
        response.cookies.append(_cookie(step.refresh_token, max_age=REFRESH_COOKIE_SECONDS))
    return response


def _refresh_cookie() -> str | None:
    for cookie in app.current_event.cookies or []:
        name, _, value = cookie.strip().partition("=")
        if name == REFRESH_COOKIE and value:
            return value
    return None


def _cookie(value: str, max_age: int) -> Cookie:
    return Cookie(
        REFRESH_COOKIE,
        value,
        path=REFRESH_COOKIE_PATH,
        secure=True,
        http_only=True,
        same_site=SameSite.STRICT_MODE,
        max_age=max_age,
    )


lambda_handler = json_api(app)
