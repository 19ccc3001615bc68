"""Serves the template's HttpApi routes over real HTTP, the way API Gateway would, CORS included."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from infra.functions import LocalFunction
from infra.lambda_events import http_api_event
from infra.local.apigw import HttpResponse, match_route, to_http_response
from infra.local.jwt_authorizer import UNAUTHORIZED, JwtAuthorizer, gateway_claims
from infra.template import Resolver, resources_of_type

# Extra routes served beside the API (the dev outbox, the demo page): path -> (method, query, body) -> response.
ExtraRoute = Callable[[str, str, bytes], HttpResponse]


# What ``make_server`` serves (``Gateway.handle``, the demo page's ``DemoSite.handle``):
# (method, path, query, headers, body, source_ip, host) -> response.
RequestHandler = Callable[[str, str, str, Sequence[tuple[str, str]], bytes, str, str], HttpResponse]


class CorsPolicy:
    """The HttpApi's CorsConfiguration, applied the way API Gateway applies it."""

    def __init__(self, configuration: dict[str, Any]) -> None:
        self.origins = {str(origin) for origin in configuration.get("AllowOrigins", [])}
        self.methods = {str(method).upper() for method in configuration.get("AllowMethods", [])}
        self.headers = [str(header).lower() for header in configuration.get("AllowHeaders", [])]
        self.expose = [str(header).lower() for header in configuration.get("ExposeHeaders", [])]
        self.max_age = configuration.get("MaxAge")

    @classmethod
    def of_template(cls, resolver: Resolver) -> CorsPolicy:
        for _, api in resources_of_type(resolver.template, "AWS::Serverless::HttpApi"):
            configuration = resolver.resolve(api.get("Properties", {}).get("CorsConfiguration", {}))
            return cls(configuration if isinstance(configuration, dict) else {})
        return cls({})

    def allows(self, origin: str | None) -> bool:
        return origin is not None and ("*" in self.origins or origin in self.origins)

    def preflight(self, origin: str | None, method: str | None) -> HttpResponse:
        headers: list[tuple[str, str]] = []
        if self.allows(origin) and method and method.upper() in self.methods:
            headers = [
                ("Access-Control-Allow-Origin", str(origin)),
                ("Access-Control-Allow-Methods", ",".join(sorted(self.methods))),
                ("Access-Control-Allow-Headers", ",".join(self.headers)),
                ("Vary", "Origin"),
            ]
            if self.max_age is not None:
                headers.append(("Access-Control-Max-Age", str(self.max_age)))
        return HttpResponse(204, headers, b"")

    def decorate(self, origin: str | None, response: HttpResponse) -> HttpResponse:
        if not self.allows(origin):
            return response
        extra = [("Access-Control-Allow-Origin", str(origin)), ("Vary", "Origin")]
        if self.expose:
            extra.append(("Access-Control-Expose-Headers", ",".join(self.expose)))
        return HttpResponse(response.status, response.headers + extra, response.body)


class Gateway:
    """Routes a request to the function API Gateway would call, and answers what API Gateway would answer."""

    def __init__(
        self,
        functions: Sequence[LocalFunction],
        cors: CorsPolicy,
        authorizers: Mapping[str, JwtAuthorizer] | None = None,
    ) -> None:
        self.functions = functions
        self.cors = cors
        self.authorizers = dict(authorizers or {})

    def handle(
        self,
        method: str,
        path: str,
        query: str = "",
        headers: Sequence[tuple[str, str]] = (),
        body: bytes = b"",
        source_ip: str = "127.0.0.1",
        host: str = "127.0.0.1",
    ) -> HttpResponse:
        lookup = {name.lower(): value for name, value in headers}
        origin = lookup.get("origin")
        if method == "OPTIONS" and origin and lookup.get("access-control-request-method"):
            return self.cors.preflight(origin, lookup["access-control-request-method"])
        match = match_route(self.functions, method, path)
        if match is None:
            not_found = HttpResponse(404, [("Content-Type", "application/json")], b'{"message":"Not Found"}')
            return self.cors.decorate(origin, not_found)
        claims = None
        if match.route.authorizer is not None:
            # A route that names an authorizer the local stack lacks is refused, never let through.
            authorizer = self.authorizers.get(match.route.authorizer)
            claims = authorizer.claims(lookup) if authorizer is not None else None
            if claims is None:
                return self.cors.decorate(origin, UNAUTHORIZED)
        event = http_api_event(
            method,
            path,
            route_key=match.route_key,
            path_parameters=match.path_parameters,
            query=query,
            headers=headers,
            body=body,
            source_ip=source_ip,
            host=host,
        )
        if claims is not None:
            event["requestContext"]["authorizer"] = {"jwt": {"claims": gateway_claims(claims), "scopes": None}}
        try:
            result = match.function.invoke(event)
        except Exception as error:  # an unhandled error is a 500 in API Gateway too
            print(f"{match.function.logical_id} failed: {type(error).__name__}: {error}", file=sys.stderr)
            result = {"statusCode": 500, "body": '{"message":"Internal Server Error"}'}
        return self.cors.decorate(origin, to_http_response(result))


class _Server(ThreadingHTTPServer):
    # http.server's listen backlog is 5: a sixth client connecting at once was reset. API Gateway takes
    # thousands; the load run and the race tests connect 20 at a time.
    request_queue_size = 128


def make_server(
    handle: RequestHandler, host: str, port: int, extra_routes: dict[str, ExtraRoute] | None = None
) -> ThreadingHTTPServer:
    extras = extra_routes if extra_routes is not None else {}  # the caller may fill it in later

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "pijnreset-local"

        def _serve(self) -> None:
            started = time.perf_counter()
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if url.path in extras:
                response = extras[url.path](self.command, url.query, body)
            else:
                response = handle(
                    self.command,
                    url.path,
                    url.query,
                    list(self.headers.items()),
                    body,
                    self.client_address[0],
                    self.headers.get("Host", f"{host}:{port}"),
                )
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
            elapsed = (time.perf_counter() - started) * 1000
            # Method, path and status only: query strings carry tokens, bodies carry personal data.
            print(f"{self.command} {url.path} {response.status} {elapsed:.0f}ms", file=sys.stderr, flush=True)

        def __getattr__(self, name: str) -> Any:
            # Every method reaches the gateway (TRACE, QUERY, ...): API Gateway answers one it has no route
            # for with its 404, where http.server would answer 501.
            if name.startswith("do_"):
                return self._serve
            raise AttributeError(name)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass  # _serve prints its own short line

    server = _Server((host, port), Handler)
    server.daemon_threads = True
    return server
