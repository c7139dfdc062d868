"""The interview's questions, loaded from ``prompts/questions.toml``.

Question and choice ids are a stable public schema. A question with ``for_each`` is asked
once per choice of an earlier ``many`` question; each instance has the id ``<id>.<choice>``.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"

AnswerValue = str | int | tuple[str, ...]
"""A stored answer: a choice id (one), choice ids (many), text, or an integer (integer, scale)."""

Answers = Mapping[str, AnswerValue]


class Kind(StrEnum):
    ONE = "one"
    MANY = "many"
    TEXT = "text"
    INTEGER = "integer"
    SCALE = "scale"


@dataclass(frozen=True, slots=True)
class Question:
    """One question as asked: ``id`` is concrete (``presence.facebook``, never ``presence``)."""

    id: str
    kind: Kind
    choices: tuple[str, ...] = ()
    min: int = 0
    max: int = 0
    base: str = ""
    """The schema entry's id (``presence`` for ``presence.facebook``); equals ``id`` otherwise."""
    subject: str = ""
    """For a ``for_each`` instance, the choice it is about (``facebook``)."""

    @property
    def range(self) -> range:
        return range(self.min, self.max + 1)


@dataclass(frozen=True, slots=True)
class SchemaEntry:
    id: str
    kind: Kind
    choices: tuple[str, ...]
    min: int
    max: int
    for_each: str | None


class SchemaError(ValueError):
    """The questions file is malformed; the message names the file and key."""


@dataclass(frozen=True)
class Schema:
    """All questions of one interview version, in order."""

    version: int
    entries: tuple[SchemaEntry, ...]

    def sequence(self, answers: Answers) -> tuple[Question, ...]:
        """The questions to ask given the answers so far, in order (``for_each`` expanded)."""
        # Only the answers to ``for_each`` parents shape the sequence: memoise on those.
        parents = tuple(answers.get(e.for_each) for e in self.entries if e.for_each)
        return self._expand(parents)

    @functools.lru_cache(maxsize=512)  # noqa: B019 - a schema lives as long as the process
    def _expand(self, parents: tuple[AnswerValue | None, ...]) -> tuple[Question, ...]:
        answers = {str(e.for_each): v for e, v in zip(self._conditional, parents, strict=True)}
        return self._build(answers)

    @functools.cached_property
    def _conditional(self) -> tuple[SchemaEntry, ...]:
        return tuple(e for e in self.entries if e.for_each)

    def _build(self, answers: Mapping[str, AnswerValue | None]) -> tuple[Question, ...]:
        out: list[Question] = []
        for e in self.entries:
            if e.for_each is None:
                out.append(Question(e.id, e.kind, e.choices, e.min, e.max, base=e.id))
                continue
            chosen = answers.get(e.for_each, ())
            if not isinstance(chosen, tuple):
                continue
            parent = self.entry(e.for_each)
            for subject in parent.choices:  # schema order, whatever order the user ticked
                if subject in chosen:
                    out.append(
                        Question(
                            f"{e.id}.{subject}",
                            e.kind,
                            e.choices,
                            e.min,
                            e.max,
                            base=e.id,
                            subject=subject,
                        )
                    )
        return tuple(out)

    def entry(self, entry_id: str) -> SchemaEntry:
        for e in self.entries:
            if e.id == entry_id:
                return e
        raise KeyError(entry_id)

    def question(self, question_id: str, answers: Answers | None = None) -> Question | None:
        """The question with this id, whether or not it is currently asked."""
        base, _, subject = question_id.partition(".")
        try:
            e = self.entry(base)
        except KeyError:
            return None
        if e.for_each is None:
            return None if subject else Question(e.id, e.kind, e.choices, e.min, e.max, base=e.id)
        if subject not in self.entry(e.for_each).choices:
            return None
        return Question(question_id, e.kind, e.choices, e.min, e.max, base=e.id, subject=subject)

    def all_questions(self) -> tuple[Question, ...]:
        """Every question that can be asked (each ``for_each`` for every possible subject)."""
        everything: dict[str, AnswerValue] = {
            e.id: e.choices for e in self.entries if e.kind is Kind.MANY
        }
        return self.sequence(everything)


def load_schema(path: Path | None = None) -> Schema:
    """Read and check the questions file; raise :class:`SchemaError` naming the bad key."""
    path = path or PROMPTS_DIR / "questions.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SchemaError(f"{path}: {exc}") from exc
    problems = list(schema_problems(data, path))
    if problems:
        raise SchemaError("\n".join(problems))
    entries = tuple(
        SchemaEntry(
            id=q["id"],
            kind=Kind(q["kind"]),
            choices=tuple(q.get("choices", ())),
            min=int(q.get("min", 0)),
            max=int(q.get("max", 0)),
            for_each=q.get("for_each"),
        )
        for q in data["question"]
    )
    return Schema(version=int(data["version"]), entries=entries)


def schema_problems(data: Mapping[str, Any], path: Path) -> Sequence[str]:
    """Every problem in a parsed questions file, each as ``file: key: why``."""
    problems: list[str] = []
    if not isinstance(data.get("version"), int):
        problems.append(f"{path}: version: must be an integer")
    questions = data.get("question")
    if not isinstance(questions, list) or not questions:
        return [*problems, f"{path}: question: at least one [[question]] is needed"]
    seen: dict[str, str] = {}
    for i, q in enumerate(questions):
        where = f"{path}: question[{i}]"
        qid = q.get("id")
        if not isinstance(qid, str) or not qid.replace("_", "").isalnum():
            problems.append(f"{where}.id: must be a word of letters, digits and _")
            continue
        where = f"{path}: {qid}"
        if qid in seen:
            problems.append(f"{where}: id used twice")
        kind = q.get("kind")
        if kind not in set(Kind):
            problems.append(f"{where}.kind: {kind!r} is not one of {', '.join(Kind)}")
            continue
        seen[qid] = kind
        choices = q.get("choices", [])
        if kind in (Kind.ONE, Kind.MANY):
            if not choices or not all(isinstance(c, str) and c for c in choices):
                problems.append(f"{where}.choices: a {kind} question needs choice ids")
            elif len(set(choices)) != len(choices):
                problems.append(f"{where}.choices: a choice id is used twice")
        elif kind in (Kind.TEXT, Kind.INTEGER, Kind.SCALE):
            lo, hi = q.get("min"), q.get("max")
            if not (isinstance(lo, int) and isinstance(hi, int) and lo <= hi):
                problems.append(f"{where}.min/max: a {kind} question needs integers min <= max")
        parent = q.get("for_each")
        if parent is not None and seen.get(parent) != Kind.MANY:
            problems.append(f"{where}.for_each: {parent!r} is not an earlier 'many' question")
    return problems
