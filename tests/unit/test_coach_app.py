"""The dashboard's files (templates/coach/): the shell names the script and stylesheet by their content's hash,
and the script keeps the rules it promises (no HTML parsing, nothing kept in the browser, no other origin)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pijnreset.content.coach_app import coach_app, hashed_name
from pijnreset.content.loader import ContentError, default_templates_dir

from tests.support.scripts import code_of, forbidden_in

COACH = default_templates_dir() / "coach"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "templates"
    shutil.copytree(COACH, target / "coach")
    return target


def test_the_shell_names_each_file_by_the_hash_of_its_content(tmp_path):
    templates = _copy(tmp_path)
    before = coach_app(templates)
    names = sorted(before.assets)
    assert [re.fullmatch(r"coach\.[0-9a-f]{16}\.(css|js)", name) is not None for name in names] == [True, True]
    for name in names:
        assert f'"/coach/assets/{name}"' in before.shell
    script = templates / "coach" / "coach.js"
    script.write_text(script.read_text(encoding="utf-8") + "\n// changed\n", encoding="utf-8")
    coach_app.cache_clear()
    after = coach_app(templates)
    assert sorted(after.assets) != names, "a changed script gets a new name, so no browser keeps the old one"
    assert after.asset(next(name for name in names if name.endswith(".css"))) is not None
    assert hashed_name("coach.js", "a") != hashed_name("coach.js", "b")


def test_forbidden_wording_or_a_missing_file_fails_at_load(tmp_path):
    templates = _copy(tmp_path)
    (templates / "coach" / "coach.css").write_text("/* pijnvrij */", encoding="utf-8")
    with pytest.raises(ContentError, match="forbidden wording"):
        coach_app(templates)
    (templates / "coach" / "coach.css").unlink()
    with pytest.raises(ContentError, match="missing"):
        coach_app(templates)


def test_the_script_never_parses_html_keeps_nothing_in_the_browser_and_calls_only_its_own_origin():
    script = (COACH / "coach.js").read_text(encoding="utf-8")
    assert forbidden_in(script) == []
    code = code_of(script)
    # Every call goes to /coach/... on the page's own origin; the one address in the code is SVG's namespace.
    assert re.findall(r"[\"'](?:\w+:)?//[^\"']*", script) == ['"http://www.w3.org/2000/svg']
    assert re.findall(r"\bfetch\(", code) == ["fetch("]


def test_the_shell_has_no_inline_script_or_style():
    shell = coach_app(default_templates_dir()).shell
    assert not re.search(r"<script(?![^>]*\bsrc=)", shell)
    assert "<style" not in shell
    assert " style=" not in shell
    assert '<html lang="nl">' in shell
