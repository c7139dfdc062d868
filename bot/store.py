"""The storage port. The core talks to this protocol; ``bot.storage`` implements it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Protocol

from bot.conversation import Conversation
from bot.events import ConversationKey
from bot.schema import AnswerValue


class StoreUnavailable(Exception):
    """The database could not be reached or stayed locked: the user should try again."""


@dataclass(frozen=True, slots=True)
class InboxItem:
    """An acknowledged platform event waiting for (or in) its turn: see :mod:`bot.inbox`."""

    id: int
    key: ConversationKey
    payload: str
    """What the adapter needs to run the turn again, as it wrote it (JSON)."""
    age: float
    """Seconds since it was received."""


class Store(Protocol):
    """Durable conversations. Every method is one transaction."""

    @property
    def caching(self) -> bool:
        """Whether :meth:`load` may answer from a cache of this process (then possibly stale)."""

    async def load(self, key: ConversationKey, *, fresh: bool = False) -> Conversation | None:
        """The stored conversation, answers included, or ``None``.

        ``fresh`` reads the database itself, past any cache: for a decision no later
        compare-and-set will check.
        """

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
        """Delete every row of this user (conversations, answers, inbox). Returns rows removed."""

    async def mark_event(self, platform: str, event_id: str) -> bool:
        """Record a processed platform event id; ``False`` if it was already recorded."""

    async def prune_events(self, older_than_seconds: float) -> int:
        """Drop the event ids recorded more than ``older_than_seconds`` ago; returns how many.

        Ids are kept only to recognise a platform's retried deliveries, which stop within
        minutes (Slack retries for about five), so the table need not grow forever.
        """

    async def inbox_put(self, key: ConversationKey, payload: str, claimant: str) -> int:
        """Record an event before it is acknowledged, claimed by ``claimant``; its id."""

    async def inbox_done(self, item_id: int) -> None:
        """The event's turn is over: remove it."""

    async def inbox_claim(
        self,
        platform: str,
        claimant: str,
        *,
        dead: Collection[str],
        lease_seconds: float,
        limit: int = 100,
    ) -> list[InboxItem]:
        """Claim for ``claimant`` the ``platform``'s events left by others: unclaimed,
        claimed by one of ``dead``, or claimed more than ``lease_seconds`` ago. Oldest first,
        at most ``limit``."""

    async def inbox_claimants(self) -> set[str]:
        """Who holds inbox rows now (to tell which of them are dead)."""

    async def ping(self) -> bool:
        """Whether the database answers."""

    async def close(self) -> None: ...
