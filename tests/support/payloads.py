"""Valid request bodies, for tests to break one field at a time."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from tests.support.answers import answers_with


def submission(questionnaire: Any, **answer_options: Any) -> dict[str, Any]:
    return {
        "submission_id": str(uuid.uuid4()),
        "answers": answers_with(questionnaire, **answer_options),
        "contact": {"name": "Anna de Vries", "email": "Anna.de.Vries@Example.nl"},
        "consent": {"health_data": True, "marketing": False, "version": "consent-v1"},
        "source": {"utm_source": "nieuwsbrief", "utm_medium": "email", "landing_path": "/pijntest"},
    }


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
