"""The verdict: a pure function from answers to machine codes (no text, no I/O of its own).

``diagnose(answers)`` gives, per chosen platform, ``engage`` / ``test`` / ``drop`` with reason
codes that name the answers behind them; warning codes; ranked alternatives; a 0–100 listening
score; a headline code; and, per platform, the single answer change that would flip its call.
Texts are added by :mod:`bot.verdict_view`. Answers may be partial: a missing answer is unknown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from bot.schema import Answers, AnswerValue, Kind, Question, Schema, load_schema
from bot.scoring import Weights, default_weights, listening_score
from bot.verdict_rules import (
    DROP,
    ENGAGE,
    RANK,
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

NOT_FLIPPED_BY = frozenset({"platforms"})
"""Questions a flip never changes (besides text questions): choosing networks is the user's."""


@dataclass(frozen=True, slots=True)
class Flip:
    """Answering ``question`` with ``answer`` (for ``many`` questions: the whole new list)
    would give ``platform`` the call ``verdict``."""

    platform: str
    question: str
    answer: AnswerValue
    verdict: str


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
        flips=_flips(calls, answers, schema),
    )


def _flips(
    calls: tuple[PlatformVerdict, ...], answers: Answers, schema: Schema
) -> tuple[Flip, ...]:
    """Per platform, the single answer change that changes its call: the biggest improvement if
    any, else the smallest step down; ties go to the earlier question and choice."""
    best: dict[str, tuple[tuple[int, int], Flip]] = {}
    order = 0
    for question in schema.sequence(answers):
        if question.kind is Kind.TEXT or question.base in NOT_FLIPPED_BY:
            continue
        for candidate in _candidates(question, answers.get(question.id)):
            order += 1
            changed = {**answers, question.id: candidate}
            for call in calls:
                verdict = judge_platform(call.platform, changed).verdict
                step = RANK[verdict] - RANK[call.verdict]
                if step == 0:
                    continue
                key = (-step if step > 0 else 10 - step, order)
                if call.platform not in best or key < best[call.platform][0]:
                    best[call.platform] = (
                        key,
                        Flip(call.platform, question.id, candidate, verdict),
                    )
    return tuple(best[c.platform][1] for c in calls if c.platform in best)


def _candidates(question: Question, current: AnswerValue | None) -> Iterator[AnswerValue]:
    """Every answer one change away from ``current`` (a ``many`` answer: one choice toggled)."""
    if question.kind is Kind.ONE:
        yield from (c for c in question.choices if c != current)
    elif question.kind is Kind.MANY:
        ticked = set(current) if isinstance(current, tuple | list) else set()
        for choice in question.choices:
            toggled = ticked ^ {choice}
            yield tuple(c for c in question.choices if c in toggled)
        if not isinstance(current, tuple | list):
            yield ()  # "none" is an answer too when nothing was said
    elif question.kind is Kind.SCALE:
        yield from (n for n in question.range if n != current)
    elif question.kind is Kind.INTEGER:
        yield from (n for n in (question.min, question.max) if n != current)
