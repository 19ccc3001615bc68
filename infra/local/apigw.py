"""API Gateway HTTP API around a Lambda function: the route it picks for a request, and what it makes of the
handler's answer (payload format 2.0). The event between the two is infra.lambda_events.http_api_event.

Follows https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from infra.functions import HttpRoute, LocalFunction


@dataclass(frozen=True)
class RouteMatch:
    function: LocalFunction
    route: HttpRoute
    path_parameters: dict[str, str]

    @property
    def route_key(self) -> str:
        return "$default" if self.route.path == "$default" else f"{self.route.method} {self.route.path}"


def match_route(functions: Sequence[LocalFunction], method: str, path: str) -> RouteMatch | None:
    """The route API Gateway would pick: an exact method before ANY, a fixed path before a greedy one."""
    candidates = []
    for function in functions:
        for route in function.routes:
            if route.path == "$default":
                candidates.append((3, RouteMatch(function, route, {})))
                continue
            parameters = _match_path(route.path, path)
            if parameters is None or route.method not in (method, "ANY"):
                continue
            greedy = any(part.endswith("+}") for part in route.path.split("/"))
            candidates.append((int(greedy) * 2 + int(route.method == "ANY"), RouteMatch(function, route, parameters)))
    return min(candidates, key=lambda candidate: candidate[0])[1] if candidates else None


def _match_path(template: str, path: str) -> dict[str, str] | None:
    pattern = ""
    for part in template.strip("/").split("/"):
        if part.startswith("{") and part.endswith("+}"):
            pattern += rf"/(?P<{part[1:-2]}>.+)"
        elif part.startswith("{") and part.endswith("}"):
            pattern += rf"/(?P<{part[1:-1]}>[^/]+)"
        elif part:
            pattern += "/" + re.escape(part)
    found = re.fullmatch(pattern or "/", path.rstrip("/") or "/")
    return found.groupdict() if found else None


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def to_http_response(result: Any) -> HttpResponse:
    """What API Gateway makes of a handler's return value (format 2.0, including its guesses)."""
    if not (isinstance(result, dict) and "statusCode" in result):
        return HttpResponse(200, [("Content-Type", "application/json")], json.dumps(result).encode())
    headers = [(name, str(value)) for name, value in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers += [(name, str(value)) for value in values]
    headers += [("Set-Cookie", cookie) for cookie in result.get("cookies") or []]
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode("utf-8")
    return HttpResponse(int(result["statusCode"]), headers, raw)
