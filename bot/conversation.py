"""A conversation's state: plain, immutable data that the pure interview steps."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from bot.schema import AnswerValue


class Phase(StrEnum):
    ASKING = "asking"
    REVIEW = "review"
    VERDICT = "verdict"


@dataclass(frozen=True, slots=True)
class Conversation:
    """Where one user is in the interview.

    ``cursor`` is the question being asked (``None`` outside :attr:`Phase.ASKING`).
    ``return_to`` is set while an answer is being changed from the review or the verdict.
    ``version`` counts stored turns: a write succeeds only on the version it was read at.
    """

    lang: str
    interview_version: int
    phase: Phase = Phase.ASKING
    cursor: str | None = None
    return_to: Phase | None = None
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    version: int = 0

    def evolve(self, **changes: object) -> Conversation:
        return replace(self, **changes)  # type: ignore[arg-type]
