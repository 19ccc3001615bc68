"""Cold init of every handler in template.yaml against a bare handler, side by side in one run.

A fresh interpreter per sample. "Init" is what Lambda's init phase does for our code: import the handler
module, which creates its AWS clients. The bare handler imports only boto3 and creates the same clients
(found by looking inside the real handler after import). Samples alternate bare/handler so that machine
noise hits both alike; the ratio is of medians. Peak memory is the child's max RSS.

    python -m bench.cold_start [--samples N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_MEASURE = r"""
import gc, json, resource, sys, time, importlib
started = time.perf_counter()
{body}
elapsed = time.perf_counter() - started
import botocore.client
clients = sorted({{o.meta.service_model.service_name for o in gc.get_objects()
                  if isinstance(o, botocore.client.BaseClient)}})
print(json.dumps({{"seconds": elapsed, "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "clients": clients}}))
"""


def _environment() -> dict[str, str]:
    from infra.functions import shared_environment
    from infra.local.stack import LOCAL_CREDENTIALS
    from infra.resources import name_locally
    from infra.template import Resolver, load_template

    environment = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "functions")}
    environment.update(LOCAL_CREDENTIALS)
    environment.update(shared_environment(name_locally(Resolver(load_template()))))
    return environment


def _run(body: str, environment: dict[str, str]) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE.format(body=body)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(samples: int) -> list[dict[str, object]]:
    from infra.functions import local_functions
    from infra.resources import name_locally
    from infra.template import Resolver, load_template

    environment = _environment()
    rows = []
    for function in local_functions(name_locally(Resolver(load_template()))):
        module = function.handler.rsplit(".", 1)[0]
        handler_body = f"importlib.import_module({module!r})"
        clients = _run(handler_body, environment)["clients"]
        assert isinstance(clients, list)
        bare_body = "import boto3\n" + "".join(f"boto3.client({service!r})\n" for service in clients)
        bare, real = [], []
        for _ in range(samples):
            bare.append(_run(bare_body, environment))
            real.append(_run(handler_body, environment))
        bare_median = statistics.median(float(s["seconds"]) for s in bare)  # type: ignore[arg-type]
        real_median = statistics.median(float(s["seconds"]) for s in real)  # type: ignore[arg-type]
        rows.append(
            {
                "function": function.logical_id,
                "clients": ",".join(clients) or "-",
                "bare_ms": bare_median * 1000,
                "init_ms": real_median * 1000,
                "ratio": real_median / bare_median,
                "peak_mib": max(float(s["max_rss_mib"]) for s in real),  # type: ignore[arg-type]
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=15)
    args = parser.parse_args()
    rows = measure(args.samples)
    print(f"Cold init: median of {args.samples} fresh processes, bare and handler alternating")
    print("Goal: init <= 1.4x the bare handler's, peak memory <= 60 MiB")
    print(f"{'function':24} {'clients':12} {'bare ms':>8} {'init ms':>8} {'ratio':>6} {'peak MiB':>9}")
    for row in rows:
        print(
            f"{row['function']:24} {row['clients']:12} {row['bare_ms']:8.1f} {row['init_ms']:8.1f} "
            f"{row['ratio']:5.2f}x {row['peak_mib']:9.1f}"
        )


if __name__ == "__main__":
    main()
