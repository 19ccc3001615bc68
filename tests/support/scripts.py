"""What the project's browser scripts (templates/form/pijntest.js, templates/coach/coach.js) never do: parse text
as HTML, run text as code, or keep anything in the browser's storage."""

from __future__ import annotations

import re

NEVER_IN_SCRIPTS = (
    "innerHTML",
    "outerHTML",
    "insertAdjacentHTML",
    "document.write",
    "eval(",
    "new Function",
    "localStorage",
    "sessionStorage",
    "indexedDB",
    "document.cookie",
    'setAttribute("style"',
    "history.",
)


def code_of(script: str) -> str:
    """The script without its comments, which may name what the code must not do."""
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", script, flags=re.DOTALL)


def forbidden_in(script: str) -> list[str]:
    code = code_of(script)
    return [forbidden for forbidden in NEVER_IN_SCRIPTS if forbidden in code]
