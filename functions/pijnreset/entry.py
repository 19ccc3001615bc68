"""The Lambda entry points, one per kind of function, so that no handler repeats its decorator stack.

Each applies the same three things: the logger's context with a correlation id (``clear_state``, so nothing
of one invocation is logged with the next), metrics flushed at the end, and for JSON APIs the body guard that
answers 413/415/400 before anything parses a body. The correlation id is an id AWS assigned to the request
or message (API Gateway's request id, the EventBridge event id, the first record's message or event id):
never anything a visitor sent.

    lambda_handler = json_api(app)
    lambda_handler = html_pages(app)

    @event_entry(correlation_paths.EVENT_BRIDGE, data_class=EventBridgeEvent)
    def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, int]: ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.logging import correlation_paths

from pijnreset.api.resolver import guard_json_body
from pijnreset.observability import logger, metrics

Handler = Callable[[Any, Any], Any]
Result = TypeVar("Result")

# The first record's id: a batch is one invocation, and its first message names it well enough to find it.
FIRST_SQS_MESSAGE = "Records[0].messageId"
FIRST_SNS_MESSAGE = "Records[0].Sns.MessageId"
FIRST_STREAM_RECORD = "Records[0].eventID"


def _observed(handler: Handler, correlation_id_path: str) -> Handler:
    logged: Handler = logger.inject_lambda_context(correlation_id_path=correlation_id_path, clear_state=True)(
        metrics.log_metrics(handler)
    )
    return logged


def json_api(app: APIGatewayHttpResolver) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The entry point of a JSON API function: the body guard, then ``app``."""
    return _observed(guard_json_body(app), correlation_paths.API_GATEWAY_HTTP)


def html_pages(app: APIGatewayHttpResolver) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The entry point of a function of HTML pages (links in emails): no body to guard, ``app`` as it is."""
    return _observed(app.resolve, correlation_paths.API_GATEWAY_HTTP)


def event_entry(
    correlation_id_path: str, data_class: type[Any] | None = None
) -> Callable[[Callable[[Any, Any], Result]], Callable[[dict[str, Any], Any], Result]]:
    """Decorates the entry point of an event-driven function; with ``data_class`` (a Powertools event data
    class), the handler gets the event wrapped in it."""

    def decorate(handler: Callable[[Any, Any], Result]) -> Callable[[dict[str, Any], Any], Result]:
        inner: Handler = handler
        if data_class is not None:
            # Only the event functions load the data classes (the package imports every one of them).
            from aws_lambda_powertools.utilities.data_classes import event_source

            inner = event_source(data_class=data_class)(handler)
        return _observed(inner, correlation_id_path)

    return decorate
