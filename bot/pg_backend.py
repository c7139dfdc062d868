"""PostgreSQL storage: SQLAlchemy Core on asyncpg, with a connection pool.

A round trip is the cost that counts here, so every operation is ONE statement on an
autocommit connection: a statement is atomic by itself, and there is no BEGIN, COMMIT or
rollback-on-return to pay for. A turn's write is a data-modifying CTE: the compare-and-set
``UPDATE ... WHERE version = expected RETURNING id``, then the answers written only for the id
it returned. Under READ COMMITTED a concurrent writer of the same conversation waits for the
row lock, then re-checks ``version`` on the new row and writes nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, Text, bindparam, delete, func, select, text, true, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.events import ConversationKey
from bot.sql_store import Loaded, State
from bot.store import InboxItem, StoreUnavailable
from bot.tables import answers, conversations, inbox, processed_events

C, A, E, N = conversations.c, answers.c, processed_events.c, inbox.c
KEY = (
    (C.platform == bindparam("k_platform"))
    & (C.workspace == bindparam("k_workspace"))
    & (C.user_id == bindparam("k_user_id"))
)
NOW = bindparam("now", type_=DateTime(timezone=True))
STATE: dict[str, Any] = {name: bindparam(f"s_{name}") for name in State._fields}
LOAD = (
    select(
        C.id,
        C.lang,
        C.interview_version,
        C.phase,
        C.cursor,
        C.return_to,
        C.shown_channel,
        C.shown_message,
        C.shown_view,
        C.version,
        A.question_id,
        A.value,
    )
    .select_from(conversations.outerjoin(answers, A.conversation_id == C.id))
    .where(KEY)
)


def write_answers(conv_id: Any) -> Any:
    """Upsert the ``(qids, values)`` arrays for the conversation id of a CTE, as a CTE."""
    rows = (
        func.unnest(bindparam("qids", type_=ARRAY(Text)), bindparam("values", type_=ARRAY(Text)))
        .table_valued("q", "v")
        .render_derived("x")
    )
    source = select(conv_id, rows.c.q, rows.c.v, NOW).join_from(conv_id.table, rows, true())
    upsert = insert(answers).from_select(
        [A.conversation_id, A.question_id, A.value, A.answered_at], source
    )
    return upsert.on_conflict_do_update(
        index_elements=[A.conversation_id, A.question_id],
        set_={"value": upsert.excluded.value, "answered_at": upsert.excluded.answered_at},
    ).cte("written")


def cas(by_id: bool) -> Any:
    where = KEY & (C.version == bindparam("expected"))
    if by_id:
        where &= C.id == bindparam("conv_id")
    stored = (
        update(conversations)
        .where(where)
        .values(**STATE, version=C.version + 1, updated_at=NOW)
        .returning(C.id)
        .cte("stored")
    )
    deleted = (
        delete(answers)
        .where(
            (A.conversation_id == stored.c.id)
            & (A.question_id == func.any(bindparam("deleted", type_=ARRAY(Text))))
        )
        .cte("deleted")
    )
    return select(stored.c.id).add_cte(write_answers(stored.c.id), deleted)


created = (
    insert(conversations)
    .values(
        platform=bindparam("k_platform"),
        workspace=bindparam("k_workspace"),
        user_id=bindparam("k_user_id"),
        **STATE,
        version=1,
        created_at=NOW,
        updated_at=NOW,
    )
    .on_conflict_do_nothing(index_elements=[C.platform, C.workspace, C.user_id])
    .returning(C.id)
    .cte("created")
)
CREATE = select(created.c.id).add_cte(write_answers(created.c.id))
UPDATE_BY_KEY, UPDATE_BY_ID = cas(False), cas(True)
gone = delete(conversations).where(KEY).returning(C.id).cte("gone")
gone_answers = delete(answers).where(A.conversation_id == gone.c.id).returning(A.value).cte("ga")
INBOX_KEY = (
    (N.platform == bindparam("k_platform"))
    & (N.workspace == bindparam("k_workspace"))
    & (N.user_id == bindparam("k_user_id"))
)
gone_inbox = delete(inbox).where(INBOX_KEY).returning(N.id).cte("gi")
FORGET = select(
    select(func.count()).select_from(gone).scalar_subquery()
    + select(func.count()).select_from(gone_answers).scalar_subquery()
    + select(func.count()).select_from(gone_inbox).scalar_subquery()
)
INBOX_PUT = (
    insert(inbox)
    .values(
        platform=bindparam("k_platform"),
        workspace=bindparam("k_workspace"),
        user_id=bindparam("k_user_id"),
        payload=bindparam("payload"),
        received_at=NOW,
        claimed_by=bindparam("claimant"),
        claimed_at=NOW,
    )
    .returning(N.id)
)
INBOX_DONE = delete(inbox).where(N.id == bindparam("item_id"))
left = (
    select(N.id)
    .where(N.platform == bindparam("platform"))
    .where(
        N.claimed_by.is_(None)
        | (N.claimed_by == func.any(bindparam("dead", type_=ARRAY(Text))))
        | (N.claimed_at < bindparam("expired", type_=DateTime(timezone=True)))
    )
    .order_by(N.id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
    .scalar_subquery()
)
INBOX_CLAIM = (
    update(inbox)
    .where(N.id.in_(left))
    .values(claimed_by=bindparam("claimant"), claimed_at=NOW)
    .returning(N.id, N.platform, N.workspace, N.user_id, N.payload, N.received_at)
)
INBOX_CLAIMANTS = select(N.claimed_by).where(N.claimed_by.is_not(None)).distinct()
MARK = insert(processed_events).on_conflict_do_nothing()
PRUNE = delete(processed_events).where(E.seen_at < bindparam("before"))
POOL_SIZE = 20
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout, OSError, TimeoutError)
RETRY = {"55P03", "57014", "40001", "40P01"}
"""SQLSTATEs worth a retry: lock timeout, statement cancelled, serialization, deadlock."""
RETRY_CLASSES = {"08", "53", "57"}
"""Connection lost, out of resources, server shutting down."""


def key_params(key: ConversationKey) -> dict[str, Any]:
    return {"k_platform": key.platform, "k_workspace": key.workspace, "k_user_id": key.user}


def state_params(state: State) -> dict[str, Any]:
    return {f"s_{name}": value for name, value in state._asdict().items()}


def answer_params(rows: list[tuple[str, str]]) -> dict[str, Any]:
    return {"qids": [q for q, _ in rows], "values": [v for _, v in rows]}


class PostgresBackend:
    """The PostgreSQL side of :class:`bot.sql_store.SqlStore`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, *, timeout: float = 5.0) -> PostgresBackend:
        """A fixed pool of autocommit connections. ``timeout`` bounds connecting, waiting
        for a pooled connection and waiting for a row lock. No pre-ping (a round trip per
        use): a connection found dead fails one call with StoreUnavailable and is replaced."""
        engine = create_async_engine(
            url,
            isolation_level="AUTOCOMMIT",
            # A fixed pool: overflow connections would be closed on return and reopened
            # under load, and opening one costs many round trips.
            pool_size=POOL_SIZE,
            max_overflow=0,
            pool_timeout=timeout,
            connect_args={
                "timeout": timeout,
                # A row locked by another writer for longer than this: StoreUnavailable.
                "server_settings": {
                    "application_name": "ecoute",
                    "lock_timeout": f"{int(timeout * 1000)}ms",
                },
            },
        )
        return cls(engine)

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection]:
        """A pooled connection; failing to reach the server becomes StoreUnavailable."""
        try:
            async with self.engine.connect() as conn:
                yield conn
        except DBAPIError as exc:
            code = str(getattr(exc.orig, "sqlstate", None) or "")
            retry = code in RETRY or code[:2] in RETRY_CLASSES
            if retry or exc.connection_invalidated or isinstance(exc, UNAVAILABLE):
                raise StoreUnavailable(f"PostgreSQL: {exc.orig or exc}") from exc
            raise
        except UNAVAILABLE as exc:
            raise StoreUnavailable(f"PostgreSQL: {exc}") from exc

    async def _one(self, statement: Any, params: dict[str, Any]) -> int | None:
        """The integer the statement returns (``None`` when it returns no row)."""
        async with self._connection() as conn:
            value = (await conn.execute(statement, params)).scalar()
        return None if value is None else int(value)

    async def load(self, key: ConversationKey) -> Loaded | None:
        async with self._connection() as conn:
            rows = (await conn.execute(LOAD, key_params(key))).all()
        if not rows:
            return None
        first = rows[0]
        found = [(r.question_id, r.value) for r in rows if r.question_id is not None]
        return Loaded(first.id, State(*first[1:9]), first.version, found)

    async def create(
        self, key: ConversationKey, state: State, answer_rows: list[tuple[str, str]]
    ) -> int | None:
        params = {**key_params(key), **state_params(state), **answer_params(answer_rows)}
        return await self._one(CREATE, {**params, "now": datetime.now(UTC)})

    async def update(
        self,
        key: ConversationKey,
        conv_id: int | None,
        expected: int,
        state: State,
        upserts: list[tuple[str, str]],
        deletes: list[str],
    ) -> int | None:
        params = {**key_params(key), **state_params(state), **answer_params(upserts)}
        params.update(expected=expected, deleted=deletes, now=datetime.now(UTC))
        if conv_id is None:
            return await self._one(UPDATE_BY_KEY, params)
        return await self._one(UPDATE_BY_ID, {**params, "conv_id": conv_id})

    async def forget(self, key: ConversationKey) -> int:
        return await self._one(FORGET, key_params(key)) or 0

    async def mark_event(self, platform: str, event_id: str) -> bool:
        row = {"platform": platform, "event_id": event_id, "seen_at": datetime.now(UTC)}
        async with self._connection() as conn:
            return (await conn.execute(MARK, row)).rowcount == 1

    async def prune_events(self, older_than_seconds: float) -> int:
        before = datetime.now(UTC) - timedelta(seconds=older_than_seconds)
        async with self._connection() as conn:
            return (await conn.execute(PRUNE, {"before": before})).rowcount

    async def inbox_put(self, key: ConversationKey, payload: str, claimant: str) -> int:
        params = {**key_params(key), "payload": payload, "claimant": claimant}
        item_id = await self._one(INBOX_PUT, {**params, "now": datetime.now(UTC)})
        assert item_id is not None
        return item_id

    async def inbox_done(self, item_id: int) -> None:
        async with self._connection() as conn:
            await conn.execute(INBOX_DONE, {"item_id": item_id})

    async def inbox_claim(
        self, platform: str, claimant: str, dead: list[str], lease_seconds: float, limit: int
    ) -> list[InboxItem]:
        now = datetime.now(UTC)
        params = {
            "platform": platform,
            "claimant": claimant,
            "dead": dead,
            "expired": now - timedelta(seconds=lease_seconds),
            "limit": limit,
            "now": now,
        }
        async with self._connection() as conn:
            rows = (await conn.execute(INBOX_CLAIM, params)).all()
        return sorted(
            (
                InboxItem(
                    r.id,
                    ConversationKey(r.platform, r.workspace, r.user_id),
                    r.payload,
                    (now - r.received_at).total_seconds(),
                )
                for r in rows
            ),
            key=lambda item: item.id,
        )

    async def inbox_claimants(self) -> set[str]:
        async with self._connection() as conn:
            return {str(r[0]) for r in (await conn.execute(INBOX_CLAIMANTS)).all()}

    async def schema_revision(self) -> str | None:
        query = "SELECT version_num FROM alembic_version"
        async with self._connection() as conn:
            if not (await conn.execute(text("SELECT to_regclass('alembic_version')"))).scalar():
                return None
            revision = (await conn.execute(text(query))).scalar()
        return None if revision is None else str(revision)

    async def ping(self) -> bool:
        try:
            return await self._one(text("SELECT 1"), {}) == 1
        except StoreUnavailable:
            return False

    async def close(self) -> None:
        await self.engine.dispose()
