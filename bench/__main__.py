"""`make bench`: every measurement of the project in one report.

Each part runs in its own process (the cold starts and the load run start AWS on moto servers, the AWS
call counts run moto in-process) and hands its figures back as JSON; the cost model is computed from
them. Prints the report, and with --markdown docs/performance.md's report instead. With --docs it also
saves the cost model's measured inputs (bench/cost_inputs.json) and rewrites the generated figures of
docs/performance.md, docs/deploy.md's cost section and the README's Performance section.

    python -m bench [--samples N] [--submissions N] [--concurrency N] [--markdown] [--docs]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import aws_calls, cold_start, cost, email_render, load, pdf_render, scoring

ROOT = Path(__file__).resolve().parents[1]


def _part(module: str, *args: str) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", "--json", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if run.returncode != 0:
        raise RuntimeError(f"bench.{module} failed:\n{run.stderr[-4000:]}")
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "unknown CPU",
    )
    load_average = os.getloadavg()[0]
    return f"{platform.machine()}, {os.cpu_count()} cores ({cpu}), load average {load_average:.1f} at the start"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=7, help="fresh processes per function and kind")
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--markdown", action="store_true", help="print docs/performance.md")
    parser.add_argument("--docs", action="store_true", help="save the cost inputs and rewrite the documents")
    args = parser.parse_args()
    started = datetime.now(UTC)
    where = machine()
    print(f"pijnreset bench, {started:%Y-%m-%d %H:%M} UTC, {where}", file=sys.stderr, flush=True)
    figures = {
        "cold": _part("cold_start", "--samples", str(args.samples)),
        "calls": _part("aws_calls"),
        "scoring": _part("scoring"),
        "render": _part("email_render"),
        "pdf": _part("pdf_render"),
        "load": _part("load", "--submissions", str(args.submissions), "--concurrency", str(args.concurrency)),
    }
    figures["cost"] = cost.model(figures["calls"], figures["cold"])
    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        cold_start.print_table(figures["cold"])
        print()
        aws_calls.print_table(figures["calls"])
        print()
        scoring.print_table(figures["scoring"])
        print()
        email_render.print_table(figures["render"])
        print()
        pdf_render.print_table(figures["pdf"])
        print()
        cost.print_table(figures["cost"])
        print()
        load.print_table(figures["load"])
    measured = f"Measured on {started:%Y-%m-%d} on {where}, with `make bench`:\n\n"
    measured += "```text\n" + report.getvalue().rstrip() + "\n```"
    if args.docs:
        inputs = {"measured": f"{started:%Y-%m-%d}", "calls": figures["calls"], "cold": figures["cold"]}
        cost.INPUTS.write_text(json.dumps(inputs, indent=1) + "\n", encoding="utf-8")
        performance = ROOT / "docs" / "performance.md"
        text = performance.read_text(encoding="utf-8")
        start = text.index("Measured on ")
        stop = text.index("```", text.index("```text", start) + 7) + 3
        performance.write_text(text[:start] + measured + text[stop:], encoding="utf-8")
        cost.write_documents(figures["cost"], inputs["measured"])
    if args.markdown:
        print(measured)
    else:
        print(f"pijnreset bench, {started:%Y-%m-%d %H:%M} UTC, {where}\n")
        print(report.getvalue().rstrip())


if __name__ == "__main__":
    main()
