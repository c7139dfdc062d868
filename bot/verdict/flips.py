"""Per platform, the single answer change that would flip its call, and with a poll, how many
more poll answers would (pure). Both are found by re-running the rule on the changed input."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.schema import Answers, AnswerValue, Kind, Question, Schema
from bot.verdict.evidence import ABSENT, ENGAGED, Evidence, poll_presence
from bot.verdict.rules import RANK, PlatformVerdict, judge_platform

POLL = "poll"
"""The ``question`` of a flip shown for a :class:`PollFlip` (its ``answer`` is ``more``)."""

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
class PollFlip:
    """``more`` further poll answers — from people who want to hear from you on ``platform``
    when ``wanting``, from people who don't otherwise — would give ``platform`` the call
    ``verdict``; one answer fewer would not."""

    platform: str
    more: int
    wanting: bool
    verdict: str


def _preference(old: str, new: str, order: int) -> tuple[int, int]:
    """The biggest improvement first, else the smallest step down; then ``order``."""
    step = RANK[new] - RANK[old]
    return (-step if step > 0 else 10 - step, order)


def flips(
    calls: tuple[PlatformVerdict, ...],
    answers: Answers,
    schema: Schema,
    evidence: Evidence | None = None,
) -> tuple[Flip, ...]:
    """Per platform, the single answer change that changes its call (the poll, if any, staying
    as it is): the biggest improvement if any, else the smallest step down; ties go to the
    earlier question and choice."""
    best: dict[str, tuple[tuple[int, int], Flip]] = {}
    order = 0
    for question in schema.sequence(answers):
        if question.kind is Kind.TEXT or question.base in NOT_FLIPPED_BY:
            continue
        for candidate in _candidates(question, answers.get(question.id)):
            order += 1
            changed = {**answers, question.id: candidate}
            for call in calls:
                verdict = judge_platform(call.platform, changed, evidence).verdict
                if verdict == call.verdict:
                    continue
                key = _preference(call.verdict, verdict, order)
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


def poll_flips(
    calls: tuple[PlatformVerdict, ...], answers: Answers, evidence: Evidence | None
) -> tuple[PollFlip, ...]:
    """Per platform the poll decided, the fewest further poll answers that change its call, all
    wanting it or all not: the biggest improvement if any, else the smallest step down, then
    the fewest answers. Nothing without a poll answered by enough people (a smaller one decides
    nothing); in the order of ``calls``."""
    if evidence is None or not evidence.used:
        return ()
    out: list[PollFlip] = []
    for call in calls:
        found = [_poll_flip(call, answers, evidence, wanting) for wanting in (True, False)]
        kept = [f for f in found if f is not None]
        if kept:
            out.append(min(kept, key=lambda f: _preference(call.verdict, f.verdict, f.more)))
    return tuple(out)


def _poll_flip(
    call: PlatformVerdict, answers: Answers, evidence: Evidence, wanting: bool
) -> PollFlip | None:
    """The first count of further answers, all ``wanting`` or all not, that changes the call.

    Every candidate is judged by the rule itself. Each further answer moves the platform's share
    one way only, and the rule's call follows the share's band one way only (drop, test, then
    test or engage): once changed, the call stays changed, so doubling then halving finds the
    first change. When the band is the last one that way (``engaged`` wanting it, ``absent``
    not) and the call has not moved, no number of answers moves it.
    """
    platform = call.platform
    last = ENGAGED if wanting else ABSENT

    def poll(more: int) -> Evidence:
        return evidence.plus(platform, more, wanting=wanting)

    def changed(more: int) -> bool:
        return judge_platform(platform, answers, poll(more)).verdict != call.verdict

    def found(more: int) -> PollFlip:
        return PollFlip(
            platform, more, wanting, judge_platform(platform, answers, poll(more)).verdict
        )

    if changed(1):
        return found(1)
    low = high = 1  # not changed(low) from here on
    while poll_presence(poll(low), platform) != last:
        high = low * 2
        if changed(high):
            break
        low = high
    else:
        return None
    while high - low > 1:  # not changed(low), changed(high)
        middle = (low + high) // 2
        if changed(middle):
            high = middle
        else:
            low = middle
    return found(high)
