"""Terminal escaping: user text must not carry control sequences to the screen."""

from __future__ import annotations

import unicodedata

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def terminal_escape(text: str) -> str:
    """Drop control characters (ESC sequences, BEL, CR...) and bidi overrides."""
    return "".join(
        ch for ch in text if ch not in _BIDI and unicodedata.category(ch) not in ("Cc", "Cs")
    )
