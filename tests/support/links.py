"""The action links in our emails (confirm, unsubscribe, erase, the PDFs, cancel a booking), for tests to follow."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

_LINK = re.compile(
    r"https?://[^\s<>\"']+/(?:confirm|unsubscribe|privacy/erase/confirm|pijntest/rapport|pijntest/huisarts|booking/cancel)\?token=[A-Za-z0-9_.%=-]+"
)


def action_links(email: dict[str, Any]) -> dict[str, str]:
    """Path -> path-and-query of every action link in the email's plain-text part."""
    links = {}
    for url in _LINK.findall(email["text"]):
        parts = urlsplit(url)
        links[parts.path] = f"{parts.path}?{parts.query}"
    return links
