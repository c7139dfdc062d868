"""Hostile requests and what must never leak: forged, tampered and replayed Slack requests,
another workspace's buttons, what ``forget`` leaves behind, and tokens in the logs."""

from __future__ import annotations

import asyncio
import copy
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from adapters.slack import values as v
from bot.catalog import load_catalog
from bot.events import ConversationKey
from tests.fault.processes import BOT_TOKEN as PROCESS_TOKEN
from tests.fault.processes import SECRET as PROCESS_SECRET
from tests.fault.processes import ecoute_slack
from tests.fault.slack_users import Marketer, QuietSlack, plan_of, take_interview
from tests.slack import slack_requests as rq
from tests.slack.conftest import SECRET, Harness, Served, oauth_served
from tests.slack.driver import HttpTransport
from tests.slack.fake_slack import Failure
from tests.slack.test_oauth import install

FORGOTTEN = load_catalog().text("en", "interview.notice.forgotten")
TEAM = "T0SECURE1"
USER = "U0SECURE1"
KEY = ConversationKey("slack", TEAM, USER)
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


async def told(fake: QuietSlack, text: str) -> None:
    """Wait until the user was privately told ``text`` (ephemeral or the command's reply)."""

    def found() -> bool:
        private = ("chat.postEphemeral", "response_url")
        return any(c.method in private and text in str(c.params.get("text")) for c in fake.calls)

    async with asyncio.timeout(15):
        while not found():
            fake.called.clear()
            await fake.called.wait()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as opened:
        yield opened


@pytest.mark.parametrize("how", ["tampered body", "signed six minutes ahead", "wrong version"])
async def test_requests_slack_did_not_sign_are_refused(
    served: Served, fake: QuietSlack, session: aiohttp.ClientSession, how: str
) -> None:
    raw = rq.form(rq.slash_command(TEAM, USER, "", "C1", fake.response_url()))
    headers = rq.signed_headers(SECRET, raw, age=-360 if "ahead" in how else 0)
    if how == "tampered body":
        raw = rq.form(rq.slash_command(TEAM, "U0OTHER", "", "C1", fake.response_url()))
    if how == "wrong version":
        headers["X-Slack-Signature"] = "v1=" + headers["X-Slack-Signature"][3:]
    status, _ = await HttpTransport(served.events_url, SECRET, session).post(raw, headers)
    assert status == 401
    assert fake.calls_to("conversations.open") == []
    assert await served.core.store.load(ConversationKey("slack", TEAM, "U0OTHER")) is None


async def test_replayed_click_and_event_are_applied_once(
    served: Served, fake: QuietSlack, session: aiohttp.ClientSession
) -> None:
    via = HttpTransport(served.events_url, SECRET, session)
    user = Marketer(fake, via, TEAM, USER)
    await user.command()
    first = await user.next_live(within=10)
    click = rq.block_actions(
        TEAM,
        USER,
        user.action_for(first, v.encode("a", "business_model", "b2b")),
        message=first,
        channel=user.dm,
        response_url=fake.response_url(),
    )
    raw = rq.interactive(click)
    headers = rq.signed_headers(SECRET, raw)  # one capture, replayed as is
    replies = await asyncio.gather(*(via.post(raw, headers) for _ in range(6)))
    assert [status for status, _ in replies] == [200] * 6
    second = await user.next_live(after=first["ts"], within=10)
    await user.click(second, v.encode("a", "buyers", "niche"))
    third = await user.next_live(after=second["ts"], within=10)
    event = rq.event(rq.event_callback(TEAM, rq.dm_message(USER, user.dm, "Bakers in Lyon")))
    headers = rq.signed_headers(SECRET, event)
    for _ in range(4):  # a captured event replayed, without Slack's retry headers
        status, _ = await via.post(event, headers)
        assert status == 200
    await user.next_live(after=third["ts"], within=10)
    assert await served.slack.tasks.drain(10)
    conv = await served.core.store.load(KEY)
    assert conv is not None
    assert conv.answers == {
        "business_model": "b2b",
        "buyers": "niche",
        "audience": "Bakers in Lyon",
    }
    assert conv.version == 8  # created, then exactly three answers: each turn and where it shows
    records = [c for c in fake.calls_to("chat.update") if c.params["ts"] == first["ts"]]
    assert len(records) == 1


@pytest.fixture
async def oauth(tmp_path: Path, fake: QuietSlack) -> AsyncIterator[Harness]:
    async with oauth_served(tmp_path / "ecoute.db", fake) as served:
        yield served


async def test_a_workspace_cannot_reach_another_workspace_conversation(oauth: Harness) -> None:
    fake, store = oauth.fake, oauth.served.core.store
    assert isinstance(fake, QuietSlack)
    await install(oauth, "T0000002", "xoxb-team-two")
    await install(oauth, "T0000003", "xoxb-team-three")
    two = Marketer(fake, oauth.http, "T0000002", "U0000042")
    await two.command()
    first = await two.next_live(within=10)
    await two.click(first, v.encode("a", "business_model", "b2b"))
    asked = await two.next_live(after=first["ts"], within=10)
    mine = ConversationKey("slack", "T0000002", "U0000042")
    assert await oauth.served.slack.tasks.drain(10)  # its view is recorded after it is shown
    before = await store.load(mine)
    # The same user id in another workspace replays the buttons of the first one's message.
    three = Marketer(fake, oauth.http, "T0000003", "U0000042")
    seen = copy.deepcopy(asked)
    for value in (v.encode("a", "buyers", "mass"), v.encode("a", "buyers", "handful")):
        status, _ = await three.click(copy.deepcopy(seen), value)
        assert status == 200
    await three.command("forget")
    await told(fake, FORGOTTEN)
    assert await oauth.served.slack.tasks.drain(10)
    assert await store.load(mine) == before  # untouched, and not forgotten
    theirs = await store.load(ConversationKey("slack", "T0000003", "U0000042"))
    assert theirs is None or theirs.answers == {}


def text_cells(db: Path) -> list[tuple[str, str, str]]:
    """(table, column, value) for every text value in every table of the file."""
    cells: list[tuple[str, str, str]] = []
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info('{table}')")]
            for row in conn.execute(f"SELECT * FROM '{table}'"):  # noqa: S608
                cells += [(table, c, x) for c, x in zip(columns, row, strict=True) if x]
    return [(t, c, str(x)) for t, c, x in cells]


async def test_forget_leaves_no_row_of_the_user(
    served: Served, fake: QuietSlack, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    via = HttpTransport(served.events_url, SECRET, session)
    users = [Marketer(fake, via, TEAM, u) for u in (USER, "U0KEEPME1")]
    await asyncio.gather(
        *(take_interview(u, plan_of(n), n, deadline=60) for n, u in enumerate(users))
    )
    words = plan_of(0)["audience"][1]
    before = text_cells(tmp_path / "ecoute.db")
    assert any(USER in x for _, _, x in before)
    assert any(words in x for _, _, x in before)
    await users[0].command("forget")
    await told(fake, FORGOTTEN)
    assert await served.slack.tasks.drain(10)
    after = text_cells(tmp_path / "ecoute.db")
    assert [cell for cell in after if USER in cell[2] or words in cell[2]] == []
    with sqlite3.connect(tmp_path / "ecoute.db") as conn:
        orphans = conn.execute(
            "SELECT count(*) FROM answers "
            "WHERE conversation_id NOT IN (SELECT id FROM conversations)"
        ).fetchone()
    assert orphans == (0,)
    kept = await served.core.store.load(ConversationKey("slack", TEAM, "U0KEEPME1"))
    assert kept is not None
    assert kept.phase == "verdict"  # only that user was forgotten


async def test_no_secret_reaches_the_logs(tmp_path: Path) -> None:
    """A whole run of the real process, logging at DEBUG, with failures on the way."""
    fake = QuietSlack()
    await fake.start()
    fake.workspace(TEAM, PROCESS_TOKEN)
    fake.fail("chat.postMessage", Failure(500, "internal_error"), Failure(429, "ratelimited", 0))
    fake.fail("users.info", Failure(401, "invalid_auth"))
    server = ecoute_slack(tmp_path / "ecoute.db", fake.api_url, LOG_LEVEL="DEBUG")
    await server.start()
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as opened:
            via = HttpTransport(server.url + "/slack/events", PROCESS_SECRET, opened)
            user = Marketer(fake, via, TEAM, USER)
            await take_interview(user, plan_of(0), 0, deadline=90)
            forged = rq.form(rq.slash_command(TEAM, USER, "", "C1", fake.response_url()))
            status, _ = await via.post(forged, rq.signed_headers("not-the-secret", forged))
            assert status == 401
    finally:
        await server.stop()
        await fake.stop()
    log = "".join(server.log)
    assert "DEBUG" in log  # the run did log at DEBUG
    assert "slack_sdk.web.async_base_client: Sending a request" in log  # the Web API's too
    for secret in (PROCESS_TOKEN, PROCESS_SECRET, PROCESS_TOKEN.split("-", 2)[-1]):
        assert secret not in log, f"a secret is in the log:\n{log[log.index(secret) - 300 :][:600]}"
