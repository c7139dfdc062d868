"""The verdict: a pure function from answers to machine codes (no text, no I/O of its own).

``diagnose(answers)`` gives, per chosen platform, ``engage`` / ``test`` / ``drop`` with reason
codes that name the answers behind them; warning codes; ranked alternatives; a 0–100 listening
score; a headline code; and, per platform, the single answer change that would flip its call.
Texts are added by :mod:`bot.verdict.view`; the rules are in :mod:`bot.verdict.rules`, the
score in :mod:`bot.verdict.scoring`, the flips in :mod:`bot.verdict.flips`. Answers may be
partial: a missing answer is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from bot.schema import Answers, Schema, load_schema
from bot.verdict.flips import Flip, flips
from bot.verdict.rules import (
    DROP,
    ENGAGE,
    TEST,
    WARNINGS,
    Alternative,
    PlatformVerdict,
    Reason,
    alternatives,
    headline,
    judge_platform,
    many,
    warnings,
)
from bot.verdict.scoring import Weights, default_weights, listening_score

__all__ = [
    "DROP",
    "ENGAGE",
    "TEST",
    "WARNINGS",
    "Alternative",
    "Flip",
    "PlatformVerdict",
    "Reason",
    "Verdict",
    "diagnose",
]


@dataclass(frozen=True, slots=True)
class Verdict:
    platforms: tuple[PlatformVerdict, ...]
    warnings: tuple[str, ...]
    alternatives: tuple[Alternative, ...]
    """Best first."""
    score: int
    """The 0–100 listening score."""
    headline: str
    flips: tuple[Flip, ...]
    """At most one per platform, in the order of :attr:`platforms`."""


@cache
def _default_schema() -> Schema:
    return load_schema()


def diagnose(
    answers: Answers, *, schema: Schema | None = None, weights: Weights | None = None
) -> Verdict:
    """The verdict for a (possibly partial) set of answers.

    ``schema`` and ``weights`` default to the shipped ``prompts/questions.toml`` and
    ``prompts/scoring.toml``, read once.
    """
    schema = schema or _default_schema()
    weights = weights or default_weights()
    calls = tuple(judge_platform(p, answers) for p in many(answers, "platforms") or ())
    return Verdict(
        platforms=calls,
        warnings=warnings(answers),
        alternatives=alternatives(answers, calls, weights.alternative),
        score=listening_score(answers, weights),
        headline=headline(answers, calls),
        flips=flips(calls, answers, schema),
    )
