"""The short Dutch pages behind email links (templates/pages/): rendered with autoescape on."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pydantic import BaseModel, ConfigDict, Field

from pijnreset.content.loader import ContentError, read_model
from pijnreset.content.wording import forbidden_phrases_in


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    paragraphs: list[str] = Field(min_length=1)
    button: str | None = None


class PageCatalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    pages: dict[str, Page]


class Pages:
    def __init__(self, templates_dir: Path, brand: str, disclaimer: str) -> None:
        directory = templates_dir / "pages"
        self.catalog = read_model(directory / "pages.yaml", PageCatalog)
        found = forbidden_phrases_in(p for page in self.catalog.pages.values() for p in [page.title, *page.paragraphs])
        if found:
            raise ContentError(f"{directory}: forbidden wording {found}")
        environment = Environment(
            loader=FileSystemLoader(directory), autoescape=select_autoescape(default=True), undefined=StrictUndefined
        )
        self._template = environment.get_template("page.html.j2")
        self.brand = brand
        self.disclaimer = disclaimer

    def render(self, page_id: str, action: str | None = None) -> str:
        """``action``: where the page's button posts (the same link), for pages that have a button."""
        page = self.catalog.pages[page_id]
        return self._template.render(page=page, action=action, brand=self.brand, disclaimer=self.disclaimer)


@cache
def pages(templates_dir: Path, brand: str, disclaimer: str) -> Pages:
    return Pages(templates_dir, brand, disclaimer)
