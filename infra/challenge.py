"""The one way every test (and the bench) obtains and solves a proof-of-work challenge: altcha's own solver, in Python.

``fetched`` asks an API for a challenge (GET /challenge, in-process or over HTTP); ``made`` makes one as
that route would with the tests' token key, for request bodies built before any API exists. Both read the
difficulty and expiry from template.yaml, like everything else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from altcha.v1 import Payload, solve_challenge
from pijnreset.logic.challenge import issue

from infra.in_process import TOKEN_KEY as TEST_TOKEN_KEY
from infra.template import Resolver, load_template


def template_challenge_settings() -> tuple[int, int]:
    """(maxnumber, expiry seconds) as template.yaml's parameters give them."""
    resolver = Resolver(load_template())
    return int(resolver.parameter("ChallengeMaxNumber")), int(resolver.parameter("ChallengeExpirySeconds"))


def solve(challenge: Mapping[str, Any]) -> str:
    """The ``altcha`` field for ``challenge``: its solution as the ALTCHA widget sends it (base64 JSON)."""
    solution = solve_challenge(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], int(challenge["maxnumber"])
    )
    if solution is None:
        raise ValueError("the challenge has no solution up to its maxnumber")
    return Payload(
        challenge["algorithm"], challenge["challenge"], solution.number, challenge["salt"], challenge["signature"]
    ).to_base64()


def fetched(get_json: Callable[[str], Any]) -> str:
    """A solution to a challenge the API issued: ``get_json(path)`` GETs the path and returns its JSON."""
    return solve(get_json("/challenge"))


def made(now: datetime | None = None, key: str = TEST_TOKEN_KEY, max_number: int | None = None) -> str:
    """A solution to a challenge made with the tests' token key (the one seeded for the in-process stack)."""
    template_max, expiry = template_challenge_settings()
    return solve(issue(key.encode(), now or datetime.now(UTC), max_number or template_max, expiry))


def over_http(api_url: str) -> str:
    """A solution to a challenge a running stack issued, asked for over HTTP (its token key is its own)."""
    import requests

    def get_json(path: str) -> Any:
        response = requests.get(f"{api_url}{path}", timeout=10)
        response.raise_for_status()
        return response.json()

    return fetched(get_json)
