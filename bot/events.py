"""Neutral events: what an adapter turns a platform payload into."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ConversationKey:
    """Who a conversation belongs to: (platform, workspace or guild, user)."""

    platform: str
    workspace: str
    user: str


@dataclass(frozen=True, slots=True)
class Start:
    """Begin, or show where the user is (resume)."""


@dataclass(frozen=True, slots=True)
class Restart:
    """Drop every answer and ask the first question again.

    ``view`` is the view whose button was clicked (see :class:`Back`); ``None`` for a command.
    """

    view: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer as received.

    ``question`` is the question the user answered (from a button's value or custom_id);
    ``None`` means "the question being asked now" (typed text). A ``question`` that is not
    the current one is stale and changes nothing. ``value`` is raw: a choice id, a list of
    choice ids, or typed text (also for integers and the scale).
    """

    value: str | tuple[str, ...]
    question: str | None = None


@dataclass(frozen=True, slots=True)
class Back:
    """Go back one question (from the review: the last question; from the verdict: the review).

    ``view`` is the view whose Back button was clicked, when it came from one — a question's
    id, ``review`` or ``verdict`` (:func:`bot.conversation.view_key`): unless it is the live
    view, the click (a second click on the same button, a click on an old message) is stale
    and changes nothing. ``None`` (a typed "back") always goes back.
    """

    view: str | None = None


@dataclass(frozen=True, slots=True)
class Edit:
    """Change one answer from the review or the verdict, then come back to it.

    ``view`` is the view whose menu or button was used (see :class:`Back`).
    """

    question: str
    view: str | None = None


@dataclass(frozen=True, slots=True)
class Confirm:
    """From the review: the answers are right, show the verdict."""


@dataclass(frozen=True, slots=True)
class SetLanguage:
    lang: str


@dataclass(frozen=True, slots=True)
class Help:
    pass


Event = Start | Restart | Answer | Back | Edit | Confirm | SetLanguage | Help


_KINDS: dict[str, type[Event]] = {
    cls.__name__.lower(): cls
    for cls in (Start, Restart, Answer, Back, Edit, Confirm, SetLanguage, Help)
}


def event_to_json(event: Event) -> dict[str, object]:
    """An event as plain JSON data (for the inbox): ``{"kind": "answer", ...fields}``."""
    data: dict[str, object] = {"kind": type(event).__name__.lower()}
    for name in getattr(event, "__slots__", ()):
        value = getattr(event, name)
        data[name] = list(value) if isinstance(value, tuple) else value
    return data


def event_from_json(data: dict[str, object]) -> Event:
    """The inverse of :func:`event_to_json`; ``ValueError`` on anything else."""
    cls = _KINDS.get(str(data.get("kind")))
    if cls is None:
        raise ValueError(f"unknown event kind {data.get('kind')!r}")
    fields: dict[str, object] = {}
    for name in getattr(cls, "__slots__", ()):
        if name in data:
            value = data[name]
            fields[name] = tuple(str(v) for v in value) if isinstance(value, list) else value
    try:
        return cls(**fields)  # type: ignore[arg-type]
    except TypeError as exc:
        raise ValueError(f"bad {cls.__name__} fields: {exc}") from exc
