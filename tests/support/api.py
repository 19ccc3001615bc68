"""Calls the real handlers in-process through the same API Gateway adapter the local stack serves."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from infra.functions import local_functions
from infra.local.http import CorsPolicy, Gateway
from infra.template import Resolver


@dataclass(frozen=True)
class ApiResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()

    @property
    def error_fields(self) -> set[str]:
        return {problem["field"] for problem in self.json()["fields"]}

    def assert_invalid(self, fields: set[str]) -> None:
        """A 422 that names at least ``fields``, each with a message to show."""
        assert self.status == 422, self.body
        body = self.json()
        assert body["error"] == "validation_failed"
        assert fields <= self.error_fields, body
        assert all(problem["message"] for problem in body["fields"])


class InProcessApi:
    def __init__(self, resolver: Resolver) -> None:
        self.gateway = Gateway(local_functions(resolver), CorsPolicy.of_template(resolver))

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> ApiResponse:
        all_headers = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            all_headers.setdefault("content-type", "application/json")
        url = urlsplit(path)
        response = self.gateway.handle(method, url.path, url.query, list(all_headers.items()), body or b"")
        return ApiResponse(response.status, {k.lower(): v for k, v in response.headers}, response.body)

    def get(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("POST", path, **kwargs)
