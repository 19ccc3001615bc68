"""The API layer's exceptions, in one place: ``ApiError`` (a JSON error: a status, a code, a Dutch message and
the fields at fault) and ``PageError`` (an HTML page of the links in emails). Raised anywhere below a route, each
becomes its response in the resolver that serves it (api/resolver.py, api/pages.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from pijnreset.content.loader import default_templates_dir, read_model
from pijnreset.logic.answers import FieldProblem


class ErrorTexts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    summary: dict[str, str]
    fields: dict[str, str]

    def field_message(self, field_path: str, error_type: str) -> str:
        specific = f"{field_path.rsplit('.', 1)[-1]}.{error_type}"
        return self.fields.get(specific) or self.fields.get(error_type) or self.fields["default"]


@cache
def error_texts(templates_dir: Path | None = None) -> ErrorTexts:
    """The Dutch error texts, from the functions' templates/ (or ``templates_dir``)."""
    return read_model((templates_dir or default_templates_dir()) / "api" / "errors.yaml", ErrorTexts)


@dataclass
class ApiError(Exception):
    """Raised anywhere below a route; the resolver turns it into a JSON error response."""

    status: int
    code: str
    problems: Sequence[FieldProblem] = ()
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        texts = error_texts()
        return {
            "error": self.code,
            "message": texts.summary.get(self.code, texts.summary["validation_failed"]),
            "fields": [
                {
                    "field": problem.field,
                    "type": problem.type,
                    "message": texts.field_message(problem.field, problem.type),
                }
                for problem in self.problems
            ],
        }

    def proxy_response(self) -> dict[str, Any]:
        """The error as a Lambda proxy response, for guards that answer before the resolver runs."""
        return {
            "statusCode": self.status,
            "headers": {"Content-Type": "application/json", **self.headers},
            "body": json.dumps(self.body(), ensure_ascii=False),
            "isBase64Encoded": False,
        }


def problems_from_pydantic(errors: Iterable[dict[str, Any]]) -> list[FieldProblem]:
    """pydantic/Powertools error dicts as field problems; ``("body", "contact", "email")`` -> ``contact.email``."""
    problems = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        if location[:1] == ["body"]:
            location = location[1:]
        problems.append(FieldProblem(".".join(location) or "body", str(error.get("type", "default"))))
    return problems


@dataclass
class PageError(Exception):
    """Raised below a page route; the page resolver answers with the page ``page_id`` and ``status``."""

    status: int
    page_id: str
