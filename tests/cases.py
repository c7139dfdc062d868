"""The article's two cases (``tests/data/*.json``) as a user would give them, answer by answer."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

Typed = dict[str, str | tuple[str, ...]]


def typed_answers(case: str) -> Typed:
    """``burrito`` or ``licence_plate``: lists become tuples of choice ids, numbers typed text."""
    raw = json.loads((DATA / f"{case}.json").read_text("utf-8"))
    return {
        key: tuple(value) if isinstance(value, list) else str(value) for key, value in raw.items()
    }


def stored_answers(case: str) -> dict[str, str | int | tuple[str, ...]]:
    """``burrito`` or ``licence_plate`` as the store keeps them (tuples, integers)."""
    raw = json.loads((DATA / f"{case}.json").read_text("utf-8"))
    return {key: tuple(value) if isinstance(value, list) else value for key, value in raw.items()}


BURRITO = typed_answers("burrito")
LICENCE_PLATE = typed_answers("licence_plate")


# The verdict's codes, as the public JSON verdict spells them: what every text table must cover.
REASONS = (
    "absent",
    "b2b_personal",
    "personal_no_hooks",
    "personal_with_hooks",
    "personal_only",
    "presence_unknown",
    "presence_missing",
    "audience_fits",
    "engaged_hooks",
    "engaged_no_hooks",
    "engaged_hooks_missing",
    "honesty_cap",
)
HEADLINES = (
    "no_network",
    "platforms_unknown",
    "listening",
    "nobody_listening",
    "focus",
    "test_first",
)
CHANNELS = ("email", "flyers", "direct_outreach", "events", "community", "website")
