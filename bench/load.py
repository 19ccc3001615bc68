"""A load run on the local stack: 1,000 Pijntest submissions from 20 concurrent clients, then exact counts.

Starts `python -m infra.local` as the tests do (its own free port), sends every submission once from 20
threads (one HTTP session each) and sends every tenth again with the same submission_id and payload, as
a form retrying would. Waits until the email pipeline is quiet, then counts from the stack's own AWS:
leads, submissions, email jobs and their status, and the emails SES accepted, each of which must equal
the number of distinct submissions: none lost, none doubled. Latency is client-side, per request.

The local stack runs one invocation of a function at a time (like one Lambda execution environment), so
concurrent requests queue there; AWS would start more environments. The stack's SES rate is raised
(SesMaxSendRate) so that the sender's pacing, meant for the real SES quota, does not set the pace here.

    python -m bench.load [--submissions N] [--concurrency N] [--json]
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.support import part_parser, run_part, setup_paths


def measure(submissions: int, concurrency: int) -> dict[str, Any]:
    setup_paths()
    import requests

    from infra.in_process import use_template_environment
    from infra.local.process import local_stack
    from infra.local.stored import emails_sent, items, sent_count, settle
    from infra.samples import changed, submission

    use_template_environment()  # the credentials for reading moto, and the settings the functions read

    # The whole run comes from 127.0.0.1, one client to the caps; and its 1,000 addresses are one per request.
    with local_stack("--param", "SesMaxSendRate=1000", "--param", "ClientRequestsPerHour=100000") as stack:
        questionnaire = requests.get(f"{stack.url}/pijntest", timeout=30).json()
        from pijnreset.content.loader import load_content
        from pijnreset.settings import SubmitSettings

        content = load_content(SubmitSettings.from_env().questionnaire_version)
        assert questionnaire["version"] == content.questionnaire.version
        bodies = [
            changed(submission(content.questionnaire, item_value=n % 4), "contact.email", f"load-{n}@example.nl")
            for n in range(submissions)
        ]
        from infra.challenge import over_http

        for body in bodies:
            body["altcha"] = over_http(stack.url)
        plan = [*bodies, *bodies[::10]]  # every tenth again: a retry with the same id and payload
        sessions = threading.local()
        latencies: list[float] = []
        statuses: Counter[int] = Counter()
        lock = threading.Lock()

        def send(body: dict[str, Any]) -> None:
            if not hasattr(sessions, "http"):
                sessions.http = requests.Session()
            began = time.perf_counter()
            answer = sessions.http.post(f"{stack.url}/pijntest", json=body, timeout=120)
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                statuses[answer.status_code] += 1

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(send, plan))
        sending = time.perf_counter() - started

        sent = settle(lambda: sent_count(stack.url), lambda count: count >= submissions, timeout=600, quiet=5)
        drained = time.perf_counter() - started
        stored = [item for item in items(stack.moto_endpoint) if str(item.get("email", "")).startswith("load-")]
        all_items = items(stack.moto_endpoint)
        recipients = Counter(to for to, _ in emails_sent(stack.url))
        jobs = [item for item in all_items if item.get("entity") == "email_job"]
        latencies.sort()
        return {
            "submissions": submissions,
            "requests": len(plan),
            "concurrency": concurrency,
            "statuses": {str(code): count for code, count in sorted(statuses.items())},
            "leads": len([item for item in stored if item.get("entity") == "lead"]),
            "submission_items": len([item for item in all_items if item.get("entity") == "submission"]),
            "email_jobs": len(jobs),
            "jobs_sent": len([job for job in jobs if job.get("status") == "sent"]),
            "emails_sent": sent,
            "recipients_twice": len([to for to, count in recipients.items() if count > 1]),
            "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
            "throughput_rps": len(plan) / sending,
            "seconds_until_all_sent": drained,
        }


def print_table(result: dict[str, Any]) -> None:
    n = result["submissions"]
    ok = (
        result["leads"] == result["submission_items"] == result["email_jobs"] == result["jobs_sent"] == n
        and result["emails_sent"] == n
        and result["recipients_twice"] == 0
        and result["statuses"] == {"200": result["requests"] - n, "201": n}
    )
    print(
        f"Load run on the local stack: {n:,} submissions (+{result['requests'] - n} retries with the same id) "
        f"from {result['concurrency']} concurrent clients"
    )
    print(
        f"  answers {result['statuses']}; leads {result['leads']}, submissions {result['submission_items']}, "
        f"email jobs {result['email_jobs']} ({result['jobs_sent']} sent), emails sent {result['emails_sent']}, "
        f"addresses emailed twice {result['recipients_twice']} -> {'none lost or doubled' if ok else 'MISMATCH'}"
    )
    print(
        f"  latency p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms; "
        f"{result['throughput_rps']:.0f} req/s; all emails sent "
        f"{result['seconds_until_all_sent']:.0f} s after the first request"
    )


def main() -> None:
    parser = part_parser(__doc__)
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    run_part(parser, measure, print_table)


if __name__ == "__main__":
    main()
