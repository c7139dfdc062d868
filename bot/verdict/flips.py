"""Per platform, the single answer change that would flip its call (pure)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.schema import Answers, AnswerValue, Kind, Question, Schema
from bot.verdict.rules import RANK, PlatformVerdict, judge_platform

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


def flips(calls: tuple[PlatformVerdict, ...], answers: Answers, schema: Schema) -> tuple[Flip, ...]:
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
