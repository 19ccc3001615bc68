"""`make test` installs Debian's Chromium when it is missing and it can, else stops with the command to run.

The decisions are checked without uninstalling anything: ``plan`` is pure, and the command line looks at the
path ``CHROMIUM`` names, with --dry-run printing what it would run.
"""

from __future__ import annotations

import os
import subprocess
import sys

from infra.chromium import DEFAULT_CHROMIUM, Install, InstallByHand, Present, plan
from infra.template import ROOT

MISSING = DEFAULT_CHROMIUM.with_name("no-such-chromium")


def test_a_present_browser_is_left_alone(tmp_path):
    browser = tmp_path / "chromium"
    browser.touch()
    assert plan(browser, is_root=False, apt_get=None) == Present(browser)


def test_root_with_apt_installs_chromium_and_its_fonts_after_an_update():
    decision = plan(MISSING, is_root=True, apt_get="/usr/bin/apt-get")
    assert isinstance(decision, Install)
    update, install = decision.commands
    assert update == ("apt-get", "update", "-qq")
    assert install[:3] == ("apt-get", "install", "-y")
    assert install[-4:] == ("chromium", "fonts-liberation", "fonts-dejavu-core", "poppler-utils")


def test_a_present_browser_without_pdftoppm_installs_both(tmp_path):
    browser = tmp_path / "chromium"
    browser.touch()
    assert isinstance(plan(browser, is_root=True, apt_get="/usr/bin/apt-get", pdftoppm=None), Install)


def test_without_root_it_names_the_one_command_to_run():
    decision = plan(MISSING, is_root=False, apt_get="/usr/bin/apt-get")
    assert decision == InstallByHand(
        "sudo sh -c 'apt-get update && apt-get install -y chromium fonts-liberation fonts-dejavu-core poppler-utils'"
    )


def test_without_apt_it_says_where_the_browser_must_be():
    decision = plan(MISSING, is_root=True, apt_get=None)
    assert isinstance(decision, InstallByHand)
    assert str(DEFAULT_CHROMIUM) in decision.command


def _run(*args, chromium):
    return subprocess.run(
        [sys.executable, "-m", "infra.chromium", *args],
        cwd=ROOT,
        env={**os.environ, "CHROMIUM": str(chromium)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_command_line_does_nothing_when_the_browser_is_there(tmp_path):
    browser = tmp_path / "chromium"
    browser.touch()
    result = _run("--dry-run", chromium=browser)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_command_line_installs_or_stops_as_this_machine_allows(tmp_path):
    result = _run("--dry-run", chromium=tmp_path / "missing")
    can_install = os.geteuid() == 0 and os.path.exists("/usr/bin/apt-get")
    if can_install:
        assert result.returncode == 0, result.stderr
        assert result.stderr.splitlines() == [
            "+ apt-get update -qq",
            "+ apt-get install -y -qq --no-install-recommends "
            "chromium fonts-liberation fonts-dejavu-core poppler-utils",
        ]
    else:
        assert result.returncode == 1
        assert "missing. Run:" in result.stderr


def test_make_test_sees_to_the_browser_before_the_tests():
    makefile = (ROOT / "Makefile").read_text()
    test_rule = next(line for line in makefile.splitlines() if line.startswith("test:"))
    assert "chromium" in test_rule.split()
    assert "chromium" not in (ROOT / ".ci/run").read_text().replace("make test", "")
