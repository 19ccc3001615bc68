"""``python -m infra.local``: the whole funnel on embedded AWS. Ctrl-C or SIGTERM stops it cleanly.

Two servers: the API (``--port``, PORT, default 3000) and a demo landing page with the Pijntest form
(``--page-port``, PAGE_PORT, default 8000; 0 picks a free port). The page's origin is the API's AllowedOrigin
unless ``--param AllowedOrigin=...`` names another, so the browser makes real cross-origin calls.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from types import FrameType

from infra.local.http import CorsPolicy, Gateway, make_server
from infra.local.site import DemoSite
from infra.local.stack import LocalStack


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

    # The page's server first: its origin (its port may be any free one) is what the API allows.
    site = DemoSite()
    page_server = make_server(site.handle, args.host, args.page_port)
    page_origin = origin(args.host, page_server.server_address[1])
    parameters.setdefault("AllowedOrigin", page_origin)

    stack = LocalStack(parameters)
    stack.start()
    cors = CorsPolicy.of_template(stack.resolver)
    server = make_server(Gateway(stack.functions, cors).handle, args.host, args.port)
    api_url = origin(args.host, server.server_address[1])
    site.api_url = api_url
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
    stopping.wait()
    print("stopping", file=sys.stderr, flush=True)
    for running in (server, page_server):
        running.shutdown()
        running.server_close()
    stack.stop()
    return 0


def origin(host: str, port: int) -> str:
    """The origin a browser sends for ``host``; a wildcard address is reached as 127.0.0.1."""
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"  # noqa: S104 - only compared


if __name__ == "__main__":
    sys.exit(main())
