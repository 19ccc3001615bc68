"""Words the product must never use: no cure claims, no causal claims about the visitor's pain."""

import re
from collections.abc import Iterable

FORBIDDEN_PHRASES = ("genezen", "genezing", "pijnvrij", "komt door stress")

_FORBIDDEN = re.compile("|".join(re.escape(phrase) for phrase in FORBIDDEN_PHRASES), re.IGNORECASE)


def forbidden_phrases_in(texts: Iterable[str]) -> list[str]:
    """Every forbidden phrase found in ``texts``, lower-cased, in order of appearance."""
    return [match.group(0).lower() for text in texts for match in _FORBIDDEN.finditer(text)]
