"""The SQL implementation of :class:`bot.store.Store`, for SQLite and PostgreSQL.

A turn is one transaction: a compare-and-set on the conversation's version, then the changed
answers. The per-database work lives in two backends behind :class:`Backend`:

- SQLite (``bot.storage.sqlite.backend``): one connection owned by one worker thread; each
  transaction is a single call into that thread (``BEGIN IMMEDIATE`` ... ``COMMIT``).
  Cross-thread hops are what a turn costs here (~80 µs each), so a turn takes one hop instead
  of one per statement.
- PostgreSQL (``bot.storage.postgres``): SQLAlchemy Core on asyncpg with a connection pool.

Loads are served from a small in-process cache of the conversations this process stored or
read last. It is always validated by the version compare-and-set: if another process wrote in
the meantime, the save returns ``False``, the entry is dropped and the caller reloads.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from bot.conversation import Conversation, Phase, Shown
from bot.errors import ConfigError
from bot.events import ConversationKey
from bot.schema import AnswerValue
from bot.settings import normalize_database_url
from bot.storage.jobs import SqlJobs
from bot.storage.polls import SqlPolls
from bot.storage.rounds import SqlRounds
from bot.storage.rows import Backend, State, decode, encode
from bot.store import InboxItem

if TYPE_CHECKING:
    from bot.storage.sqlite.backend import SqliteBackend

SCHEMA_REVISION = "0006_polls_and_jobs"
"""The Alembic head this code expects; a database already there starts without loading Alembic."""


class SqlStore:
    """Durable conversations in SQL. See the module docstring for the design."""

    def __init__(self, backend: Backend, *, cache_size: int = 1024) -> None:
        self.backend = backend
        self.cache_size = cache_size
        self._cache: OrderedDict[ConversationKey, tuple[int, Conversation]] = OrderedDict()
        self.rounds = SqlRounds(backend)
        """Team rounds, in the same database."""
        self.jobs = SqlJobs(backend)
        """Scheduled jobs (poll closings, check-ins, reminders)."""
        self.polls = SqlPolls(backend)
        """Listening polls and their votes."""

    @property
    def caching(self) -> bool:
        return self.cache_size > 0

    async def load(self, key: ConversationKey, *, fresh: bool = False) -> Conversation | None:
        """The stored conversation with its answers (from the cache when this process has it,
        unless ``fresh``)."""
        entry = None if fresh else self._cache.get(key)
        if entry is not None:
            self._cache.move_to_end(key)
            return _copy(entry[1], dict(entry[1].answers), entry[1].version)
        loaded = await self.backend.load(key)
        if loaded is None:
            self._cache.pop(key, None)
            return None
        s = loaded.state
        shown = None
        if s.shown_channel and s.shown_message and s.shown_view is not None:
            shown = Shown(s.shown_channel, s.shown_message, s.shown_view)
        conv = Conversation(
            lang=s.lang,
            interview_version=s.interview_version,
            phase=Phase(s.phase),
            cursor=s.cursor,
            return_to=Phase(s.return_to) if s.return_to else None,
            answers={qid: decode(text) for qid, text in loaded.answers},
            version=loaded.version,
            shown=shown,
        )
        self._remember(key, loaded.id, conv)
        return _copy(conv, dict(conv.answers), conv.version)

    async def save(
        self,
        key: ConversationKey,
        conversation: Conversation,
        changed: Mapping[str, AnswerValue | None],
    ) -> bool:
        """Compare-and-set on ``conversation.version``, then write the changed answers."""
        entry = self._cache.pop(key, None)  # re-added below only if the write succeeds
        shown = conversation.shown
        state = State(
            conversation.lang,
            conversation.interview_version,
            conversation.phase.value,
            conversation.cursor,
            conversation.return_to.value if conversation.return_to else None,
            shown.channel if shown else None,
            shown.message if shown else None,
            shown.view if shown else None,
        )
        if conversation.version == 0:
            answers = dict(conversation.answers)
            rows = [(qid, encode(v)) for qid, v in answers.items()]
            conv_id = await self.backend.create(key, state, rows)
        else:
            base = entry if entry is not None and entry[1].version == conversation.version else None
            upserts = [(qid, encode(v)) for qid, v in changed.items() if v is not None]
            deletes = [qid for qid, v in changed.items() if v is None]
            hint = base[0] if base is not None else None
            conv_id = await self.backend.update(
                key, hint, conversation.version, state, upserts, deletes
            )
            if base is None:
                return conv_id is not None  # stored answers not known here: next load reads them
            answers = dict(base[1].answers)
            for qid, value in changed.items():
                if value is None:
                    answers.pop(qid, None)
                else:
                    answers[qid] = value
        if conv_id is None:
            return False
        self._remember(key, conv_id, _copy(conversation, answers, conversation.version + 1))
        return True

    async def forget(self, platform: str, workspace: str, user: str) -> int:
        """Delete this user's conversation, answers, inbox rows and round participations (and
        their name on rounds they opened); returns the rows removed."""
        key = ConversationKey(platform, workspace, user)
        self._cache.pop(key, None)
        removed = await self.backend.forget(key)
        removed += await self.polls.forget_user(platform, workspace, user)
        removed += await self.jobs.forget_user(f"{platform}:{workspace}:{user}")
        return removed + await self.rounds.forget_user(platform, workspace, user)

    async def mark_event(self, platform: str, event_id: str) -> bool:
        """``False`` if this platform event id was already recorded."""
        return await self.backend.mark_event(platform, event_id)

    async def prune_events(self, older_than_seconds: float = 86_400.0) -> int:
        """Drop processed event ids older than this (platforms stop retrying within minutes)."""
        return await self.backend.prune_events(older_than_seconds)

    async def inbox_put(self, key: ConversationKey, payload: str, claimant: str) -> int:
        return await self.backend.inbox_put(key, payload, claimant)

    async def inbox_done(self, item_id: int) -> None:
        await self.backend.inbox_done(item_id)

    async def inbox_claim(
        self,
        platform: str,
        claimant: str,
        *,
        dead: Collection[str],
        lease_seconds: float,
        limit: int = 100,
    ) -> list[InboxItem]:
        return await self.backend.inbox_claim(
            platform, claimant, sorted(dead), lease_seconds, limit
        )

    async def inbox_claimants(self) -> set[str]:
        return await self.backend.inbox_claimants()

    async def ping(self) -> bool:
        return await self.backend.ping()

    async def close(self) -> None:
        """Release the connections and the worker thread. Safe to call twice."""
        self._cache.clear()
        await self.backend.close()

    def _remember(self, key: ConversationKey, conv_id: int, conv: Conversation) -> None:
        if self.cache_size <= 0:
            return
        self._cache[key] = (conv_id, conv)
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)


def _copy(conv: Conversation, answers: dict[str, AnswerValue], version: int) -> Conversation:
    """``replace(conv, answers=..., version=...)``, without its cost on the hot path."""
    return Conversation(
        conv.lang,
        conv.interview_version,
        conv.phase,
        conv.cursor,
        conv.return_to,
        answers,
        version,
        conv.shown,
    )


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite`` URL, ``None`` for another database. Memory ones are refused."""
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme.startswith("sqlite"):
        return None
    path = rest.split("?", 1)[0].removeprefix("/")
    if not path or path == ":memory:":
        raise ConfigError(
            "DATABASE_URL: an in-memory SQLite database cannot be shared; use a file."
        )
    return Path(path)


async def open_store(
    url: str, *, busy_timeout: float = 5.0, cache_size: int | None = None
) -> SqlStore:
    """Open the database at ``url`` (creating a SQLite file's folder), migrate it to the head
    revision and return the store. ``busy_timeout`` bounds how long a turn waits for a lock or
    a connection before :class:`bot.store.StoreUnavailable`. ``cache_size`` defaults to 1024
    conversations on SQLite and 0 on PostgreSQL, where other processes usually share the data.
    """
    url = normalize_database_url(url)
    path = sqlite_path(url)
    backend: Backend
    sqlite: SqliteBackend | None = None
    if path is not None:
        from bot.storage.sqlite.backend import SqliteBackend

        path.parent.mkdir(parents=True, exist_ok=True)
        backend = sqlite = await SqliteBackend.open(path, busy_timeout=busy_timeout)
    else:
        from bot.storage.postgres import PostgresBackend

        backend = PostgresBackend.open(url, timeout=busy_timeout)
    try:
        found = await backend.schema_revision()
        if found is None and sqlite is not None:
            # A new SQLite file: the head schema from a DDL script, without loading Alembic.
            found = await sqlite.create_schema()
        if found != SCHEMA_REVISION:
            from bot.storage.migrate import upgrade

            await upgrade(url, busy_timeout=busy_timeout)
    except BaseException:
        await backend.close()
        raise
    default_cache = 1024 if path is not None else 0
    return SqlStore(backend, cache_size=default_cache if cache_size is None else cache_size)
