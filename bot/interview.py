"""The interview as a pure state machine: (schema, conversation, event) -> step.

No I/O and no text: a step says what changed and which notices to show; the service stores
it and renders the reply. An invalid or stale event leaves the conversation as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.conversation import Conversation, Phase, view_key
from bot.errors import InvalidAnswer
from bot.events import Answer, Back, Confirm, Edit, Event, Help, Restart, SetLanguage, Start
from bot.schema import AnswerValue, Question, Schema
from bot.validation import parse_answer


@dataclass(frozen=True, slots=True)
class Notice:
    """A message key under ``interview.`` (``notice.stale``, ``invalid.text_too_short``)."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Step:
    conversation: Conversation
    changed: dict[str, AnswerValue | None] = field(default_factory=dict)
    """Answers to write (a value) or delete (``None``)."""
    notices: tuple[Notice, ...] = ()
    recorded: str | None = None
    """The question this step answered, if any."""
    moved: bool = False
    """Whether anything must be stored (answers, phase, cursor or language)."""


def new_conversation(schema: Schema, lang: str) -> Conversation:
    """A fresh conversation at the first question."""
    first = schema.sequence({})[0].id
    return Conversation(lang=lang, interview_version=schema.version, cursor=first)


def first_unanswered(schema: Schema, answers: Mapping[str, AnswerValue]) -> Question | None:
    return next((q for q in schema.sequence(answers) if q.id not in answers), None)


def step(schema: Schema, conv: Conversation, event: Event, languages: tuple[str, ...] = ()) -> Step:
    """Apply one event. ``languages`` are those :class:`SetLanguage` may choose."""
    clicked = _clicked_on(event)
    if clicked is not None and clicked != view_key(conv):
        screen = schema.question(clicked) is None  # the review's or the verdict's button
        return Step(conv, notices=(_stale(screen=screen),))  # a button of another view
    match event:
        case Start() | Help():
            notices = (Notice("notice.help"),) if isinstance(event, Help) else ()
            return Step(conv, notices=notices)
        case Restart():
            fresh = new_conversation(schema, conv.lang).evolve(version=conv.version)
            if fresh == conv.evolve(shown=None):  # already at the start: nothing to store
                return Step(conv, notices=(Notice("notice.restarted"),))
            return Step(
                fresh,
                changed=dict.fromkeys(conv.answers),
                notices=(Notice("notice.restarted"),),
                moved=True,
            )
        case SetLanguage(lang=lang):
            if lang == conv.lang:
                return Step(conv, notices=(Notice("notice.language"),))
            if lang not in languages:
                values = {"lang": lang, "available": ", ".join(languages)}
                return Step(conv, notices=(Notice("notice.unknown_language", values),))
            return Step(conv.evolve(lang=lang), notices=(Notice("notice.language"),), moved=True)
        case Answer():
            return _answer(schema, conv, event)
        case Back():
            return _back(schema, conv)
        case Edit(question=qid):
            if qid not in {q.id for q in schema.sequence(conv.answers)}:
                return Step(conv, notices=(Notice("invalid.unknown_question"),))
            return_to = conv.phase if conv.phase is not Phase.ASKING else conv.return_to
            moved = conv.evolve(phase=Phase.ASKING, cursor=qid, return_to=return_to)
            return Step(moved, moved=moved != conv)
        case Confirm():
            if conv.phase is not Phase.REVIEW:
                return Step(conv, notices=(_stale(screen=True),))
            return Step(_advance(schema, conv, Phase.VERDICT), moved=True)
    raise TypeError(f"unknown event {event!r}")  # pragma: no cover - Event is a closed union


def _stale(*, screen: bool = False) -> Notice:
    """A click that changes nothing: on a question already answered, or (``screen``) a button
    of the review or the verdict shown earlier."""
    return Notice("notice.stale", {"screen": screen})


def _clicked_on(event: Event) -> str | None:
    """The view whose button made ``event``, when it says."""
    match event:
        case Back(view=view) | Edit(view=view) | Restart(view=view):
            return view
    return None


def _answer(schema: Schema, conv: Conversation, event: Answer) -> Step:
    if conv.phase is not Phase.ASKING or conv.cursor is None:
        return Step(conv, notices=(_stale() if event.question else Notice("notice.not_expecting"),))
    if event.question is not None and event.question != conv.cursor:
        return Step(conv, notices=(_stale(),))
    question = schema.question(conv.cursor)
    assert question is not None, f"cursor {conv.cursor!r} is not a question"
    try:
        value = parse_answer(question, event.value)
    except InvalidAnswer as exc:
        return Step(conv, notices=(Notice(f"invalid.{exc.key}", exc.values),))
    answers = {**conv.answers, question.id: value}
    changed: dict[str, AnswerValue | None] = {question.id: value}
    asked = {q.id for q in schema.sequence(answers)}
    for qid in [q for q in answers if q not in asked]:  # e.g. presence.x when x was unticked
        del answers[qid]
        changed[qid] = None
    target = conv.return_to or Phase.REVIEW
    nxt = _advance(schema, conv.evolve(answers=answers), target)
    return Step(nxt, changed=changed, recorded=question.id, moved=True)


def _advance(schema: Schema, conv: Conversation, target: Phase) -> Conversation:
    """Ask the first unanswered question, or go to ``target`` when all are answered."""
    pending = first_unanswered(schema, conv.answers)
    if pending is not None:
        return conv.evolve(phase=Phase.ASKING, cursor=pending.id)
    return conv.evolve(phase=target, cursor=None, return_to=None)


def _back(schema: Schema, conv: Conversation) -> Step:
    sequence = [q.id for q in schema.sequence(conv.answers)]
    if conv.phase is Phase.VERDICT:
        return Step(conv.evolve(phase=Phase.REVIEW), moved=True)
    if conv.phase is Phase.REVIEW:
        return Step(conv.evolve(phase=Phase.ASKING, cursor=sequence[-1]), moved=True)
    if conv.return_to is not None and first_unanswered(schema, conv.answers) is None:
        # Going back while changing one answer cancels the change.
        return Step(conv.evolve(phase=conv.return_to, cursor=None, return_to=None), moved=True)
    index = sequence.index(conv.cursor) if conv.cursor in sequence else 0
    if index == 0:
        return Step(conv, notices=(Notice("notice.at_start"),))
    return Step(conv.evolve(cursor=sequence[index - 1]), moved=True)
