"""Characters that change how text is shown rather than what it says, shared by the request models (which
refuse them) and the email renderer (which drops whatever of them is stored from before)."""

# Bidirectional controls: the Arabic letter mark, LRM/RLM, the embeddings and overrides (U+202A-U+202E) and
# the isolates (U+2066-U+2069). A right-to-left override makes "moc.elpmaxe@" read as an address.
BIDI_CONTROLS = frozenset(
    {"\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}
)
_DROP_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))


def without_bidi_controls(text: str) -> str:
    return text.translate(_DROP_BIDI)
