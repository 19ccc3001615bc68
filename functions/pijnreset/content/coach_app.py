"""The coach's dashboard (templates/coach/): one HTML shell, one script and one stylesheet.

The script and the stylesheet are served under names with their content's hash (``coach.<hash>.js``), so a
browser may keep them for a year and still gets the new ones the moment a deploy changes them: the shell, which
is never cached, names the current ones. The files are read once per process.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from pijnreset.content.loader import ContentError
from pijnreset.content.wording import forbidden_phrases_in

SHELL = "coach.html.j2"
SCRIPT = "coach.js"
STYLES = "coach.css"
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
HASH_LENGTH = 16


@dataclass(frozen=True)
class Asset:
    name: str  # the hashed name it is served under
    content_type: str
    body: str


@dataclass(frozen=True)
class CoachApp:
    shell: str
    assets: dict[str, Asset]

    def asset(self, name: str) -> Asset | None:
        return self.assets.get(name)


def hashed_name(file_name: str, body: str) -> str:
    stem, _, extension = file_name.rpartition(".")
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:HASH_LENGTH]
    return f"{stem}.{digest}.{extension}"


@cache
def coach_app(templates_dir: Path) -> CoachApp:
    """The shell (with the assets' hashed names filled in) and the assets, from ``templates_dir/coach``."""
    directory = templates_dir / "coach"
    assets = {}
    for file_name in (SCRIPT, STYLES):
        path = directory / file_name
        if not path.is_file():
            raise ContentError(f"{path} is missing")
        body = path.read_text(encoding="utf-8")
        name = hashed_name(file_name, body)
        assets[file_name] = Asset(name, _TYPES[path.suffix], body)
    environment = Environment(
        loader=FileSystemLoader(directory), autoescape=select_autoescape(default=True), undefined=StrictUndefined
    )
    shell = environment.get_template(SHELL).render(script=assets[SCRIPT].name, styles=assets[STYLES].name)
    found = forbidden_phrases_in([shell, *(asset.body for asset in assets.values())])
    if found:
        raise ContentError(f"{directory}: forbidden wording {found}")
    return CoachApp(shell=shell, assets={asset.name: asset for asset in assets.values()})
