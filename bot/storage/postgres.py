"""PostgreSQL storage: SQLAlchemy Core statements and pool, run on asyncpg directly.

A round trip is the cost that counts here, so every operation is ONE statement on an
autocommit connection: a statement is atomic by itself, and there is no BEGIN, COMMIT or
rollback-on-return to pay for. A turn's write is a data-modifying CTE: the compare-and-set
``UPDATE ... WHERE version = expected RETURNING id``, then the answers written only for the id
it returned. Under READ COMMITTED a concurrent writer of the same conversation waits for the
row lock, then re-checks ``version`` on the new row and writes nothing.

The statements are SQLAlchemy Core, compiled once for asyncpg (``$n`` parameters) by
:class:`Prepared`; each call takes a connection from SQLAlchemy's pool and runs its SQL on the
asyncpg connection under it, where asyncpg's cache keeps it prepared. Going through
``AsyncConnection.execute`` instead (greenlet hops, the compiled-cache lookup, result wrapping)
cost a turn more than twice the client CPU (~760 µs against ~330 with ``bench.turns``), and the
server more too. The turn's statement leaves out the CTEs it does not need (see :func:`cas`).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import asyncpg  # type: ignore[import-untyped]  # no stubs; used through Any
from sqlalchemy import DateTime, Text, bindparam, delete, func, select, text, true, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from bot.events import ConversationKey
from bot.storage.rows import Loaded, Params, State, bind_first
from bot.storage.tables import answers, conversations, inbox, processed_events
from bot.store import InboxItem, StoreUnavailable

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


def cas(by_id: bool, upserts: bool, deletes: bool) -> Any:
    """A turn's compare-and-set (by key, and by id when known), with only the answer writes
    the turn has: most have no delete, some no answer at all, and a CTE left out is server
    time saved."""
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
    writes = [write_answers(stored.c.id)] if upserts else []
    if deletes:
        deleted = delete(answers).where(
            (A.conversation_id == stored.c.id)
            & (A.question_id == func.any(bindparam("deleted", type_=ARRAY(Text))))
        )
        writes.append(deleted.cte("deleted"))
    return select(stored.c.id).add_cte(*writes)


def create(with_answers: bool) -> Any:
    """A ``version == 0`` save: the row if none exists for the key (else no id), its answers."""
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
    return select(created.c.id).add_cte(*([write_answers(created.c.id)] if with_answers else []))


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
    .where(N.platform == bindparam("i_platform"))
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
MARK = (
    insert(processed_events)
    .values(platform=bindparam("platform"), event_id=bindparam("event_id"), seen_at=NOW)
    .on_conflict_do_nothing()
)
PRUNE = delete(processed_events).where(E.seen_at < bindparam("before"))
POOL_SIZE = 20
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout, OSError, TimeoutError)
"""What failing to get a pooled connection raises when the server cannot be reached."""
RETRY = {"55P03", "57014", "40001", "40P01"}
"""SQLSTATEs worth a retry: lock timeout, statement cancelled, serialization, deadlock."""
RETRY_CLASSES = {"08", "53", "57"}
"""Connection lost, out of resources, server shutting down."""
LOST = (asyncpg.InterfaceError, asyncpg.InternalClientError, OSError, TimeoutError)
"""Client-side failures after which a connection is not to be trusted again. The internal
error is what a statement meets on a connection the server has just ended (its error
message read, the end of the stream not yet)."""
DIALECT = PGDialect_asyncpg()  # type: ignore[no-untyped-call]


class Prepared:
    """A Core statement compiled once for asyncpg: its SQL, and its parameters in order.

    :meth:`args` turns named parameters into the positional ones of the SQL, with the values
    the statement itself holds (``version + 1``) and the bind processors of their types.
    """

    __slots__ = ("processors", "slots", "sql")

    def __init__(self, statement: ClauseElement) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=DIALECT))
        if compiled.positiontup is None or DIALECT.paramstyle != "numeric_dollar":
            raise TypeError("statements must compile to asyncpg's $n parameters")
        self.sql: str = compiled.string
        self.slots: list[tuple[str, bool, Any]] = []
        self.processors: list[tuple[int, Any]] = []
        for index, name in enumerate(compiled.positiontup):
            bind = compiled.binds[name]
            if bind.expanding:
                raise TypeError(f"expanding parameter {name!r}: pass an array instead")
            fixed = None if bind.required else bind.effective_value
            self.slots.append((name, bind.required, fixed))
            processor = bind.type.dialect_impl(DIALECT).bind_processor(DIALECT)
            if processor is not None:
                self.processors.append((index, processor))

    def args(self, params: Mapping[str, Any]) -> list[Any]:
        values = [params[name] if required else fixed for name, required, fixed in self.slots]
        for index, processor in self.processors:
            if values[index] is not None:
                values[index] = processor(values[index])
        return values


P_LOAD = Prepared(LOAD)
P_CREATE = {with_answers: Prepared(create(with_answers)) for with_answers in (False, True)}
P_UPDATE = {
    (by_id, upserts, deletes): Prepared(cas(by_id, upserts, deletes))
    for by_id in (False, True)
    for upserts in (False, True)
    for deletes in (False, True)
}
"""The compare-and-set variants, by (id known, answers to write, answers to delete)."""
P_FORGET, P_MARK, P_PRUNE = Prepared(FORGET), Prepared(MARK), Prepared(PRUNE)
P_INBOX_PUT, P_INBOX_DONE = Prepared(INBOX_PUT), Prepared(INBOX_DONE)
P_INBOX_CLAIM, P_INBOX_CLAIMANTS = Prepared(INBOX_CLAIM), Prepared(INBOX_CLAIMANTS)
P_HAS_REVISION = Prepared(text("SELECT to_regclass('alembic_version') IS NOT NULL"))
P_REVISION = Prepared(text("SELECT version_num FROM alembic_version"))
P_PING = Prepared(text("SELECT 1"))


class Positional:
    """A portable statement (``?`` placeholders) numbered for asyncpg (``$1``, ``$2``...).

    Portable statements never hold a ``?`` inside a literal, so each one is a placeholder.
    """

    __slots__ = ("sql",)

    def __init__(self, sql: str) -> None:
        parts = sql.split("?")
        self.sql = parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], 1))

    def args(self, params: Params) -> list[Any]:
        return list(params)


@functools.lru_cache(maxsize=256)
def positional(sql: str) -> Positional:
    return Positional(sql)


def key_params(key: ConversationKey) -> dict[str, Any]:
    return {"k_platform": key.platform, "k_workspace": key.workspace, "k_user_id": key.user}


def state_params(state: State) -> dict[str, Any]:
    return {f"s_{name}": value for name, value in state._asdict().items()}


def answer_params(rows: list[tuple[str, str]]) -> dict[str, Any]:
    return {"qids": [q for q, _ in rows], "values": [v for _, v in rows]}


def driver(pooled: PoolProxiedConnection) -> Any:
    """The asyncpg connection under a pooled one."""
    conn = pooled.driver_connection
    assert conn is not None
    return conn


def optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def changed_rows(status: str) -> int:
    """The row count of a command status (``INSERT 0 1``, ``DELETE 3``)."""
    return int(status.rsplit(" ", 1)[-1])


class PostgresBackend:
    """The PostgreSQL side of :class:`bot.storage.SqlStore`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, *, timeout: float = 5.0) -> PostgresBackend:
        """A fixed pool of autocommit connections. ``timeout`` bounds connecting, waiting
        for a pooled connection and waiting for a row lock. No pre-ping (a round trip per
        use): a connection found closed when taken is replaced, one that fails during a
        call fails that call with StoreUnavailable and is replaced."""
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

    async def _checkout(self) -> PoolProxiedConnection:
        """A pooled connection that is still open; failing to reach the server becomes
        StoreUnavailable."""
        for _ in range(POOL_SIZE + 1):
            try:
                pooled = await self.engine.raw_connection()
            except DBAPIError as exc:
                if not unreachable(exc):
                    raise
                raise StoreUnavailable(f"PostgreSQL: {exc.orig or exc}") from exc
            except UNAVAILABLE as exc:
                raise StoreUnavailable(f"PostgreSQL: {exc}") from exc
            if not driver(pooled).is_closed():
                return pooled
            # Closed while idle (the server restarted or ended it): nothing was sent on it.
            pooled.invalidate()
            pooled.close()
        raise StoreUnavailable("PostgreSQL: every pooled connection was closed")

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[Any]:
        """A pooled connection's asyncpg connection, for one statement or one transaction.
        Losing the connection, a lock timeout, a conflict or a server going down become
        StoreUnavailable; a connection that may be broken is replaced."""
        pooled = await self._checkout()
        conn = driver(pooled)
        try:
            yield conn
        except asyncpg.PostgresError as exc:
            # After a FATAL error the server has ended the session, though the client may
            # not have read the end of the stream yet.
            if conn.is_closed() or getattr(exc, "severity", None) in ("FATAL", "PANIC"):
                pooled.invalidate(exc)
            code = str(exc.sqlstate or "")
            if code in RETRY or code[:2] in RETRY_CLASSES:
                raise StoreUnavailable(f"PostgreSQL: {exc}") from exc
            raise
        except LOST as exc:
            pooled.invalidate(exc)
            raise StoreUnavailable(f"PostgreSQL: {exc!r}") from exc
        finally:
            # Synchronous: no transaction is open on the pool's adapter, so the reset on
            # return is a no-op; a statement cut off by cancellation is cancelled by asyncpg,
            # which makes the connection's next user wait for that first.
            pooled.close()

    async def _run(self, how: str, statement: Prepared | Positional, params: Any) -> Any:
        """``statement`` run by asyncpg's ``fetch``, ``fetchval`` or ``execute`` (``how``)."""
        async with self._connection() as conn:
            return await getattr(conn, how)(statement.sql, *statement.args(params))

    async def load(self, key: ConversationKey) -> Loaded | None:
        rows = await self._run("fetch", P_LOAD, key_params(key))
        if not rows:
            return None
        first = rows[0]
        found = [(r[10], r[11]) for r in rows if r[10] is not None]
        return Loaded(first[0], State(*first[1:9]), first[9], found)

    async def create(
        self, key: ConversationKey, state: State, answer_rows: list[tuple[str, str]]
    ) -> int | None:
        params = {**key_params(key), **state_params(state), **answer_params(answer_rows)}
        params["now"] = datetime.now(UTC)
        statement = P_CREATE[bool(answer_rows)]
        return optional_int(await self._run("fetchval", statement, params))

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
        params["conv_id"] = conv_id
        statement = P_UPDATE[conv_id is not None, bool(upserts), bool(deletes)]
        return optional_int(await self._run("fetchval", statement, params))

    async def forget(self, key: ConversationKey) -> int:
        return int(await self._run("fetchval", P_FORGET, key_params(key)) or 0)

    async def mark_event(self, platform: str, event_id: str) -> bool:
        params = {"platform": platform, "event_id": event_id, "now": datetime.now(UTC)}
        return changed_rows(await self._run("execute", P_MARK, params)) == 1

    async def prune_events(self, older_than_seconds: float) -> int:
        before = datetime.now(UTC) - timedelta(seconds=older_than_seconds)
        return changed_rows(await self._run("execute", P_PRUNE, {"before": before}))

    async def inbox_put(self, key: ConversationKey, payload: str, claimant: str) -> int:
        params = {**key_params(key), "payload": payload, "claimant": claimant}
        item_id = await self._run("fetchval", P_INBOX_PUT, {**params, "now": datetime.now(UTC)})
        assert item_id is not None
        return int(item_id)

    async def inbox_done(self, item_id: int) -> None:
        await self._run("execute", P_INBOX_DONE, {"item_id": item_id})

    async def inbox_claim(
        self, platform: str, claimant: str, dead: list[str], lease_seconds: float, limit: int
    ) -> list[InboxItem]:
        now = datetime.now(UTC)
        params = {
            "i_platform": platform,
            "claimant": claimant,
            "dead": dead,
            "expired": now - timedelta(seconds=lease_seconds),
            "limit": limit,
            "now": now,
        }
        rows = await self._run("fetch", P_INBOX_CLAIM, params)
        return sorted(
            (
                InboxItem(
                    r["id"],
                    ConversationKey(r["platform"], r["workspace"], r["user_id"]),
                    r["payload"],
                    (now - r["received_at"]).total_seconds(),
                )
                for r in rows
            ),
            key=lambda item: item.id,
        )

    async def inbox_claimants(self) -> set[str]:
        return {str(r[0]) for r in await self._run("fetch", P_INBOX_CLAIMANTS, {})}

    def stamp(self, epoch: float) -> Any:
        return datetime.fromtimestamp(epoch, UTC)

    async def rows(self, sql: str, params: Params, *, write: bool = True) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self._run("fetch", positional(sql), params)]

    async def count(self, sql: str, params: Params) -> int:
        return changed_rows(await self._run("execute", positional(sql), params))

    async def script(self, steps: Sequence[tuple[str, Params]]) -> list[list[tuple[Any, ...]]]:
        """The statements in one transaction on one pooled connection."""
        results: list[list[tuple[Any, ...]]] = []
        first: object = None
        async with self._connection() as conn, conn.transaction():
            for sql, params in steps:
                found = await conn.fetch(positional(sql).sql, *bind_first(params, first))
                if not results and found:
                    first = found[0][0]
                results.append([tuple(r) for r in found])
        return results

    async def schema_revision(self) -> str | None:
        if not await self._run("fetchval", P_HAS_REVISION, {}):
            return None
        revision = await self._run("fetchval", P_REVISION, {})
        return None if revision is None else str(revision)

    async def ping(self) -> bool:
        try:
            return bool(await self._run("fetchval", P_PING, {}) == 1)
        except StoreUnavailable:
            return False

    async def close(self) -> None:
        await self.engine.dispose()


def unreachable(exc: DBAPIError) -> bool:
    """Whether failing to get a connection is one a later try may cure (the server down,
    out of connections, shutting down)."""
    code = str(getattr(exc.orig, "sqlstate", None) or "")
    retry = code in RETRY or code[:2] in RETRY_CLASSES
    return retry or exc.connection_invalidated or isinstance(exc, UNAVAILABLE)
