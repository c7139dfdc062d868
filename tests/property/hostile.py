"""Hostile free text as Slack and Discord deliver it: pings, links, markup, controls, junk bytes.

:func:`hostile_text` draws from a seeded :class:`random.Random` (cheap, for bulk runs);
:func:`hostile_texts` is the same idea as a hypothesis strategy (for shrinking).
"""

from __future__ import annotations

import random

from hypothesis import strategies as st

PINGS = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^S123>",
    "<@U123>",
    "<@W0ABC|boss>",
    "<#C1>",
    "<#C1|general>",
    "<https://evil.example|bank.com>",
    "<mailto:a@b.c|support>",
    "@everyone",
    "@here",
    "@EveryOne",
    "<@123>",
    "<@!123>",
    "<@&1>",
    "<#1>",
    "<t:1700000000:R>",
    "<:pepe:123>",
    "<a:wave:456>",
    "</ecoute start:789>",
    "[bank.com](https://evil.example)",
    "&lt;!channel&gt;",
    "&amp;lt;",
    "&",
)
MARKUP = (
    "*bold*",
    "_it_",
    "~gone~",
    "`code`",
    "```block```",
    "||spoiler||",
    "> quote",
    "# Title",
    "-# small",
    "1. list",
    "\\",
    "{{ 7*7 }}",
    "{% raw %}",
    "%s%d",
    "\u0000",
)
CONTROLS = "\u0000\u0007\u0008\u001b[31m\u001b]0;x\u0007\r\n\t\u000b\u000c\u007f\u0085\u009b"
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\ufeff"
ODD = ("é", "ß", "İ", "\u0301", "👍🏽", "🇫🇷", "\U0001f9d1\u200d\U0001f4bb", "\ufffd", "ﷺ", "𝕏")
BIG = 100_000


def wire_bytes(rng: random.Random, size: int) -> str:
    """Random bytes (often invalid UTF-8) decoded the ways a server does it."""
    raw = rng.randbytes(size)
    errors = rng.choice(("surrogateescape", "replace", "ignore"))
    return raw.decode("utf-8", errors=errors)


def hostile_text(rng: random.Random) -> str:
    """One hostile answer; about one in 500 is a 100 kB string."""
    roll = rng.random()
    if roll < 0.002:
        unit = rng.choice((*PINGS, *MARKUP, "a", "é ", "👍"))
        return (unit * (BIG // len(unit) + 1))[:BIG]
    parts: list[str] = []
    for _ in range(rng.randint(1, 8)):
        pick = rng.random()
        if pick < 0.45:
            parts.append(rng.choice(PINGS))
        elif pick < 0.6:
            parts.append(rng.choice(MARKUP))
        elif pick < 0.7:
            parts.append("".join(rng.choices(CONTROLS, k=rng.randint(1, 4))))
        elif pick < 0.78:
            parts.append("".join(rng.choices(BIDI, k=rng.randint(1, 3))))
        elif pick < 0.86:
            parts.append(wire_bytes(rng, rng.randint(1, 24)))
        elif pick < 0.93:
            parts.append(rng.choice(ODD))
        else:
            parts.append(" ".join(rng.choices(("our", "café", "clients", "in", "Lyon"), k=4)))
    return rng.choice(("", " ", "\n")).join(parts)


def hostile_texts() -> st.SearchStrategy[str]:
    """Hostile answers as a hypothesis strategy (shrinks to the smallest failing text)."""
    piece = (
        st.sampled_from(PINGS)
        | st.sampled_from(MARKUP)
        | st.text(st.sampled_from(CONTROLS + BIDI), min_size=1, max_size=4)
        | st.binary(min_size=1, max_size=16).map(lambda b: b.decode("utf-8", "surrogateescape"))
        | st.text(max_size=12)
    )
    return st.lists(piece, min_size=1, max_size=8).map("".join)
