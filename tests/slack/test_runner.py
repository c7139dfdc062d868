"""`/healthz`, and `ecoute slack --http` as a real process: it serves, answers a signed command
with the fake Slack, and stops cleanly on SIGTERM (how Heroku stops a dyno)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp

from tests.slack.conftest import BOT_TOKEN, SECRET, TEAM, Harness
from tests.slack.driver import HttpTransport, SlackUser
from tests.slack.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parents[2]


async def test_healthz_says_whether_the_database_answers(harness: Harness) -> None:
    async with harness.session.get(harness.served.url + "/healthz") as resp:
        assert resp.status == 200
        assert await resp.json() == {"status": "ok", "database": True}
    harness.store.down = True
    async with harness.session.get(harness.served.url + "/healthz") as resp:
        assert resp.status == 503
        assert (await resp.json())["database"] is False


async def test_ecoute_slack_http_serves_and_stops_on_sigterm(
    tmp_path: Path, fake: FakeSlack, unused_tcp_port: int
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=f"sqlite:///{tmp_path}/ecoute.db",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        PORT=str(unused_tcp_port),
        LOG_LEVEL="INFO",
    )
    code = "import sys; from adapters.cli.main import main; sys.exit(main(['slack', '--http']))"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        assert proc.stderr is not None
        await asyncio.wait_for(_line_with(proc.stderr, "Slack HTTP mode on port"), 60)
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{unused_tcp_port}/slack/events"
            user = SlackUser(fake, HttpTransport(url, SECRET, session), TEAM, "U0000005")
            status, _ = await user.command()
            assert status == 200
            first = await user.next_live()
            assert "Who buys" in str(first["blocks"])
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 20) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert (tmp_path / "ecoute.db").exists()


async def _line_with(stream: asyncio.StreamReader, text: str) -> None:
    while True:
        line = await stream.readline()
        if not line:
            raise AssertionError(f"the process ended before saying {text!r}")
        if text in line.decode():
            return
