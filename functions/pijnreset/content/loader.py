"""Reads the content files under ``templates/`` once per process and validates them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel

from pijnreset.content.models import ConsentSet, Disclaimer, Questionnaire

# libyaml's loader when the wheel carries it: several times faster at cold start.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Model = TypeVar("Model", bound=BaseModel)


class ContentError(RuntimeError):
    """A content file is missing or breaks a rule; the message names the file."""


@dataclass(frozen=True)
class Content:
    """Everything a Pijntest needs: the questionnaire with the consent texts and disclaimer it names."""

    questionnaire: Questionnaire
    consents: ConsentSet
    disclaimer: Disclaimer

    def consent_text_sha256(self, purpose: str) -> str:
        consent = self.consents.by_purpose(purpose)
        if consent is None:
            raise KeyError(purpose)
        return hashlib.sha256(consent.text.encode("utf-8")).hexdigest()


def default_templates_dir() -> Path:
    """``templates/`` beside the package in a Lambda bundle, or at the repository root in a checkout."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package.parent / "templates", package.parents[1] / "templates"):
        if candidate.is_dir():
            return candidate
    raise ContentError(f"no templates/ directory next to {package}")


def load_content(questionnaire_version: str, templates_dir: Path | None = None) -> Content:
    """The questionnaire and what it names, from ``templates_dir`` (the functions' own templates/ by default)."""
    return _load_content(questionnaire_version, templates_dir or default_templates_dir())


@cache
def _load_content(questionnaire_version: str, templates_dir: Path) -> Content:
    questionnaire = _load(templates_dir / "pijntest" / f"{questionnaire_version}.yaml", Questionnaire)
    consents = _load(templates_dir / "consent" / f"{questionnaire.consent}.yaml", ConsentSet)
    disclaimer = _load(templates_dir / "disclaimer" / f"{questionnaire.disclaimer}.yaml", Disclaimer)
    return Content(questionnaire=questionnaire, consents=consents, disclaimer=disclaimer)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` with libyaml's safe loader where the wheel carries it."""
    return yaml.load(text, Loader=_YamlLoader)  # noqa: S506 - a safe loader


def read_model(path: Path, model: type[Model]) -> Model:
    """One content file as its model: a file that is missing, is not YAML or breaks the model is a
    ContentError naming the file, so a broken deploy says which file at cold start."""
    try:
        return model.model_validate(load_yaml(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValueError) as error:
        raise ContentError(f"{path}: {error}") from error


def _load(path: Path, model: type[Model]) -> Model:
    loaded = read_model(path, model)
    version = getattr(loaded, "version", None)
    if version != path.stem:
        raise ContentError(f"{path}: the file name must equal its version ({version!r})")
    return loaded
