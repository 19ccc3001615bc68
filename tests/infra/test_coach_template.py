"""The coach's accounts in template.yaml: only an administrator creates users, TOTP is demanded in production,
tokens are short-lived, and every coach route but the sign-in itself is behind CoachAuthorizer."""

from __future__ import annotations

from typing import Any

from infra.template import Resolver, load_template, resources_of_type

SIGN_IN_ROUTES = {
    ("POST", "/coach/session"),
    ("POST", "/coach/session/challenge"),
    ("POST", "/coach/session/refresh"),
    ("POST", "/coach/session/signout"),
}
# The dashboard's own files: public, no data in them (CoachAppFunction).
APP_ROUTES = {("GET", "/coach"), ("GET", "/coach/assets/{name}")}


def _routes(template: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    found = []
    for _, function in resources_of_type(template, "AWS::Serverless::Function"):
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "HttpApi":
                properties = event["Properties"]
                authorizer = (properties.get("Auth") or {}).get("Authorizer")
                found.append((properties["Method"], properties["Path"], authorizer))
    return found


def test_every_coach_route_but_the_sign_in_is_behind_the_coach_authorizer() -> None:
    coach = [route for route in _routes(load_template()) if route[1].startswith("/coach")]
    assert {(method, path) for method, path, _ in coach} >= SIGN_IN_ROUTES | APP_ROUTES | {("GET", "/coach/api/me")}
    for method, path, authorizer in coach:
        if (method, path) in SIGN_IN_ROUTES | APP_ROUTES:
            assert authorizer is None, path  # signing in is what gets the token; the app's files hold no data
        else:
            assert path.startswith("/coach/api/"), f"{method} {path}: coach routes are /coach/session or /coach/api"
            assert authorizer == "CoachAuthorizer", f"{method} {path} is not behind CoachAuthorizer"


def test_no_route_outside_coach_uses_the_authorizer_and_none_is_the_default() -> None:
    template = load_template()
    assert all(path.startswith("/coach/api/") for _, path, authorizer in _routes(template) if authorizer)
    (api,) = [resource for _, resource in resources_of_type(template, "AWS::Serverless::HttpApi")]
    auth = api["Properties"]["Auth"]
    assert "DefaultAuthorizer" not in auth


def test_the_authorizer_checks_the_pool_s_issuer_and_the_app_client() -> None:
    template = load_template()
    (api,) = [resource for _, resource in resources_of_type(template, "AWS::Serverless::HttpApi")]
    authorizer = api["Properties"]["Auth"]["Authorizers"]["CoachAuthorizer"]
    assert authorizer["IdentitySource"] == "$request.header.Authorization"
    assert authorizer["JwtConfiguration"] == {
        "issuer": {"Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${CoachUserPool}"},
        "audience": [{"Ref": "CoachUserPoolClient"}],
    }


def _pool(stage: str) -> dict[str, Any]:
    resolver = Resolver(load_template(), parameters={"Stage": stage})
    return dict(resolver.resolve(load_template()["Resources"]["CoachUserPool"]["Properties"]))


def test_only_an_administrator_creates_users_with_a_strong_password() -> None:
    pool = _pool("prod")
    assert pool["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}
    policy = pool["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12
    assert all(policy[name] for name in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"))


def test_totp_is_demanded_in_production_and_offered_elsewhere() -> None:
    assert (_pool("prod")["MfaConfiguration"], _pool("prod")["DeletionProtection"]) == ("ON", "ACTIVE")
    assert (_pool("test")["MfaConfiguration"], _pool("test")["DeletionProtection"]) == ("OPTIONAL", "INACTIVE")
    assert _pool("prod")["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert load_template()["Resources"]["CoachUserPool"]["DeletionPolicy"] == "Retain"


def test_the_app_client_has_no_secret_short_tokens_and_hides_who_exists() -> None:
    client = load_template()["Resources"]["CoachUserPoolClient"]["Properties"]
    assert client["GenerateSecret"] is False
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert sorted(client["ExplicitAuthFlows"]) == ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"]
    assert set(client["TokenValidityUnits"].values()) == {"minutes"}
    assert 15 <= client["AccessTokenValidity"] <= 60
    assert 15 <= client["IdTokenValidity"] <= 60
    assert client["RefreshTokenValidity"] <= 12 * 60


def test_the_groups_are_coach_and_assistant() -> None:
    groups = {
        group["Properties"]["GroupName"]
        for _, group in resources_of_type(load_template(), "AWS::Cognito::UserPoolGroup")
    }
    assert groups == {"coach", "assistant"}


def test_the_session_function_may_only_sign_in_to_the_coach_pool() -> None:
    role = load_template()["Resources"]["CoachSessionRole"]["Properties"]
    statements = [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]
    cognito = [s for s in statements if any(a.startswith("cognito-idp:") for a in s["Action"])]
    pool_arn = "arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/${CoachUserPool}"
    assert [s["Resource"] for s in cognito] == [{"Fn::Sub": pool_arn}]
    assert not any(action.startswith("cognito-idp:Admin") for s in cognito for action in s["Action"])


def test_the_dashboard_s_function_touches_nothing_of_the_stack() -> None:
    role = load_template()["Resources"]["CoachAppRole"]["Properties"]
    statements = [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]
    actions = [a for s in statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])]
    assert actions
    assert [action for action in actions if not action.startswith(("logs:", "xray:"))] == []
