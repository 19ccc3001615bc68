"""Rendering the PDFs (the visitor's report and the GP summary) per sample variant: time and size.

    python -m bench.pdf_render [--rounds N] [--json]
Goal: < 100 ms and < 200 kB per report. Side by side: a warm function (the fonts parsed once per process, as
ReportFunction renders) and every call parsing the fonts again (a cold start's first report pays that).
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime
from typing import Any

from bench.support import part_parser, run_part, sample_answers, setup_paths


def measure(rounds: int) -> dict[str, Any]:
    setup_paths()
    from pijnreset.content.loader import default_templates_dir, load_content
    from pijnreset.logic.pdf_reports import KINDS, parsed_fonts_forgotten, render
    from pijnreset.logic.scoring import score

    templates = default_templates_dir()
    content = load_content("pijntest-v1", templates)
    rows = []
    for variant, answers in sample_answers(content.questionnaire).items():
        result = score(content, answers)
        for kind in KINDS:
            if kind == "result" and result.triage == "urgent":
                continue  # only the GP summary exists after an urgent result
            timings: dict[bool, list[float]] = {True: [], False: []}
            cpu: list[float] = []  # the warm calls' CPU time: what a busy machine's wall clock inflates
            size = 0
            for _ in range(rounds):
                for warm in (True, False):
                    if not warm:
                        parsed_fonts_forgotten()
                    started, started_cpu = time.perf_counter(), time.process_time()
                    size = len(render(kind, result, answers, content.questionnaire, datetime.now(UTC), templates))
                    timings[warm].append(time.perf_counter() - started)
                    if warm:
                        cpu.append(time.process_time() - started_cpu)
            warm_timings = sorted(timings[True])
            rows.append(
                {
                    "report": f"{variant}/{kind}",
                    "median_ms": statistics.median(warm_timings) * 1000,
                    "p95_ms": warm_timings[int(len(warm_timings) * 0.95)] * 1000,
                    "cpu_median_ms": statistics.median(cpu) * 1000,
                    "parsing_median_ms": statistics.median(timings[False]) * 1000,
                    "kb": size / 1000,
                }
            )
    return {"rounds": rounds, "rows": rows}


def print_table(result: dict[str, Any]) -> None:
    print(f"PDF render: fpdf2, font subset, median of {result['rounds']} (goal: < 100 ms, < 200 kB)")
    print("warm: fonts parsed once per process (ReportFunction); parsing: every call parses them again")
    header = f"{'report':20} {'warm median ms':>15} {'warm p95 ms':>12} {'warm cpu ms':>12} {'parsing median ms':>18}"
    print(f"{header} {'kB':>7}")
    for row in result["rows"]:
        print(
            f"{row['report']:20} {row['median_ms']:15.1f} {row['p95_ms']:12.1f} {row['cpu_median_ms']:12.1f}"
            f" {row['parsing_median_ms']:18.1f} {row['kb']:7.1f}"
        )


def main() -> None:
    parser = part_parser(__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    run_part(parser, measure, print_table)


if __name__ == "__main__":
    main()
