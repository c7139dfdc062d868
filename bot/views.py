"""Neutral replies: what the core hands back to an adapter.

Every string in a view is localised and already escaped for the adapter's target (the
service renders with the adapter's escape function), so an adapter lays it out and adds
no user text of its own. Ids (question, choice, platform, codes) are schema ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversation import Shown
from bot.schema import Kind


@dataclass(frozen=True, slots=True)
class ChoiceView:
    id: str
    label: str
    selected: bool = False


@dataclass(frozen=True, slots=True)
class QuestionView:
    question_id: str
    kind: Kind
    title: str
    hint: str
    choices: tuple[ChoiceView, ...]
    position: int
    """1-based position of this question in the interview."""
    total: int
    progress: str
    """Localised "Question k of n"."""
    min: int = 0
    max: int = 0
    current: str | None = None
    """The stored answer, as text, when the question was answered before (back, edit)."""
    can_go_back: bool = False


@dataclass(frozen=True, slots=True)
class ReviewItem:
    question_id: str
    label: str
    answer: str


@dataclass(frozen=True, slots=True)
class ReviewView:
    title: str
    intro: str
    items: tuple[ReviewItem, ...]


@dataclass(frozen=True, slots=True)
class PlatformView:
    platform: str
    name: str
    verdict: str
    """``engage`` | ``test`` | ``drop``."""
    verdict_label: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CodedText:
    code: str
    text: str


@dataclass(frozen=True, slots=True)
class AlternativeView:
    channel: str
    name: str
    text: str


@dataclass(frozen=True, slots=True)
class FlipView:
    platform: str
    question: str
    answer: str | int | tuple[str, ...]
    verdict: str
    text: str


@dataclass(frozen=True, slots=True)
class VerdictTitles:
    """The verdict's section titles (``verdict.title.*``), the same on every surface."""

    verdict: str
    networks: str
    warnings: str
    alternatives: str
    flips: str


@dataclass(frozen=True, slots=True)
class VerdictView:
    titles: VerdictTitles
    headline: str
    score: int
    score_label: str
    platforms: tuple[PlatformView, ...]
    warnings: tuple[CodedText, ...]
    alternatives: tuple[AlternativeView, ...]
    flips: tuple[FlipView, ...]
    answers: tuple[ReviewItem, ...] = ()
    """The answers behind the verdict, each one editable (``Edit(question_id)``)."""


@dataclass(frozen=True, slots=True)
class Recorded:
    """What a turn stored: the adapter turns the answered message into this short record."""

    question_id: str
    label: str
    answer: str


@dataclass(frozen=True, slots=True)
class Reply:
    lang: str
    view: QuestionView | ReviewView | VerdictView
    notices: tuple[CodedText, ...] = ()
    """E.g. ``invalid`` (the answer was refused, same question), ``stale`` (an old button),
    ``help``, ``language``, ``restarted``, ``at_start``, ``unavailable``."""
    recorded: Recorded | None = None
    changed: bool = True
    """False when the event changed nothing (stale or repeated click, invalid answer)."""
    version: int = 0
    """The stored version this reply shows: what :meth:`ConversationService.show` expects."""
    view_key: str = ""
    """What the view is (:func:`bot.conversation.view_key`): to compare with ``shown.view``."""
    shown: Shown | None = None
    """Where the live view was displayed when the turn was stored (``None``: nowhere known)."""
