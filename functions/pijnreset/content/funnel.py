"""The funnel report's Dutch words under ``templates/funnel/``: a label per counted step, the CSV's columns."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from pijnreset.content.loader import read_model


class FunnelWords(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    steps: dict[str, str]
    columns: dict[str, str]

    @model_validator(mode="after")
    def _every_column_named(self) -> FunnelWords:
        # Every counted step has its label: tests/unit/test_funnel_report.py (content never imports logic).
        if not {"period", "start", "end", "group"} <= set(self.columns):
            raise ValueError("columns must name period, start, end and group")
        return self


@cache
def load_funnel_words(templates_dir: Path, version: str = "report-v1") -> FunnelWords:
    return read_model(templates_dir / "funnel" / f"{version}.yaml", FunnelWords)
