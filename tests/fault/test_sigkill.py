"""SIGKILL at random moments while users answer over HTTP; 20 kills, 20 restarts.

``ecoute slack --http`` runs in its own process on one SQLite file; a fake Slack in this
process records what users see. Users take the whole interview through every kind of element
and keep going as Slack users do: a click that gets no answer is clicked again, an event is
redelivered with the same ``event_id``, and a user who sees nothing new asks ``/ecoute resume``.
Users start again at each verdict until the last kill, so every kill lands mid-interview.
Right after each kill (nothing can be written any more), every answer whose record a user has
seen since their last start must be in the database; at the end every conversation reaches its
verdict with every answer stored once, and resumes on a last restart.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.catalog import load_catalog
from bot.schema import AnswerValue, load_schema
from bot.storage.rows import decode
from tests.fault.processes import Server, ecoute_slack
from tests.fault.slack_users import (
    Marketer,
    QuietSlack,
    answers_of,
    plan_of,
    record_texts,
    records_seen,
    take_interview,
)
from tests.slack.driver import HttpTransport, kind_of

pytestmark = pytest.mark.slow

TEAM = "T0KILL001"
USERS = 6
KILLS = 20
DEADLINE = 300.0
STAGGER = 1.0
SCHEMA = load_schema()
CATALOG = load_catalog()


def stored(db: Path) -> dict[str, tuple[str, dict[str, AnswerValue]]]:
    """user -> (phase, answers), read past the app (which is dead or alive: WAL either way)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        convs = conn.execute("SELECT id, user_id, phase FROM conversations").fetchall()
        rows = conn.execute("SELECT conversation_id, question_id, value FROM answers").fetchall()
    out: dict[str, tuple[str, dict[str, AnswerValue]]] = {}
    for conv_id, user, phase in convs:
        answers = {q: decode(value) for cid, q, value in rows if cid == conv_id}
        out[user] = (phase, answers)
    return out


def check_confirmed(fake: QuietSlack, db: Path, users: list[Marketer]) -> int:
    """Every record a user saw is stored with that value. Returns how many were checked."""
    now = stored(db)
    checked = 0
    for n, user in enumerate(users):
        expected = record_texts(SCHEMA, CATALOG, answers_of(plan_of(n)))
        for text in records_seen(fake, user.dm, user.since):
            if text in expected:
                question, value = expected[text]
                assert user.user in now, f"{user.user} saw {text!r}, no conversation stored"
                assert now[user.user][1].get(question) == value, (user.user, question)
                checked += 1
    return checked


@pytest.fixture
async def fake() -> AsyncIterator[QuietSlack]:
    slack = QuietSlack()
    await slack.start()
    slack.workspace(TEAM, "xoxb-fault-0123456789-abcdefghijklmnop")
    yield slack
    await slack.stop()


async def test_twenty_sigkills_lose_no_confirmed_answer(fake: QuietSlack, tmp_path: Path) -> None:
    db = tmp_path / "ecoute.db"
    server: Server = ecoute_slack(db, fake.api_url)
    await server.start()
    rng = random.Random(5)
    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        via = HttpTransport(server.url + "/slack/events", "fault-signing-secret", session)
        users = [Marketer(fake, via, TEAM, f"U0KILL{n:03d}") for n in range(USERS)]
        killing = asyncio.Event()  # set once the kills are over: then everyone finishes
        interviews = [
            asyncio.create_task(
                take_interview(
                    u,
                    plan_of(n),
                    n,
                    arrive_after=n * STAGGER,
                    deadline=DEADLINE,
                    again_until=killing,
                )
            )
            for n, u in enumerate(users)
        ]
        checked = hit = 0
        try:
            for _ in range(KILLS):
                await asyncio.sleep(rng.uniform(0.2, 1.5))
                hit += any(not task.done() for task in interviews)
                await server.kill()
                checked += check_confirmed(fake, db, users)
                await server.start()
            killing.set()
            await asyncio.wait_for(asyncio.gather(*interviews), DEADLINE)
            await server.kill()  # one last time, then everyone resumes
            await server.start()
            for user in users:
                before = user.live()
                assert before is not None
                answered = len(fake.calls_to("response_url"))
                await user.command("resume")
                # The verdict posted again, or (the DM's latest message already) pointed to:
                # either way the command's private answer comes once the DM shows it.
                async with asyncio.timeout(15):
                    while len(fake.calls_to("response_url")) == answered:
                        fake.called.clear()
                        await fake.called.wait()
                resumed = user.live()
                assert resumed is not None
                assert kind_of(resumed) == "verdict"
        finally:
            for task in interviews:
                task.cancel()
            await server.stop()
    checked += check_confirmed(fake, db, users)
    assert hit == KILLS  # users kept interviewing (starting again) until the last kill
    assert checked > USERS * 10  # records were really seen and checked along the way
    final = stored(db)
    for n, user in enumerate(users):
        phase, answers = final[user.user]
        assert phase == "verdict"
        assert answers == answers_of(plan_of(n))  # every question once, with its value
        mine = plan_of(n)["audience"][1]
        assert [q for q, a in answers.items() if a == mine] == ["audience"]
    assert "Traceback" not in "".join(server.log), "".join(server.log)[-3000:]
