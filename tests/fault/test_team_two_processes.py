"""A team round across two ``ecoute slack --http`` processes on one database (SQLite, and a
throwaway PostgreSQL): colleagues take part and answer through both (some clicks land on
both at once), the owner's Close lands on both at once. The live message ends right, every
verdict is counted once, and the report and its chart are posted once."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import aiohttp

from adapters.slack import team as t
from bot.storage import open_store
from tests.fault.processes import ecoute_slack
from tests.fault.slack_users import QuietSlack, plan_of, take_interview
from tests.fault.test_two_processes import TEAM, Counted, Spread, database, fake  # noqa: F401
from tests.slack import slack_requests as rq

T = TypeVar("T")
CHANNEL = "C0ROUND01"
OWNER = "U0OWNER01"
COLLEAGUES = 4


def messages_with(slack: QuietSlack, words: str) -> list[dict[str, Any]]:
    return [m for m in slack.messages.get(CHANNEL, []) if words in str(m.get("text"))]


async def until(slack: QuietSlack, check: Callable[[], T | None], within: float = 30) -> T:
    """Wait for ``check`` to hold, looking again after each Web API call the app makes."""

    async def wait() -> T:
        while True:
            slack.called.clear()
            found = check()
            if found is not None:
                return found
            await slack.called.wait()

    return await asyncio.wait_for(wait(), within)


async def press(user: Counted, msg: dict[str, Any], action_id: str) -> None:
    value = next(
        el["value"]
        for block in msg["blocks"]
        if block.get("type") == "actions"
        for el in block["elements"]
        if el["action_id"] == action_id
    )
    action = {"type": "button", "action_id": action_id, "value": value, "block_id": "b"}
    body = rq.block_actions(
        user.team, user.user, action, message=msg, channel=CHANNEL,
        response_url=user.fake.response_url(),
    )  # fmt: skip
    status, _ = await user.transport.send("interactive", body)
    assert status == 200


async def test_a_round_across_two_processes(
    fake: QuietSlack,  # noqa: F811 - the fixture imported above
    database: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    db = tmp_path / "ecoute.db"
    servers = [ecoute_slack(db, fake.api_url, DATABASE_URL=database) for _ in range(2)]
    await asyncio.gather(*(s.start() for s in servers))
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
            via = Spread(servers, session, random.Random(3))
            owner = Counted(fake, via, TEAM, OWNER)
            await owner.command("team", channel=CHANNEL)
            (live,) = await until(fake, lambda: messages_with(fake, "Team round") or None)
            colleagues = [Counted(fake, via, TEAM, f"U0COLL{n:03d}") for n in range(COLLEAGUES)]
            for colleague in colleagues:
                await press(colleague, live, t.JOIN)
            await asyncio.wait_for(
                asyncio.gather(
                    *(
                        take_interview(c, plan_of(n), n, patience=20)
                        for n, c in enumerate(colleagues)
                    )
                ),
                240,
            )
            wanted = f"{COLLEAGUES} of {COLLEAGUES} have answered"
            await until(fake, lambda: wanted in str(live.get("blocks")) or None, 30)
            await asyncio.gather(*(press(owner, live, t.CLOSE) for _ in range(3)))
            await until(fake, lambda: messages_with(fake, "Team report") or None, 30)
            await until(fake, lambda: fake.shared_files(CHANNEL) or None, 30)
            await until(fake, lambda: "This round is closed" in str(live.get("blocks")) or None, 30)
            # Both processes sweep every few seconds: give them a sweep each, then count.
            await asyncio.sleep(6)
    finally:
        for server in servers:
            await server.stop()
    (report,) = messages_with(fake, "Team report")
    assert f"{COLLEAGUES} of {COLLEAGUES} answered." in str(report.get("blocks"))
    assert len(fake.shared_files(CHANNEL)) == 1
    assert not [b for b in live["blocks"] if b.get("type") == "actions"]
    store = await open_store(database, cache_size=0)
    try:
        (round_,) = await store.rounds.rounds("slack", TEAM)
        taking = [p.taking.value for p in await store.rounds.participants(round_.id)]
        assert taking == ["answered"] * COLLEAGUES
        assert round_.report_message == report["ts"]
    finally:
        await store.close()
    logs = "".join(line for s in servers for line in s.log)
    assert "Traceback" not in logs, logs[-3000:]
