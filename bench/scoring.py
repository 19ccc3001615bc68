"""Validation + scoring of one submission: the pure work of POST /pijntest without any AWS call.

    python -m bench.scoring [--rounds N] [--json]
Goal: < 1 ms per submission.
"""

from __future__ import annotations

import json
import statistics
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from bench.support import part_parser, run_part, sample_answers, setup_paths


def measure(rounds: int) -> dict[str, Any]:
    setup_paths()
    from pijnreset.content.loader import default_templates_dir, load_content
    from pijnreset.logic.challenge import SolvedChallenge
    from pijnreset.logic.retention import Retention
    from pijnreset.logic.submission import check_request, plan_submission
    from pijnreset.models.requests import SubmitRequest

    content = load_content("pijntest-v1", default_templates_dir())
    retention = Retention({"pijntest": 365, "consent": 730, "email": 90, "intake": 365, "replay": 7})
    from infra.challenge import made

    spent = SolvedChallenge(challenge="0" * 64, expires_at=int(time.time()) + 1800)  # verified apart: not timed
    rows = []
    for variant, answers in sample_answers(content.questionnaire).items():
        body = json.dumps(
            {
                "submission_id": str(uuid.uuid4()),
                "answers": answers,
                "contact": {"name": "Anna de Vries", "email": "anna@example.nl"},
                "consent": {"health_data": True, "marketing": True, "version": "consent-v1"},
                "source": {"utm_source": "nieuwsbrief", "landing_path": "/pijntest"},
                "started_at": int(time.time() * 1000) - 60_000,
                "altcha": made(),
            }
        )
        validate, plan = [], []
        for _ in range(rounds):
            started = time.perf_counter()
            request = SubmitRequest.model_validate_json(body)
            problems = check_request(content, request)
            middle = time.perf_counter()
            assert not problems
            plan_submission(content, request, datetime.now(UTC), retention, spent, b"k" * 32)
            validate.append(middle - started)
            plan.append(time.perf_counter() - middle)
        v, p = statistics.median(validate) * 1000, statistics.median(plan) * 1000
        rows.append({"variant": variant, "validate_ms": v, "plan_ms": p, "total_ms": v + p})
    return {"rounds": rounds, "rows": rows}


def print_table(result: dict[str, Any]) -> None:
    print(f"Validation + scoring per submission, median of {result['rounds']} (goal: < 1 ms)")
    print(f"{'variant':10} {'validate ms':>12} {'score+plan ms':>14} {'total ms':>9}")
    for row in result["rows"]:
        print(f"{row['variant']:10} {row['validate_ms']:12.3f} {row['plan_ms']:14.3f} {row['total_ms']:9.3f}")


def main() -> None:
    parser = part_parser(__doc__)
    parser.add_argument("--rounds", type=int, default=2000)
    run_part(parser, measure, print_table)


if __name__ == "__main__":
    main()
