"""Rendering one result email (HTML with CSS inlined, plain text, MIME), per variant.

    python -m bench.email_render [--rounds N] [--json]
Goal: < 5 ms per email.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime
from typing import Any

from bench.support import part_parser, run_part, sample_answers, setup_paths


def measure(rounds: int) -> dict[str, Any]:
    setup_paths()
    from pijnreset.content.emails import email_templates
    from pijnreset.content.loader import default_templates_dir, load_content
    from pijnreset.logic.email.mime import address, build_message
    from pijnreset.logic.scoring import score

    content = load_content("pijntest-v1", default_templates_dir())
    templates = email_templates(default_templates_dir())
    rows = []
    for variant, answers in sample_answers(content.questionnaire).items():
        result = score(content, answers).model_dump(mode="json")
        context = {
            "name": "Anna de Vries",
            "result": result,
            "disclaimer": content.disclaimer.model_dump(),
            "brand": "Pijn Reset Methode",
            "intake_url": "https://www.pijnresetcoach.nl/pijntest#intake",
            "report_url": "https://api.pijnresetcoach.nl/pijntest/rapport?token=t",
            "gp_summary_url": "https://api.pijnresetcoach.nl/pijntest/huisarts?token=t",
        }
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            rendered = templates.render("result", result["triage"], context)
            build_message(
                sender=address("pijntest@pijnresetcoach.nl", "Pijn Reset Methode"),
                recipient=address("anna@example.nl", "Anna de Vries"),
                reply_to=address("coach@pijnresetcoach.nl"),
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                sent_at=datetime.now(UTC),
            )
            timings.append(time.perf_counter() - started)
        timings.sort()
        rows.append(
            {
                "variant": variant,
                "median_ms": statistics.median(timings) * 1000,
                "p95_ms": timings[int(len(timings) * 0.95)] * 1000,
            }
        )
    return {"rounds": rounds, "rows": rows}


def print_table(result: dict[str, Any]) -> None:
    print(f"Email render: HTML + CSS inlining + text + MIME, median of {result['rounds']} (goal: < 5 ms)")
    print(f"{'variant':10} {'median ms':>10} {'p95 ms':>8}")
    for row in result["rows"]:
        print(f"{row['variant']:10} {row['median_ms']:10.2f} {row['p95_ms']:8.2f}")


def main() -> None:
    parser = part_parser(__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    run_part(parser, measure, print_table)


if __name__ == "__main__":
    main()
