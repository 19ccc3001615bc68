"""Rendering the PDFs (the visitor's report and the GP summary) per sample variant: time and size.

    python -m bench.pdf_render [--rounds N] [--json]
Goal: < 100 ms and < 200 kB per report.
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
    from pijnreset.logic.pdf_reports import KINDS, render
    from pijnreset.logic.scoring import score

    templates = default_templates_dir()
    content = load_content("pijntest-v1", templates)
    rows = []
    for variant, answers in sample_answers(content.questionnaire).items():
        result = score(content, answers)
        for kind in KINDS:
            if kind == "result" and result.triage == "urgent":
                continue  # only the GP summary exists after an urgent result
            timings, size = [], 0
            for _ in range(rounds):
                started = time.perf_counter()
                size = len(render(kind, result, answers, content.questionnaire, datetime.now(UTC), templates))
                timings.append(time.perf_counter() - started)
            timings.sort()
            rows.append(
                {
                    "report": f"{variant}/{kind}",
                    "median_ms": statistics.median(timings) * 1000,
                    "p95_ms": timings[int(len(timings) * 0.95)] * 1000,
                    "kb": size / 1000,
                }
            )
    return {"rounds": rounds, "rows": rows}


def print_table(result: dict[str, Any]) -> None:
    print(f"PDF render: fpdf2, font subset, median of {result['rounds']} (goal: < 100 ms, < 200 kB)")
    print(f"{'report':20} {'median ms':>10} {'p95 ms':>8} {'kB':>7}")
    for row in result["rows"]:
        print(f"{row['report']:20} {row['median_ms']:10.1f} {row['p95_ms']:8.1f} {row['kb']:7.1f}")


def main() -> None:
    parser = part_parser(__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    run_part(parser, measure, print_table)


if __name__ == "__main__":
    main()
