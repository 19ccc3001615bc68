"""The email templates under ``templates/email/``: a catalogue of kinds and their Jinja2 templates.

Loading compiles every template (a broken one fails at cold start, not at the first send) and checks the
wording. HTML is rendered with autoescape on and its <style> block inlined for email clients; the plain-text
part is rendered from its own template, never derived from the HTML.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from pydantic import BaseModel, ConfigDict, Field

from pijnreset.content.loader import ContentError, read_model
from pijnreset.content.wording import forbidden_phrases_in
from pijnreset.models.characters import without_bidi_controls

TEXT_WIDTH = 72


class EmailKind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    template: str
    category: Literal["transactional", "marketing"]
    subjects: dict[str, str] = Field(min_length=1)
    preheaders: dict[str, str] = Field(min_length=1)


class EmailCatalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    from_name_default: str = Field(min_length=1)
    kinds: dict[str, EmailKind]


@dataclass(frozen=True)
class RenderedEmail:
    kind: str
    variant: str
    subject: str
    html: str
    text: str
    category: str
    version: str


class EmailTemplates:
    def __init__(self, templates_dir: Path) -> None:
        self.directory = templates_dir / "email"
        self.catalog = read_model(self.directory / "emails.yaml", EmailCatalog)
        self._environment = Environment(
            loader=FileSystemLoader(self.directory),
            # HTML escapes every value; the plain-text part must not (it would show "&amp;").
            autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=True, default=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # Every value printed, visitor text included, loses its bidi controls: the request models refuse
            # them, this covers what was stored before they did.
            finalize=_shown,
        )
        self._environment.filters["wrap"] = lambda text: textwrap.fill(str(text), TEXT_WIDTH)
        self._environment.filters["bullet"] = lambda text: textwrap.fill(
            str(text), TEXT_WIDTH, initial_indent="- ", subsequent_indent="  "
        )
        self._environment.filters["lines_html"] = _lines_html
        self._environment.filters["quote"] = _quote
        self._environment.filters["mailto"] = mailto_url
        self._inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)
        self._check()

    def _check(self) -> None:
        sources = []
        for path in sorted(self.directory.rglob("*.j2")):
            name = path.relative_to(self.directory).as_posix()
            self._environment.get_template(name)  # compiles: a syntax error fails here
            sources.append(path.read_text(encoding="utf-8"))
        for kind, spec in self.catalog.kinds.items():
            for suffix in ("html.j2", "txt.j2"):
                if not (self.directory / f"{spec.template}.{suffix}").is_file():
                    raise ContentError(f"email kind {kind!r} has no {spec.template}.{suffix}")
            sources += [*spec.subjects.values(), *spec.preheaders.values()]
        found = forbidden_phrases_in(sources)
        if found:
            raise ContentError(f"{self.directory}: forbidden wording {found}")

    def category(self, kind: str) -> str:
        return self.catalog.kinds[kind].category

    def render(self, kind: str, variant: str, context: dict[str, Any]) -> RenderedEmail:
        spec = self.catalog.kinds[kind]
        subject = spec.subjects[variant]
        full = {**context, "subject": subject, "preheader": spec.preheaders[variant]}
        html = self._environment.get_template(f"{spec.template}.html.j2").render(full)
        text = self._environment.get_template(f"{spec.template}.txt.j2").render(full)
        return RenderedEmail(
            kind=kind,
            variant=variant,
            subject=subject,
            html=self._inliner.inline(html),
            text=_tidy(text),
            category=spec.category,
            version=self.catalog.version,
        )


def _shown(value: Any) -> Any:
    """A value as printed; str.translate on Markup gives Markup, so what a filter marked safe stays so."""
    return without_bidi_controls(value) if isinstance(value, str) else value


def mailto_url(email: str) -> str:
    """A ``mailto:`` URL for one address (RFC 6068): the local part percent-encoded, so that "?", "&", "%" or
    "#", which an address may hold, cannot add recipients or headers (``?cc=...``) to the coach's reply."""
    local, _, domain = str(email).rpartition("@")
    return f"mailto:{quote(local, safe='')}@{quote(domain, safe='.')}"


def _lines_html(text: str) -> Markup:
    """Visitor text for HTML: every line escaped, the line breaks kept as <br>."""
    return Markup("<br>\n").join(escape(line) for line in str(text).split("\n"))


def _quote(text: str) -> str:
    """Visitor text for the plain-text part: each line wrapped and marked "> ", so it reads as quoted."""
    return "\n".join(
        textwrap.fill(line, TEXT_WIDTH, initial_indent="> ", subsequent_indent="> ") if line.strip() else ">"
        for line in str(text).split("\n")
    )


def _tidy(text: str) -> str:
    """Trailing spaces off every line and no more than two blank lines in a row."""
    tidy = re.sub(r"\n{4,}", "\n\n\n", "\n".join(line.rstrip() for line in text.splitlines()))
    return tidy.strip() + "\n"


@cache
def email_templates(templates_dir: Path) -> EmailTemplates:
    return EmailTemplates(templates_dir)
