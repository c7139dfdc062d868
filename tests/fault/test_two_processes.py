"""Two ``ecoute slack --http`` processes on one database, as several web processes run.

Users' requests alternate between the two (a load balancer with no affinity), some clicks
land on both at once (a double click split across processes), DM answers are redelivered to
the other process when one does not answer, and one process is SIGKILLed mid-load, then
restarted. On SQLite (one file) and on a throwaway PostgreSQL. At the end:

- every conversation reached its verdict with every answer stored once, with its value;
- every answered question's DM message is its record, shown once; no question was posted
  twice (beyond the user's own ``/ecoute resume``); only the verdict still has buttons;
- no process logged a traceback.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from bot.catalog import load_catalog
from bot.events import ConversationKey
from bot.schema import AnswerValue, load_schema
from bot.storage import open_store
from tests import pgcluster
from tests.fault.processes import SECRET, Server, ecoute_slack
from tests.fault.slack_users import (
    Marketer,
    QuietSlack,
    answers_of,
    plan_of,
    record_texts,
    take_interview,
)
from tests.slack import slack_requests as rq
from tests.slack.driver import HttpTransport, elements, kind_of, question_of

pytestmark = pytest.mark.slow

TEAM = "T0TWO0001"
USERS = 8
DEADLINE = 240.0
SCHEMA = load_schema()
CATALOG = load_catalog()


class Spread(HttpTransport):
    """Each request to the next process in turn; a refused one goes to the other; some
    clicks are sent to both at once."""

    def __init__(
        self, servers: list[Server], session: aiohttp.ClientSession, rng: random.Random
    ) -> None:
        super().__init__("", SECRET, session)
        self.servers, self.rng = servers, rng
        self.turn = itertools.count()
        self.doubled = 0

    async def post(self, raw: rq.Raw, headers: dict[str, str]) -> tuple[int, str]:
        first = next(self.turn) % len(self.servers)
        order = self.servers[first:] + self.servers[:first]
        click = "payload=" in raw.body and "block_actions" in raw.body
        if click and self.rng.random() < 0.25:
            self.doubled += 1
            done = await asyncio.gather(
                *(self._to(s, raw, headers) for s in order), return_exceptions=True
            )
            answered = [d for d in done if isinstance(d, tuple)]
            if answered:
                return answered[0]
        failure: Exception | None = None
        for server in order:
            try:
                return await self._to(server, raw, headers)
            except (aiohttp.ClientError, TimeoutError) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def _to(self, server: Server, raw: rq.Raw, headers: dict[str, str]) -> tuple[int, str]:
        url = server.url + "/slack/events"
        async with self.session.post(url, data=raw.body, headers=headers) as resp:
            return resp.status, await resp.text()


class Counted(Marketer):
    """A marketer whose ``/ecoute resume`` commands are counted (each may repost a question)."""

    resumes = 0

    async def command(self, text: str = "", channel: str = "C0GENERAL") -> tuple[int, str]:
        if text == "resume":
            self.resumes += 1
        return await super().command(text, channel)


async def stored(url: str, users: list[Counted]) -> dict[str, tuple[str, dict[str, AnswerValue]]]:
    """user -> (phase, answers), read with a store of its own, past both processes."""
    store = await open_store(url, cache_size=0)
    try:
        out = {}
        for user in users:
            conv = await store.load(ConversationKey("slack", TEAM, user.user))
            assert conv is not None, user.user
            out[user.user] = (conv.phase.value, conv.answers)
        return out
    finally:
        await store.close()


def posted_questions(fake: QuietSlack, dm: str) -> Counter[str]:
    """How many times each question was posted in ``dm`` (as a new message, with buttons)."""
    seen: Counter[str] = Counter()
    for call in fake.calls:
        if call.method != "chat.postMessage" or call.params.get("channel") != dm:
            continue
        msg = {"blocks": call.params.get("blocks") or []}
        if any(True for _ in elements(msg)) and kind_of(msg) == "question":
            seen[question_of(msg)] += 1
    return seen


def check_transcript(fake: QuietSlack, user: Counted, n: int) -> None:
    answers = answers_of(plan_of(n))
    expected = record_texts(SCHEMA, CATALOG, answers)
    messages = fake.messages[user.dm]
    texts = Counter(str(m.get("text")) for m in messages)
    for text, (question, _) in expected.items():
        shown = [str(m.get("text"))[:60] for m in messages]
        assert texts[text] == 1, (user.user, question, texts[text], shown)
    live = [m for m in messages if any(True for _ in elements(m))]
    assert [kind_of(m) for m in live] == ["verdict"], (user.user, [m.get("text") for m in live])
    twice = {q: c for q, c in posted_questions(fake, user.dm).items() if c > 1}
    assert sum(c - 1 for c in twice.values()) <= user.resumes, (user.user, twice)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ecoute.db'}"
        return
    cluster: pgcluster.PostgresCluster = request.getfixturevalue("pg_cluster")
    yield cluster.create_database("ecoute_two")
    cluster.drop_database("ecoute_two")


@pytest.fixture
async def fake() -> AsyncIterator[QuietSlack]:
    slack = QuietSlack()
    await slack.start()
    slack.workspace(TEAM, "xoxb-fault-0123456789-abcdefghijklmnop")
    yield slack
    await slack.stop()


async def test_two_processes_one_database_with_a_kill(
    fake: QuietSlack, database: str, tmp_path: Path
) -> None:
    db = tmp_path / "ecoute.db"
    servers = [ecoute_slack(db, fake.api_url, DATABASE_URL=database) for _ in range(2)]
    await asyncio.gather(*(s.start() for s in servers))
    rng = random.Random(8)
    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        via = Spread(servers, session, rng)
        users = [Counted(fake, via, TEAM, f"U0TWO{n:03d}") for n in range(USERS)]
        interviews = [
            asyncio.create_task(take_interview(u, plan_of(n), n, arrive_after=n * 0.3, patience=20))
            for n, u in enumerate(users)
        ]
        try:
            await asyncio.sleep(2.5)  # mid-load: every user is somewhere in the interview
            assert not all(task.done() for task in interviews)
            await servers[1].kill()
            await asyncio.sleep(1.0)  # the other one serves alone meanwhile
            await servers[1].start()
            await asyncio.wait_for(asyncio.gather(*interviews), DEADLINE)
        finally:
            for task in interviews:
                task.cancel()
            for server in servers:
                await server.stop()
    assert via.doubled > 5  # double clicks across both processes did happen
    final = await stored(database, users)
    for n, user in enumerate(users):
        phase, answers = final[user.user]
        assert phase == "verdict", user.user
        assert answers == answers_of(plan_of(n)), user.user
        check_transcript(fake, user, n)
    logs = "".join(line for s in servers for line in s.log)
    assert "Traceback" not in logs, logs[-3000:]
