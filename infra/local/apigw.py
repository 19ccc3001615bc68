"""An HTTP request as API Gateway HTTP API hands it to Lambda (payload format 2.0), and back.

Follows https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from infra.functions import HttpRoute, LocalFunction

_TEXT_TYPES = re.compile(r"^(text/|application/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+json)")


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


def build_event(
    match: RouteMatch,
    *,
    method: str,
    path: str,
    query: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    source_ip: str,
    host: str,
) -> dict[str, Any]:
    joined: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        lower = name.lower()
        if lower == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        joined[lower] = f"{joined[lower]},{value}" if lower in joined else value
    query_parameters: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        query_parameters[name] = f"{query_parameters[name]},{value}" if name in query_parameters else value
    content_type = joined.get("content-type", "")
    text_body = not body or _TEXT_TYPES.match(content_type.lower())
    try:
        body_text = body.decode("utf-8") if text_body else None
    except UnicodeDecodeError:
        body_text = None
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": match.route_key,
        "rawPath": path,
        "rawQueryString": query,
        "headers": joined,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": host,
            "domainPrefix": host.split(".", 1)[0],
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": joined.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": match.route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": body_text is None,
    }
    if cookies:
        event["cookies"] = cookies
    if query_parameters:
        event["queryStringParameters"] = query_parameters
    if match.path_parameters:
        event["pathParameters"] = match.path_parameters
    if body:
        event["body"] = body_text if body_text is not None else base64.b64encode(body).decode()
    return event


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
