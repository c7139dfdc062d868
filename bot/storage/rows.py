"""What the SQL store and its backends exchange: a conversation's row, the answers as stored,
and the :class:`Backend` protocol each database engine implements."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol

from bot.events import ConversationKey
from bot.schema import AnswerValue
from bot.store import InboxItem

Params = Sequence[Any]
"""The values of a portable statement's ``?`` placeholders, in order.

Portable statements are the SQL both SQLite and PostgreSQL accept (``ON CONFLICT``,
``RETURNING``, ``CAST``), used where a round trip is not the hot path (team rounds); the
PostgreSQL backend numbers the placeholders for asyncpg."""


class _First:
    def __repr__(self) -> str:
        return "FIRST"


FIRST: Any = _First()
"""In :meth:`Backend.script`: the first value returned by the script's first statement."""


def bind_first(params: Params, first: object) -> list[Any]:
    return [first if p is FIRST else p for p in params]


class State(NamedTuple):
    """A conversation's row, without its answers."""

    lang: str
    interview_version: int
    phase: str
    cursor: str | None
    return_to: str | None
    shown_channel: str | None
    shown_message: str | None
    shown_view: str | None


class Loaded(NamedTuple):
    id: int
    state: State
    version: int
    answers: list[tuple[str, str]]
    """(question id, JSON value) pairs."""


class Backend(Protocol):
    """What one database engine does; every method is one transaction."""

    async def load(self, key: ConversationKey) -> Loaded | None: ...
    async def create(
        self, key: ConversationKey, state: State, answers: list[tuple[str, str]]
    ) -> int | None: ...
    async def update(
        self,
        key: ConversationKey,
        conv_id: int | None,
        expected: int,
        state: State,
        upserts: list[tuple[str, str]],
        deletes: list[str],
    ) -> int | None: ...
    async def forget(self, key: ConversationKey) -> int: ...
    async def mark_event(self, platform: str, event_id: str) -> bool: ...
    async def inbox_put(self, key: ConversationKey, payload: str, claimant: str) -> int: ...
    async def inbox_done(self, item_id: int) -> None: ...
    async def inbox_claim(
        self, platform: str, claimant: str, dead: list[str], lease_seconds: float, limit: int
    ) -> list[InboxItem]: ...
    async def inbox_claimants(self) -> set[str]: ...
    async def prune_events(self, older_than_seconds: float) -> int: ...
    async def rows(self, sql: str, params: Params, *, write: bool = True) -> list[tuple[Any, ...]]:
        """One portable statement (``?`` placeholders), its rows."""

    async def count(self, sql: str, params: Params) -> int:
        """One portable statement, the rows it changed."""

    def stamp(self, epoch: float) -> Any:
        """An epoch as this database stores the conversations' timestamps (to compare)."""

    async def script(self, steps: Sequence[tuple[str, Params]]) -> list[list[tuple[Any, ...]]]:
        """Statements in one transaction, all or none; the rows each returned. A parameter
        that is :data:`FIRST` stands for the first value the first statement returned (the
        id of a row it inserted)."""

    async def schema_revision(self) -> str | None: ...
    async def ping(self) -> bool: ...
    async def close(self) -> None: ...


def encode(value: AnswerValue) -> str:
    """An answer as stored: JSON (a list for several choices)."""
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


def decode(text: str) -> AnswerValue:
    value = json.loads(text)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, int | str):
        return value
    raise ValueError(f"unexpected stored answer {text!r}")
