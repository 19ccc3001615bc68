"""The Powertools resolver every HTTP handler uses, with one error format for every failure.

Bad input never becomes a 5xx: validation -> 422, broken JSON -> 400, too large -> 413, wrong
content type -> 415. Only an AWS outage answers 503, with Retry-After, so the form can retry.
Every body is parsed by ``parse_json_body``, which no JSON text can make raise anything but a decode error.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel

from pijnreset.api.errors import ApiError, problems_from_pydantic
from pijnreset.api.unavailable import RETRY_AFTER_HEADER, RETRY_AFTER_SECONDS, aws_unavailable
from pijnreset.logic.answers import FieldProblem
from pijnreset.models.api import ErrorResponse

MAX_BODY_BYTES = 16 * 1024
# No field takes a number this long (started_at, the longest, has 15 digits); Python refuses to parse ints
# past 4,300 digits at all, with an error Powertools does not expect.
MAX_NUMBER_DIGITS = 40
_BODY_METHODS = {"POST", "PUT", "PATCH"}
LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def build_resolver(*, validate: bool = True) -> APIGatewayHttpResolver:
    """``validate``: parse and validate the routes' declared parameters and bodies (off for routes that take none)."""
    app = APIGatewayHttpResolver(enable_validation=validate, json_body_deserializer=parse_json_body)

    # Powertools' decorators are untyped; the handlers below are typed and tested.
    @app.exception_handler(ApiError)  # type: ignore[misc]
    def _api_error(error: ApiError) -> Response[Any]:
        return error_response(error)

    @app.exception_handler(RequestValidationError)  # type: ignore[misc]
    def _invalid_request(error: RequestValidationError) -> Response[Any]:
        problems = problems_from_pydantic(error.errors())
        if any(problem.type == "json_invalid" for problem in problems):
            return error_response(ApiError(400, "invalid_json", [FieldProblem("body", "json_invalid")]))
        return error_response(ApiError(422, "validation_failed", problems))

    @app.exception_handler(NotFoundError)  # type: ignore[misc]
    def _not_found(_: NotFoundError) -> Response[Any]:
        return error_response(ApiError(404, "not_found"))

    @app.exception_handler([ClientError, BotoCoreError])  # type: ignore[misc]
    def _aws_unavailable(error: Exception) -> Response[Any]:
        if not aws_unavailable(error):
            raise error
        return error_response(ApiError(503, "service_unavailable", headers={"Retry-After": RETRY_AFTER_SECONDS}))

    return app


def parse_json_body(text: str) -> Any:
    """``json.loads`` for request bodies: any failure is a ``JSONDecodeError`` (the resolver's 400), and a
    number too long for any field becomes infinity, which every field's type refuses by name (a 422).

    Nesting deeper than the parser's recursion limit (16 KB of brackets) raises RecursionError, and a
    5,000-digit integer ValueError: both would otherwise escape the resolver as a 500.
    """
    try:
        return json.loads(text, parse_int=_bounded_int)
    except RecursionError as error:
        raise json.JSONDecodeError("nested too deeply", text, 0) from error


def _bounded_int(digits: str) -> int | float:
    return int(digits) if len(digits.lstrip("-")) <= MAX_NUMBER_DIGITS else float("inf")


def error_response(error: ApiError) -> Response[Any]:
    return Response(
        status_code=error.status,
        content_type="application/json",
        body=json.dumps(error.body(), ensure_ascii=False),
        headers=error.headers,
    )


def json_response(status: int, body: Any) -> Response[Any]:
    return Response(status_code=status, content_type="application/json", body=body)


def openapi_response(description: str, model: type[BaseModel]) -> OpenAPIResponse:
    """One documented response of a route, for the generated OpenAPI spec."""
    return {"description": description, "content": {"application/json": {"model": model}}}


def unavailable_response() -> OpenAPIResponse:
    return {
        **openapi_response(
            "DynamoDB throttled or unavailable: retry after Retry-After seconds, with the same id", ErrorResponse
        ),
        "headers": RETRY_AFTER_HEADER,
    }


def json_body_responses(responses: dict[int, OpenAPIResponse]) -> dict[int, OpenAPIResponse]:
    """A JSON-body route's own responses plus those every such route can give (see guard_json_body and
    build_resolver): every 4xx body is an ErrorResponse, never Powertools' HTTPValidationError."""
    return {
        **responses,
        400: openapi_response("The body is not JSON", ErrorResponse),
        413: openapi_response(f"The body is over {MAX_BODY_BYTES} bytes", ErrorResponse),
        415: openapi_response("The Content-Type is not application/json", ErrorResponse),
        422: openapi_response("Invalid fields, each named with a Dutch message", ErrorResponse),
        503: unavailable_response(),
    }


def guard_json_body(app: APIGatewayHttpResolver) -> LambdaHandler:
    """The Lambda entry point for ``app``: refuses oversized or non-JSON bodies before anything parses them."""

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        method = event.get("requestContext", {}).get("http", {}).get("method", "")
        if method in _BODY_METHODS:
            problem = _body_problem(event)
            if problem is not None:
                return problem.proxy_response()
        return app.resolve(event, context)

    return handler


def _body_problem(event: dict[str, Any]) -> ApiError | None:
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        return ApiError(415, "unsupported_media_type", [FieldProblem("content-type", "unsupported_media_type")])
    body = event.get("body") or ""
    try:
        raw = base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body.encode()
    except ValueError:
        return ApiError(400, "invalid_json", [FieldProblem("body", "json_invalid")])
    if len(raw) > MAX_BODY_BYTES:
        return ApiError(413, "payload_too_large", [FieldProblem("body", "too_large")])
    try:
        # JSON is UTF-8 (RFC 8259); API Gateway passes other bytes base64-encoded, which Powertools would
        # decode as UTF-8 and fail on with a 500.
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return ApiError(400, "invalid_json", [FieldProblem("body", "json_invalid")])
    return None
