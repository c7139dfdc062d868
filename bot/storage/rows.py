"""What the SQL store and its backends exchange: a conversation's row, the answers as stored,
and the :class:`Backend` protocol each database engine implements."""

from __future__ import annotations

import json
from typing import NamedTuple, Protocol

from bot.events import ConversationKey
from bot.schema import AnswerValue
from bot.store import InboxItem


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
