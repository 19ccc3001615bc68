"""docs/deploy.md stays true to the template: it explains every parameter `sam deploy --guided` asks for."""

from __future__ import annotations

import re

from bench.cost import alarm_metrics
from infra.template import ROOT, load_template, resources_of_type

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


def test_the_cost_section_counts_the_alarms_the_template_has():
    template = load_template()
    alarms = sum(1 for _ in resources_of_type(template, "AWS::CloudWatch::Alarm"))
    section = _section("## 8. What it costs per 10,000 tests")
    assert f"{alarms} alarms reading {alarm_metrics(template)} metrics" in section


def test_the_cost_figures_of_the_guide_and_the_readme_are_the_bench_s():
    """Generated from the last measurement (bench/cost_inputs.json) and today's template: a changed alarm, price
    or default shows here until `python -m bench.cost --docs` writes the figures again."""
    from bench import cost

    inputs = cost.saved_inputs()
    blocks = cost.markdown(cost.model(inputs["calls"], inputs["cold"]), inputs["measured"])
    for name, block in blocks.items():
        assert cost.generated_block(name) == block, f"{name}: run python -m bench.cost --docs"
