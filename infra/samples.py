"""Sample answers and valid request bodies, for the tests and the bench alike.

Answer sets name intent rather than question ids; the bodies are valid, for a test to break one field at a
time (``changed``).
"""

from __future__ import annotations

import copy
import time
import uuid
from typing import Any

from pijnreset.content.models import Questionnaire

from infra.challenge import made

# A form opened a minute ago: long enough for the too-fast screen, well inside started_at's window.
OPENED_AGO_MS = 60_000

CALM_CONTEXT: dict[str, int | str] = {
    "age_band": "35_50",
    "pain_duration": "over_3_months",
    "assessed": "yes",
    "pain_last_week": 5,
}


def answers_with(
    questionnaire: Questionnaire,
    *,
    domain_scores: dict[str, int] | None = None,
    item_value: int = 0,
    safety_yes: tuple[str, ...] = (),
    context: dict[str, int | str] | None = None,
) -> dict[str, int | str]:
    """Every safety question "no" (except ``safety_yes``), a calm context, every item ``item_value``,
    then each domain in ``domain_scores`` filled to exactly that score (items raised one by one)."""
    answers: dict[str, int | str] = {question.id: "no" for question in questionnaire.safety.questions}
    answers.update(dict.fromkeys(safety_yes, "yes"))
    answers.update(CALM_CONTEXT)
    answers.update(context or {})
    for item in questionnaire.scored.items:
        answers[item.id] = item_value
    for domain_id, target in (domain_scores or {}).items():
        items = [item for item in questionnaire.scored.items if item.domain == domain_id]
        if not 0 <= target <= len(items) * 3:
            raise ValueError(f"{domain_id} cannot score {target}")
        for item in items:
            answers[item.id] = 0
        remaining = target
        for item in items:
            answers[item.id] = min(3, remaining)
            remaining -= min(3, remaining)
    return answers


def total_of(questionnaire: Questionnaire, total: int, gate_score: int) -> dict[str, int]:
    """Domain scores that add up to ``total`` with the pain-pattern (gate) domain at ``gate_score``."""
    scores = {questionnaire.scoring.gate.domain: gate_score}
    remaining = total - gate_score
    for domain in questionnaire.scored.domains:
        if domain.id in scores:
            continue
        take = min(questionnaire.domain_max(domain.id), max(0, remaining))
        scores[domain.id] = take
        remaining -= take
    if remaining != 0:
        raise ValueError(f"total {total} cannot be reached with the gate domain at {gate_score}")
    return scores


def started_a_minute_ago() -> int:
    return int(time.time() * 1000) - OPENED_AGO_MS


def form_fields() -> dict[str, Any]:
    """What every form sends besides its own fields: when it was opened and a fresh solved challenge."""
    return {"started_at": started_a_minute_ago(), "altcha": made()}


def submission(questionnaire: Any, **answer_options: Any) -> dict[str, Any]:
    return {
        "submission_id": str(uuid.uuid4()),
        "answers": answers_with(questionnaire, **answer_options),
        "contact": {"name": "Anna de Vries", "email": "Anna.de.Vries@Example.nl"},
        "consent": {"health_data": True, "marketing": False, "version": "consent-v1"},
        "source": {"utm_source": "nieuwsbrief", "utm_medium": "email", "landing_path": "/pijntest"},
        **form_fields(),
    }


def intake_request(**contact: Any) -> dict[str, Any]:
    return {
        "request_id": str(uuid.uuid4()),
        "contact": {"name": "Anna de Vries", "email": "Anna.de.Vries@Example.nl", "phone": "06 12345678", **contact},
        "preferred_contact": "phone",
        "preferred_moments": ["weekday_evening", "saturday"],
        "message": "Ik heb al twee jaar rugpijn.\nBellen kan na 18:00.",
        "consent": {"contact": True, "version": "consent-v1"},
        **form_fields(),
    }


def for_stack(body: dict[str, Any], api_url: str) -> dict[str, Any]:
    """``body`` as a running stack takes it: opened a minute ago, with a challenge that stack issued and solved."""
    from infra.challenge import over_http

    return {**copy.deepcopy(body), "started_at": started_a_minute_ago(), "altcha": over_http(api_url)}


def erasure_request(email: str) -> dict[str, Any]:
    return {"email": email, "altcha": made()}


def fresh(body: dict[str, Any], id_field: str = "submission_id") -> dict[str, Any]:
    """``body`` as a new request of its own: a new id and a new solved challenge (each solution counts once)."""
    return {**copy.deepcopy(body), id_field: str(uuid.uuid4()), "altcha": made()}


def resolved(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with a new solved challenge only: a retry that had to solve a fresh one."""
    return {**copy.deepcopy(body), "altcha": made()}


def changed(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``body`` with the dotted ``path`` set to ``value`` (or removed when value is ...)."""
    result = copy.deepcopy(body)
    *parents, last = path.split(".")
    target = result
    for part in parents:
        target = target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return result
