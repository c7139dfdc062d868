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
class Shown:
    """Where a surface shows the user's live view: the one message with live elements.

    ``channel`` and ``message`` are the adapter's references (a Slack DM and message ts);
    ``view`` is what it shows (:func:`view_key`). Stored with the conversation, so that any
    process can bring the right message up to date, and only a message the conversation
    itself recorded is ever edited.
    """

    channel: str
    message: str
    view: str


@dataclass(frozen=True, slots=True)
class Conversation:
    """Where one user is in the interview.

    ``cursor`` is the question being asked (``None`` outside :attr:`Phase.ASKING`).
    ``return_to`` is set while an answer is being changed from the review or the verdict.
    ``version`` counts stored turns: a write succeeds only on the version it was read at.
    ``shown`` is where the live view is displayed (``None``: nowhere known yet).
    """

    lang: str
    interview_version: int
    phase: Phase = Phase.ASKING
    cursor: str | None = None
    return_to: Phase | None = None
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    version: int = 0
    shown: Shown | None = None

    def evolve(self, **changes: object) -> Conversation:
        return replace(self, **changes)  # type: ignore[arg-type]


def view_key(conv: Conversation) -> str:
    """What the live view of ``conv`` is: the current question's id, ``review`` or ``verdict``."""
    if conv.phase is Phase.ASKING:
        return conv.cursor or ""
    return conv.phase.value
