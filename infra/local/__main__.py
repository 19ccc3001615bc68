"""``python -m infra.local``: the whole funnel on embedded AWS. Ctrl-C or SIGTERM stops it cleanly.

Two servers: the API (``--port``, PORT, default 3000) and a demo landing page with the Pijntest form
(``--page-port``, PAGE_PORT, default 8000; 0 picks a free port). The page's origin is the API's AllowedOrigin
unless ``--param AllowedOrigin=...`` names another, so the browser makes real cross-origin calls. The
outbox relay, the email sender and the scheduled work run continuously on moto's stream and queues.
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from infra.local.apigw import HttpResponse
from infra.local.coach_users import LOCAL_USERS, coach_session_route, create_local_users
from infra.local.dev_pages import dev_routes
from infra.local.event_sources import event_sources
from infra.local.http import CorsPolicy, ExtraRoute, Gateway, make_server
from infra.local.jwt_authorizer import authorizers_of_template
from infra.local.pollers import Pollers
from infra.local.site import DemoSite
from infra.local.stack import LocalStack

# The pollers finish the invocation in flight (up to 10 s), then moto stops: well within this.
STOP_WITHIN_SECONDS = 30


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    parser.add_argument("--page-port", type=int, default=int(os.environ.get("PAGE_PORT", "8000")))
    parser.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="a template parameter, e.g. RetentionDays=30"
    )
    args = parser.parse_args(argv)
    parameters = dict(item.split("=", 1) for item in args.param)

    # Both servers listen before the stack starts: their origins (either port may be any free one) are
    # the API's allowed origin and the public URL the emails link to.
    site = DemoSite()
    page_server = make_server(site.handle, args.host, args.page_port)
    page_origin = origin(args.host, page_server.server_address[1])
    parameters.setdefault("AllowedOrigin", page_origin)
    gateways: list[Gateway] = []  # the API's gateway, once the stack it routes to has started

    def handle_api(
        method: str, path: str, query: str, headers: Sequence[tuple[str, str]], body: bytes, source: str, host: str
    ) -> HttpResponse:
        return gateways[0].handle(method, path, query, headers, body, source, host)

    extra_routes: dict[str, ExtraRoute] = {}
    server = make_server(handle_api, args.host, args.port, extra_routes=extra_routes)
    api_url = origin(args.host, server.server_address[1])
    parameters.setdefault("PublicApiUrl", api_url)

    stack = LocalStack(parameters)
    stack.start()
    # Every handler's module is imported now, in this one thread, before the pollers and servers start: two
    # threads importing the same packages at once can each meet the other's half-initialised module
    # (ImportError: partially initialized module 'aws_lambda_powertools.metrics'), which answered a 500.
    for function in stack.functions:
        function.entry()
    cors = CorsPolicy.of_template(stack.resolver)
    create_local_users(stack)
    gateways.append(Gateway(stack.functions, cors, authorizers_of_template(stack.resolver, stack.endpoint)))
    pollers = Pollers(event_sources(stack.resolver, stack.functions), stack.client)
    extra_routes.update(dev_routes(stack, pollers))
    extra_routes.update(coach_session_route(stack))
    site.api_url = api_url
    pollers.start()
    stopping = threading.Event()

    def stop(signum: int, _: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for name, running in (("http", server), ("page", page_server)):
        threading.Thread(target=running.serve_forever, name=name, daemon=True).start()
    allowed = "the API allows its origin" if cors.allows(page_origin) else "NOT allowed by the API: calls are blocked"
    print(f"demo landing page: {page_origin}/ ({allowed})", flush=True)
    print(f"pijnreset local stack ready: {api_url} (AWS on moto at {stack.endpoint})", flush=True)
    print(f"  email outbox: {api_url}/_dev/outbox.html (JSON at /_dev/outbox)", flush=True)
    print(f"  run the scheduled work N days ahead: POST {api_url}/_dev/run-schedule?days=N", flush=True)
    print(f"  the coach's weekly digest of the week before: POST {api_url}/_dev/weekly-digest?days=N", flush=True)
    print(f'  simulate SES feedback: POST {api_url}/_dev/ses-event {{"type": "bounce", "email": ...}}', flush=True)
    print(f"  coach dashboard: {api_url}/coach/ (sign in with a local user below)", flush=True)
    for user in LOCAL_USERS:
        print(f"    local {user.group}: {user.username} / {user.password}", flush=True)
    print(f'  a coach session\'s tokens: POST {api_url}/_dev/coach-session {{"group": "assistant"}}', flush=True)
    # Waking up now and then matters: a signal that lands on another thread only sets a flag, which the
    # main thread checks when it runs, so a wait without a timeout could sleep through SIGTERM forever.
    while not stopping.wait(0.5):
        pass
    print("stopping", file=sys.stderr, flush=True)
    # A stop that hangs says where (every thread's stack) and ends anyway, with a failing exit code.
    faulthandler.dump_traceback_later(STOP_WITHIN_SECONDS, exit=True)
    for running in (server, page_server):
        running.shutdown()
        running.server_close()
    pollers.stop()
    stack.stop()
    return 0


def origin(host: str, port: int) -> str:
    """The origin a browser sends for ``host``; a wildcard address is reached as 127.0.0.1."""
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"  # noqa: S104 - only compared


if __name__ == "__main__":
    sys.exit(main())
