"""docs/deploy.md stays true to the template: it explains every parameter `sam deploy --guided` asks for."""

from __future__ import annotations

import re

from infra.template import ROOT, load_template

GUIDE = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    start = GUIDE.index(f"\n{heading}\n")
    following = re.search(r"^#{1,3} ", GUIDE[start + len(heading) + 2 :], re.M)
    return GUIDE[start : start + len(heading) + 2 + following.start()] if following else GUIDE[start:]


def test_the_guide_explains_every_template_parameter():
    documented = re.findall(r"^\| `(\w+)` \|", _section("### The template's parameters"), re.M)
    assert sorted(documented) == sorted(load_template()["Parameters"])


def test_the_readme_points_to_the_guide():
    assert "(docs/deploy.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
