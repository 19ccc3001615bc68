"""Debian's Chromium for the browser tests: `make test` installs it when it is missing and it can.

Playwright cannot download a browser here, so the tests drive the machine's own. Installing needs root and
apt-get; without them this stops `make test` with the one command to run. Standard library only: it runs
before the project's venv matters. ``CHROMIUM`` in the environment names another path to check, so that
the tests can see the decisions (with --dry-run) on a machine that has Chromium.

    python -m infra.chromium            # install when missing, else nothing
    python -m infra.chromium --dry-run  # print what it would run
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
# The fonts make the screenshots and the email renderings look as a visitor's browser shows them; poppler-utils'
# pdftoppm makes the screenshots of the PDFs a browser test downloads.
PACKAGES = ("chromium", "fonts-liberation", "fonts-dejavu-core", "poppler-utils")
APT_ENVIRONMENT = {"DEBIAN_FRONTEND": "noninteractive"}


def chromium_path(environ: Mapping[str, str] = os.environ) -> Path:
    return Path(environ.get("CHROMIUM") or DEFAULT_CHROMIUM)


@dataclass(frozen=True)
class Present:
    path: Path


@dataclass(frozen=True)
class Install:
    commands: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class InstallByHand:
    command: str


def plan(
    chromium: Path, *, is_root: bool, apt_get: str | None, pdftoppm: str | None = "pdftoppm"
) -> Present | Install | InstallByHand:
    """What `make test` does about the browser (and pdftoppm, ``None`` when missing): nothing, install them, or
    stop with the command to run."""
    if chromium.exists() and pdftoppm is not None:
        return Present(chromium)
    install = ("apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES)
    by_hand = f"apt-get update && apt-get install -y {' '.join(PACKAGES)}"
    if apt_get is None:
        return InstallByHand(f"install Chromium as {DEFAULT_CHROMIUM} (what Debian's `{by_hand}` does)")
    if not is_root:
        return InstallByHand(f"sudo sh -c '{by_hand}'")
    return Install((("apt-get", "update", "-qq"), install))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.chromium", description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the commands instead of running them")
    arguments = parser.parse_args(argv)
    chromium = chromium_path()
    decision = plan(
        chromium, is_root=os.geteuid() == 0, apt_get=shutil.which("apt-get"), pdftoppm=shutil.which("pdftoppm")
    )
    if isinstance(decision, Present):
        return 0
    if isinstance(decision, InstallByHand):
        print(
            f"The browser tests need Chromium ({chromium}) and pdftoppm; one is missing. Run:\n    {decision.command}",
            file=sys.stderr,
        )
        return 1
    for command in decision.commands:
        print("+ " + " ".join(command), file=sys.stderr)
        if not arguments.dry_run:
            subprocess.run(command, check=True, env={**os.environ, **APT_ENVIRONMENT})  # noqa: S603 - fixed argv
    return 0


if __name__ == "__main__":
    sys.exit(main())
