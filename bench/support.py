"""What the bench scripts share: import paths and one answer set per result variant."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def setup_paths() -> None:
    for path in (str(ROOT / "functions"), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)


def sample_answers(questionnaire: Any) -> dict[str, dict[str, int | str]]:
    """One realistic answer set per variant: low, medium, high, see_gp, urgent."""
    setup_paths()
    from tests.support.answers import answers_with

    return {
        "low": answers_with(questionnaire, item_value=0),
        "medium": answers_with(questionnaire, item_value=1, domain_scores={"pain_pattern": 6, "stress": 6}),
        "high": answers_with(questionnaire, item_value=2),
        "see_gp": answers_with(questionnaire, item_value=2, safety_yes=("gp_night_pain",)),
        "urgent": answers_with(questionnaire, item_value=3, safety_yes=("red_fever_ill",)),
    }
