"""Turning a raw answer into a stored value, or a reason it is refused."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from bot.errors import InvalidAnswer
from bot.schema import AnswerValue, Kind, Question, Schema

# C0/C1 controls, DEL, and bidi overrides/isolates (they can disguise text); newlines and tabs
# become spaces first so a pasted paragraph stays readable.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_WHITESPACE = re.compile(r"\s+")
_FILLERS = "\u115f\u1160\u3164\uffa0\u2800"
"""Characters that print nothing though Unicode calls them letters or symbols: the Hangul
fillers (``Lo``) and the blank braille pattern (``So``)."""
_UNSEEN = frozenset(("Cf", "Mn", "Me"))
"""Format characters, and marks: a mark shows only on the letter it sits on."""
_WHOLE = re.compile(r"[0-9]{1,18}")
ECHOED = 40
"""How much of a word or value it could not use an answer repeats (then ``…``)."""


def whole_number(text: object, digits: int = 18) -> int | None:
    """``text`` as a whole number written in ASCII digits (``12``), at most ``digits`` of
    them, else ``None``. Not ``str.isdigit``: it says yes to ``²`` or ``١``, which ``int``
    refuses or reads as another number than the one shown."""
    if not isinstance(text, str) or len(text) > digits or not _WHOLE.fullmatch(text):
        return None
    return int(text)


def echoed(value: object, limit: int = ECHOED) -> str:
    """``value`` as a message repeats it: its first ``limit`` characters, then ``…``."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def visible_length(text: str) -> int:
    """The length of ``text`` without what prints nothing by itself — format characters
    (``Cf``: zero-width spaces and joiners, word joiners, byte-order marks…), combining marks
    (``é`` written ``e`` + U+0301 counts 1), Hangul fillers, the blank braille pattern — and
    with whitespace collapsed and trimmed as :func:`clean_text` does (``"a b"`` is 3)."""
    shown = "".join(
        ch for ch in text if ch not in _FILLERS and unicodedata.category(ch) not in _UNSEEN
    )
    return len(_WHITESPACE.sub(" ", shown).strip())


def clean_text(raw: str) -> str:
    """Text with control and bidi-override characters removed and whitespace collapsed."""
    text = "".join(
        " " if ch in "\t\n\r\v\f" else ch
        for ch in raw
        if ch in "\t\n\r\v\f" or (unicodedata.category(ch) not in ("Cc", "Cs") and ch not in _BIDI)
    )
    return _WHITESPACE.sub(" ", text).strip()


def parse_answer(question: Question, raw: object) -> AnswerValue:
    """The stored value for ``raw``, or :class:`InvalidAnswer` with the message key and values.

    ``raw`` is what an adapter or a JSON file gives: a choice id, a list of choice ids, typed
    text, or (for integers and the scale) an int or its digits.
    """
    kind = question.kind
    if kind is Kind.ONE:
        if isinstance(raw, list | tuple) and len(raw) == 1:
            raw = raw[0]
        if not isinstance(raw, str) or raw not in question.choices:
            raise InvalidAnswer("invalid_choice", choices=question.choices)
        return raw
    if kind is Kind.MANY:
        if isinstance(raw, str):
            raw = [raw] if raw else []
        if not isinstance(raw, list | tuple) or not all(isinstance(c, str) for c in raw):
            raise InvalidAnswer("invalid_choices", choices=question.choices)
        unknown = [c for c in raw if c not in question.choices]
        if unknown:
            raise InvalidAnswer("invalid_choices", choices=question.choices)
        return tuple(c for c in question.choices if c in raw)  # schema order, no duplicates
    if kind is Kind.TEXT:
        if not isinstance(raw, str):
            raise InvalidAnswer("text_expected", min=question.min, max=question.max)
        if len(raw) > 4 * question.max + 1000:  # refuse a flood before cleaning all of it
            raise InvalidAnswer(
                "text_too_long", min=question.min, max=question.max, length=len(raw)
            )
        text = clean_text(raw)
        if visible_length(text) < question.min:  # "\u200b\u200b\u200b" says nothing
            raise InvalidAnswer("text_too_short", min=question.min, max=question.max)
        if len(text) > question.max:
            raise InvalidAnswer(
                "text_too_long", min=question.min, max=question.max, length=len(text)
            )
        return text
    # integer and scale
    number: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        number = raw
    elif isinstance(raw, str):
        digits = clean_text(raw).removesuffix("h").strip()
        if digits.isascii() and digits.isdigit() and len(digits) <= 6:
            number = int(digits)
    key = "scale_expected" if kind is Kind.SCALE else "integer_expected"
    if number is None or number not in question.range:
        raise InvalidAnswer(key, min=question.min, max=question.max)
    return number


@dataclass(frozen=True, slots=True)
class AnswerProblem:
    key: str
    value: object
    why: str
    """The message key in ``prompts/<lang>/interview.toml`` under ``invalid.``."""
    values: Mapping[str, object]


def check_answers(
    schema: Schema, raw: Mapping[str, object]
) -> tuple[dict[str, AnswerValue], list[AnswerProblem]]:
    """Parse a whole set of answers (``ecoute diagnose``). Unknown keys, bad values and questions
    that do not apply (``presence.x`` without ``x`` in ``platforms``) are problems; missing
    answers are allowed (the verdict works from what it has).
    """
    answers: dict[str, AnswerValue] = {}
    problems: list[AnswerProblem] = []
    # Parse non-conditional questions first, so the presence questions can be checked.
    ordered = sorted(raw, key=lambda k: "." in k)
    for key in ordered:
        question = schema.question(key)
        if question is None:
            problems.append(AnswerProblem(key, raw[key], "unknown_question", {}))
            continue
        try:
            answers[key] = parse_answer(question, raw[key])
        except InvalidAnswer as exc:
            problems.append(AnswerProblem(key, raw[key], exc.key, exc.values))
    asked = {q.id for q in schema.sequence(answers)}
    for key in list(answers):
        if key not in asked:
            problems.append(AnswerProblem(key, raw[key], "not_asked", {}))
            del answers[key]
    return answers, problems
