"""Who is calling a coach route, in one place: the claims API Gateway's JWT authorizer (``CoachAuthorizer`` in
template.yaml, and the local gateway that checks tokens the same way) put in an HTTP API v2 event, read as a
``CoachPrincipal``, and ``require`` that answers 401 without claims and 403 without one of the groups asked for.

The authorizer has already checked signature, issuer, audience, expiry and ``token_use``; this module only reads
what it passed on. It never decodes a token itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pijnreset.api.errors import ApiError

GROUPS_CLAIM = "cognito:groups"


class CoachGroup(StrEnum):
    """The Cognito groups of the coach's user pool (``CoachGroup`` resources in template.yaml)."""

    COACH = "coach"
    ASSISTANT = "assistant"


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized")


def forbidden() -> ApiError:
    return ApiError(403, "forbidden")


def parse_groups(value: object) -> frozenset[str]:
    """``cognito:groups`` as API Gateway passes it (a string like ``"[coach assistant]"``) or as a real list."""
    if value is None:
        return frozenset()
    if isinstance(value, str):
        # API Gateway HTTP APIs flatten array claims to "[a b]"; group names cannot hold spaces or brackets.
        return frozenset(part for part in value.strip().strip("[]").replace(",", " ").split() if part)
    if isinstance(value, list | tuple | set | frozenset):
        return frozenset(str(part) for part in value if str(part))
    return frozenset()


@dataclass(frozen=True)
class CoachPrincipal:
    """The signed-in coach or assistant: the Cognito username, the user's ``sub`` and the groups."""

    username: str
    sub: str
    groups: frozenset[str]

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> CoachPrincipal:
        """From the authorizer's claims; a 401 ``ApiError`` when the identity is missing or not an access token."""
        # API Gateway's JWT authorizer also lets an ID token through (its ``aud`` is the client id); only an
        # access token is a session of the dashboard, so anything else is refused here, the same 401.
        if claims.get("token_use") != "access":
            raise unauthorized()
        sub = claims.get("sub")
        username = claims.get("username") or claims.get("cognito:username")
        if not isinstance(sub, str) or not sub or not isinstance(username, str) or not username:
            raise unauthorized()
        return cls(username=username, sub=sub, groups=parse_groups(claims.get(GROUPS_CLAIM)))

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> CoachPrincipal:
        """From an HTTP API v2 event's ``requestContext.authorizer.jwt.claims``; 401 when absent."""
        context = event.get("requestContext") or {}
        authorizer = context.get("authorizer") if isinstance(context, Mapping) else None
        jwt = authorizer.get("jwt") if isinstance(authorizer, Mapping) else None
        claims = jwt.get("claims") if isinstance(jwt, Mapping) else None
        if not isinstance(claims, Mapping):
            raise unauthorized()
        return cls.from_claims(claims)

    def is_in(self, *groups: CoachGroup | str) -> bool:
        return any(str(group) in self.groups for group in groups)


def require(principal: CoachPrincipal | None, *groups: CoachGroup | str) -> CoachPrincipal:
    """The principal when it is in one of ``groups`` (any coach group when none are named); else 401/403."""
    if principal is None:
        raise unauthorized()
    allowed = groups or tuple(CoachGroup)
    if not principal.is_in(*allowed):
        raise forbidden()
    return principal


def require_event(event: Mapping[str, Any], *groups: CoachGroup | str) -> CoachPrincipal:
    """``require`` on the principal of an HTTP API v2 event."""
    return require(CoachPrincipal.from_event(event), *groups)
