"""Slack misbehaving while many users answer, and the database locked under a Slack user.

The real Bolt app is served on loopback (``tests/slack``'s ``serve``) on a real SQLite file.
While eight users take the interview at once, the fake Web API answers a stream of 429s with
``Retry-After``, 500s, 502s, slow answers past the client's timeout, and bursts of errors
longer than the retries: every interview still reaches its verdict with every answer stored,
and where Slack kept failing the user was told so in plain words.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from pathlib import Path

import aiohttp
import pytest

from adapters.slack import client as slack_client
from adapters.slack import values as v
from adapters.slack.texts import Texts
from bot.catalog import load_catalog
from bot.events import ConversationKey
from tests.fault.slack_users import Marketer, QuietSlack, answers_of, plan_of, take_interview
from tests.slack.conftest import SECRET, Served
from tests.slack.driver import HttpTransport
from tests.slack.fake_slack import Failure

TEAM = "T0FAULT01"
USERS = 8
CATALOG = load_catalog()
SLACK_FAILED = Texts(CATALOG, "en").text("slack_failed")
UNAVAILABLE = CATALOG.text("en", "interview.notice.unavailable")
METHODS = ("chat.postMessage", "chat.update", "conversations.open", "views.open", "users.info")


async def chaos(fake: QuietSlack, rng: random.Random, stop: asyncio.Event) -> tuple[int, int]:
    """Inject a Web API failure every few calls until ``stop`` (so the failure rate follows the
    traffic); returns how many failures were injected and how many bursts outlasted the
    client's retries."""
    bursts = injected = 0
    next_at = 0
    while not stop.is_set():
        if len(fake.calls) < next_at:
            fake.called.clear()
            waiting = asyncio.ensure_future(fake.called.wait())
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({waiting, stopping}, return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
            stopping.cancel()
            continue
        next_at = len(fake.calls) + rng.randint(3, 8)
        injected += 1
        method = rng.choice(METHODS)
        roll = rng.random()
        if roll < 0.3:
            fake.fail(method, Failure(429, "ratelimited", retry_after=rng.choice((0, 1))))
        elif roll < 0.55:
            fake.fail(method, Failure(rng.choice((500, 502, 503)), "internal_error"))
        elif roll < 0.8:
            fake.fail(method, Failure(200, "", delay=rng.uniform(0.2, 1.5)))  # slow, then fine
        elif roll < 0.93:
            fake.fail(method, Failure(502, "bad_gateway", delay=1.5))  # past the client timeout
        else:  # past the client's retries, for the DM that was posted to last
            posts = fake.calls_to("chat.postMessage")
            dm = str(posts[-1].params.get("channel")) if posts else ""
            fake.fail_in(
                "chat.postMessage", dm, *(Failure(500, "internal_error") for _ in range(4))
            )
            bursts, injected = bursts + 1, injected + 3
    return injected, bursts


async def test_web_api_failures_under_load_lose_nothing(
    fake: QuietSlack, served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slack_client, "TIMEOUT_SECONDS", 1)
    stop = asyncio.Event()
    injecting = asyncio.create_task(chaos(fake, random.Random(11), stop))
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        via = HttpTransport(served.events_url, SECRET, session)
        users = [Marketer(fake, via, TEAM, f"U0FAULT{n:02d}") for n in range(USERS)]
        try:
            await asyncio.wait_for(
                asyncio.gather(
                    *(
                        take_interview(u, plan_of(n), n, deadline=150, patience=4)
                        for n, u in enumerate(users)
                    )
                ),
                180,
            )
        finally:
            stop.set()
            injected, bursts = await injecting
    assert await served.slack.tasks.drain(10)
    queues = [*fake.failures.values(), *fake.channel_failures.values()]
    left = sum(len(queued) for queued in queues)
    assert injected - left >= 30, (injected, left)  # the app really met the failures
    for n, user in enumerate(users):
        conv = await served.core.store.load(ConversationKey("slack", TEAM, user.user))
        assert conv is not None
        assert conv.phase == "verdict"
        assert conv.answers == answers_of(plan_of(n))
    told = [str(c.params.get("text")) for c in fake.calls if c.method == "chat.postEphemeral"]
    told += [str(c.params.get("text")) for c in fake.calls if c.method == "response_url"]
    assert bursts > 0
    assert any(SLACK_FAILED in t for t in told), "a failure past the retries must be told"
    for text in told:  # plain words, never an API error code
        assert "internal_error" not in text
        assert "ratelimited" not in text


async def test_database_locked_tells_the_slack_user_to_try_again(
    fake: QuietSlack, served: Served, tmp_path: Path
) -> None:
    async with aiohttp.ClientSession() as session:
        user = Marketer(fake, HttpTransport(served.events_url, SECRET, session), TEAM, "U0LOCK1")
        await user.command()
        first = await user.next_live(within=10)
        blocker = sqlite3.connect(tmp_path / "ecoute.db", isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another writer, longer than the busy timeout (5 s)
        try:
            status, _ = await user.click(first, v.encode("a", "business_model", "b2c"))
            assert status == 200  # the ack never waits for the database

            def told() -> bool:
                return any(
                    UNAVAILABLE in str(c.params.get("text"))
                    for c in fake.calls_to("chat.postEphemeral")
                )

            async with asyncio.timeout(20):
                while not told():
                    fake.changed[user.dm].clear()
                    await fake.changed[user.dm].wait()
            assert fake.live(user.dm) is first  # the question is still there to click
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        key = ConversationKey("slack", TEAM, user.user)
        conv = await served.core.store.load(key)
        assert conv is not None
        assert conv.answers == {}  # nothing half-written
        await user.click(first, v.encode("a", "business_model", "b2c"))
        await user.next_live(after=first["ts"], within=10)
        conv = await served.core.store.load(key)
        assert conv is not None
        assert conv.answers == {"business_model": "b2c"}
