"""The embeddable form's files keep the rules pijntest.js promises (its wording is checked with every template)."""

from __future__ import annotations

import re

from pijnreset.content.loader import default_templates_dir

from tests.support.scripts import code_of, forbidden_in

FORM = default_templates_dir() / "form"


def test_the_form_never_parses_text_as_html_nor_keeps_anything_in_the_browser():
    script = FORM.joinpath("pijntest.js").read_text(encoding="utf-8")
    assert forbidden_in(script) == []
    code = code_of(script)
    # Reading the address (#intake) is fine; writing to it is not.
    assert not re.search(r"location(\.\w+)?\s*=(?!=)|location\.(assign|replace)\(", code)


def test_the_demo_page_loads_only_its_own_files():
    page = FORM.joinpath("voorbeeldpagina.html").read_text(encoding="utf-8")
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources, "the page has its script and styles"
    assert all(source.startswith("/pijntest/") or source.startswith("data:") for source in sources), sources
