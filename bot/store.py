"""The storage port. The core talks to this protocol; ``bot.sql_store`` implements it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from bot.conversation import Conversation
from bot.events import ConversationKey
from bot.schema import AnswerValue


class StoreUnavailable(Exception):
    """The database could not be reached or stayed locked: the user should try again."""


class Store(Protocol):
    """Durable conversations. Every method is one transaction."""

    async def load(self, key: ConversationKey) -> Conversation | None:
        """The stored conversation, answers included, or ``None``."""

    async def save(
        self,
        key: ConversationKey,
        conversation: Conversation,
        changed: Mapping[str, AnswerValue | None],
    ) -> bool:
        """Write ``conversation`` if the stored version is still ``conversation.version``.

        On success the stored version becomes ``conversation.version + 1``. ``changed`` lists the
        answers to upsert (a value) or delete (``None``); ``conversation.answers`` is the full
        result and may be used instead. A conversation with ``version == 0`` is created, and that
        fails if one already exists. Returns ``False``, writing nothing, when the version moved on.
        """

    async def forget(self, platform: str, workspace: str, user: str) -> int:
        """Delete every row of this user (conversations, answers, events). Returns rows removed."""

    async def mark_event(self, platform: str, event_id: str) -> bool:
        """Record a processed platform event id; ``False`` if it was already recorded."""

    async def prune_events(self, older_than_seconds: float) -> int:
        """Drop the event ids recorded more than ``older_than_seconds`` ago; returns how many.

        Ids are kept only to recognise a platform's retried deliveries, which stop within
        minutes (Slack retries for about five), so the table need not grow forever.
        """

    async def ping(self) -> bool:
        """Whether the database answers."""

    async def close(self) -> None: ...
