"""The HttpApi's JWT authorizers, checked the way API Gateway checks them, with PyJWT.

https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html: the token from the
identity source (``Bearer`` prefix optional), its ``kid`` in the issuer's JWKS, an RS256 signature, ``exp`` /
``nbf`` / ``iat``, ``iss`` equal to the configured issuer, and ``aud`` (or, without one, ``client_id``) among the
configured audiences. Anything else: 401 ``{"message":"Unauthorized"}``. The claims go to the function as
``requestContext.authorizer.jwt.claims``, every value a string (arrays as ``[a b]``), as API Gateway passes them.

The JWKS comes from moto: it serves ``/<pool id>/.well-known/jwks.json`` on its own endpoint, where AWS serves it
under the issuer, so the issuer's origin is swapped for moto's to fetch it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jwt

from infra.local.apigw import HttpResponse
from infra.template import Resolver, resources_of_type

UNAUTHORIZED = HttpResponse(401, [("Content-Type", "application/json")], b'{"message":"Unauthorized"}')
_LEEWAY_SECONDS = 0


@dataclass
class JwtAuthorizer:
    issuer: str
    audiences: Sequence[str]
    identity_header: str  # lower case, from $request.header.<Name>
    jwks: jwt.PyJWKClient

    def claims(self, headers: Mapping[str, str]) -> dict[str, Any] | None:
        """The token's claims when API Gateway would let it through, else None."""
        value = headers.get(self.identity_header, "").strip()
        token = value[7:].strip() if value[:7].lower() == "bearer " else value
        if not token:
            return None
        try:
            key = self.jwks.get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                issuer=self.issuer,
                options={"require": ["exp", "iss"], "verify_aud": False},
                leeway=_LEEWAY_SECONDS,
            )
        except jwt.PyJWTError:
            return None
        audience = claims.get("aud", claims.get("client_id"))
        audiences = audience if isinstance(audience, list) else [audience]
        if not any(str(candidate) in self.audiences for candidate in audiences):
            return None
        return claims


def gateway_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """The claims as API Gateway hands them to the function: strings, arrays as ``[a b]``."""
    return {
        name: "[" + " ".join(str(item) for item in value) + "]" if isinstance(value, list) else str(value)
        for name, value in claims.items()
    }


def authorizers_of_template(resolver: Resolver, moto_endpoint: str) -> dict[str, JwtAuthorizer]:
    found: dict[str, JwtAuthorizer] = {}
    for _, api in resources_of_type(resolver.template, "AWS::Serverless::HttpApi"):
        configured = api.get("Properties", {}).get("Auth", {}).get("Authorizers", {})
        for name, authorizer in configured.items():
            settings = resolver.resolve(authorizer)
            issuer = str(settings["JwtConfiguration"]["issuer"])
            source = str(settings["IdentitySource"])
            if not source.startswith("$request.header."):
                raise ValueError(f"{name}: only a header identity source runs locally, not {source}")
            pool_id = issuer.rstrip("/").rsplit("/", 1)[1]
            found[name] = JwtAuthorizer(
                issuer=issuer,
                audiences=[str(audience) for audience in settings["JwtConfiguration"]["audience"]],
                identity_header=source.removeprefix("$request.header.").lower(),
                jwks=jwt.PyJWKClient(f"{moto_endpoint}/{pool_id}/.well-known/jwks.json", cache_keys=True),
            )
    return found
