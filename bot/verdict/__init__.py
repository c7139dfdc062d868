"""The verdict: a pure function from answers to machine codes (no text, no I/O of its own).

``diagnose(answers)`` gives, per chosen platform, ``engage`` / ``test`` / ``drop`` with reason
codes that name the answers behind them; warning codes; ranked alternatives; a 0–100 listening
score; a headline code; and, per platform, the single answer change that would flip its call.
Texts are added by :mod:`bot.verdict.view`; the rules are in :mod:`bot.verdict.rules`, the
score in :mod:`bot.verdict.scoring`, the flips in :mod:`bot.verdict.flips`. Answers may be
partial: a missing answer is unknown.

``diagnose(answers, evidence=...)`` also weighs a listening poll (:mod:`bot.verdict.evidence`):
answered by enough people, it decides each chosen platform's presence in place of the guess
(for the calls, the alternatives and the score), and the flips say how many more poll answers
would change each call; a smaller poll is cited and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from bot.schema import Answers, Schema, load_schema
from bot.verdict.evidence import Evidence, EvidenceError, check_choices, poll_presence
from bot.verdict.flips import Flip, PollFlip, flips, poll_flips
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
    "Evidence",
    "EvidenceError",
    "Flip",
    "PlatformVerdict",
    "PollFlip",
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
    evidence: Evidence | None = None
    """The poll the verdict weighed, if any."""
    poll_flips: tuple[PollFlip, ...] = ()
    """With a poll: at most one per platform, in the order of :attr:`platforms`."""


@cache
def _default_schema() -> Schema:
    return load_schema()


def diagnose(
    answers: Answers,
    *,
    evidence: Evidence | None = None,
    schema: Schema | None = None,
    weights: Weights | None = None,
) -> Verdict:
    """The verdict for a (possibly partial) set of answers, and a poll's counts if any.

    ``schema`` and ``weights`` default to the shipped ``prompts/questions.toml`` and
    ``prompts/scoring.toml``, read once. Raises :class:`EvidenceError` when ``evidence`` counts
    a choice the poll does not offer.
    """
    schema = schema or _default_schema()
    weights = weights or default_weights()
    if evidence is not None:
        check_choices(evidence, schema)
    calls = tuple(judge_platform(p, answers, evidence) for p in many(answers, "platforms") or ())
    return Verdict(
        platforms=calls,
        warnings=warnings(answers),
        alternatives=alternatives(answers, calls, weights.alternative, evidence),
        score=listening_score(_heard(answers, calls, evidence), weights),
        headline=headline(answers, calls),
        flips=flips(calls, answers, schema, evidence),
        evidence=evidence,
        poll_flips=poll_flips(calls, answers, evidence),
    )


def _heard(
    answers: Answers, calls: tuple[PlatformVerdict, ...], evidence: Evidence | None
) -> Answers:
    """The answers with each presence the poll decided in place of the guess (for the score)."""
    polled = {f"presence.{c.platform}": poll_presence(evidence, c.platform) for c in calls}
    return {**answers, **{k: v for k, v in polled.items() if v is not None}}
