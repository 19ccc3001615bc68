"""Validation + scoring of one submission: the pure work of POST /pijntest without any AWS call.

    python -m bench.scoring [--rounds N]
Goal: < 1 ms per submission.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import uuid
from datetime import UTC, datetime

from bench.support import sample_answers, setup_paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    setup_paths()
    from pijnreset.content.loader import default_templates_dir, load_content
    from pijnreset.logic.retention import Retention
    from pijnreset.logic.submission import check_request, plan_submission
    from pijnreset.models.requests import SubmitRequest

    content = load_content("pijntest-v1", default_templates_dir())
    retention = Retention({"pijntest": 365, "consent": 730, "email": 90, "intake": 365, "replay": 7})
    print(f"Validation + scoring per submission, median of {args.rounds} (goal: < 1 ms)")
    print(f"{'variant':10} {'validate ms':>12} {'score+plan ms':>14} {'total ms':>9}")
    for variant, answers in sample_answers(content.questionnaire).items():
        body = json.dumps(
            {
                "submission_id": str(uuid.uuid4()),
                "answers": answers,
                "contact": {"name": "Anna de Vries", "email": "anna@example.nl"},
                "consent": {"health_data": True, "marketing": True, "version": "consent-v1"},
                "source": {"utm_source": "nieuwsbrief", "landing_path": "/pijntest"},
            }
        )
        validate, plan = [], []
        for _ in range(args.rounds):
            started = time.perf_counter()
            request = SubmitRequest.model_validate_json(body)
            problems = check_request(content, request)
            middle = time.perf_counter()
            assert not problems
            plan_submission(content, request, datetime.now(UTC), retention)
            validate.append(middle - started)
            plan.append(time.perf_counter() - middle)
        v, p = statistics.median(validate) * 1000, statistics.median(plan) * 1000
        print(f"{variant:10} {v:12.3f} {p:14.3f} {v + p:9.3f}")


if __name__ == "__main__":
    main()
