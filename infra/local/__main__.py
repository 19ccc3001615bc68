"""``python -m infra.local``: the whole funnel on embedded AWS. Ctrl-C or SIGTERM stops it cleanly."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from types import FrameType

from infra.local.dev_pages import dev_routes
from infra.local.events import Pollers, event_sources
from infra.local.http import CorsPolicy, Gateway, make_server
from infra.local.stack import LocalStack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    parser.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="a template parameter, e.g. RetentionDays=30"
    )
    args = parser.parse_args(argv)
    parameters = {"PublicApiUrl": f"http://{args.host}:{args.port}", **dict(item.split("=", 1) for item in args.param)}

    stack = LocalStack(parameters)
    stack.start()
    gateway = Gateway(stack.functions, CorsPolicy.of_template(stack.resolver))
    pollers = Pollers(event_sources(stack.resolver, stack.functions), stack.client)
    server = make_server(gateway, args.host, args.port, extra_routes=dev_routes(stack, pollers))
    pollers.start()
    stopping = threading.Event()

    def stop(signum: int, _: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    host, port = str(server.server_address[0]), server.server_address[1]
    print(f"pijnreset local stack ready: http://{host}:{port} (AWS on moto at {stack.endpoint})", flush=True)
    print(f"  email outbox: http://{host}:{port}/_dev/outbox.html (JSON at /_dev/outbox)", flush=True)
    print(f"  run the scheduled work N days ahead: POST http://{host}:{port}/_dev/run-schedule?days=N", flush=True)
    print(
        f'  simulate SES feedback: POST http://{host}:{port}/_dev/ses-event {{"type": "bounce", "email": ...}}',
        flush=True,
    )
    stopping.wait()
    print("stopping", file=sys.stderr, flush=True)
    server.shutdown()
    server.server_close()
    pollers.stop()
    stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
