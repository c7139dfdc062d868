"""The Procfile's ``web:`` line as a real gunicorn with two aiohttp workers against the fake
Slack: each worker answers ``/healthz`` and a slash command, and SIGTERM stops all cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

from adapters.slack.runner import WORKER_HEADER
from adapters.slack.web import WORKER_BOOT_ERROR, application
from tests.fault.processes import ROOT, WEB_WORKER_READY, free_port, slack_env, web_line
from tests.slack.conftest import BOT_TOKEN, SECRET, TEAM
from tests.slack.driver import HttpTransport, SlackUser
from tests.slack.fake_slack import FakeSlack

BIN = Path(os.environ.get("VIRTUAL_ENV") or ROOT / ".venv") / "bin"
READY = WEB_WORKER_READY
WITHIN = 60.0


@dataclass
class Gunicorn:
    """The web line run by a shell, as a platform does; stderr kept line by line."""

    proc: asyncio.subprocess.Process
    port: int
    lines: list[str] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        """What it wrote to stderr (all of it once the context below has ended)."""
        return "".join(self.lines)

    async def read(self) -> None:
        assert self.proc.stderr is not None
        async for raw in self.proc.stderr:
            async with self.changed:
                self.lines.append(raw.decode("utf-8", "replace"))
                self.changed.notify_all()
        async with self.changed:
            self.lines.append("")  # end of stream
            self.changed.notify_all()

    async def said(self, text: str, times: int = 1) -> None:
        """Wait until ``text`` was logged ``times`` times (fails if the process ends first)."""
        async with asyncio.timeout(WITHIN), self.changed:
            while sum(text in line for line in self.lines) < times:
                assert self.lines[-1:] != [""], "gunicorn ended:\n" + self.log
                await self.changed.wait()


@asynccontextmanager
async def gunicorn(db: Path, api_url: str, **extra: str) -> AsyncIterator[Gunicorn]:
    port = free_port()
    env = slack_env(db, api_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET)
    env.update(PORT=str(port), WEB_CONCURRENCY="2", LOG_LEVEL="INFO", **extra)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    proc = await asyncio.create_subprocess_exec(
        *("bash", "-c", "exec " + web_line()),
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,  # its own process group: the master and its workers
    )
    server = Gunicorn(proc, port)
    reader = asyncio.create_task(server.read())
    try:
        yield server
    finally:
        with suppress(ProcessLookupError):  # nothing left after a clean stop
            os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()
        await reader


def pause(pid: int) -> None:
    os.kill(pid, signal.SIGSTOP)


def resume(pid: int) -> None:
    os.kill(pid, signal.SIGCONT)


async def worker_of(session: aiohttp.ClientSession, url: str) -> int:
    async with session.get(url + "/healthz") as resp:
        assert resp.status == 200
        assert await resp.json() == {"status": "ok", "database": True}
        return int(resp.headers[WORKER_HEADER])


async def test_two_workers_answer_and_stop_on_sigterm(tmp_path: Path, fake: FakeSlack) -> None:
    async with gunicorn(tmp_path / "ecoute.db", fake.api_url) as server:
        await server.said(READY, times=2)
        # A new connection for every request, so each is accepted by whichever worker can.
        connector = aiohttp.TCPConnector(force_close=True)
        async with aiohttp.ClientSession(connector=connector) as session:
            first = await worker_of(session, server.url)
            pause(first)  # a stopped worker accepts nothing: the other must answer
            try:
                second = await worker_of(session, server.url)
                events = HttpTransport(server.url + "/slack/events", SECRET, session)
                await answers_a_command(fake, events, "U0WORKER2")
            finally:
                resume(first)
            assert second != first
            pause(second)
            try:
                assert await worker_of(session, server.url) == first
                await answers_a_command(fake, events, "U0WORKER1")
            finally:
                resume(second)
        server.proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(server.proc.wait(), 40) == 0
        await server.said("Shutting down: Master")
    for pid in (first, second):
        assert f"Worker exiting (pid: {pid})" in server.log
    assert "Traceback" not in server.log
    assert "ERROR" not in server.log


async def answers_a_command(fake: FakeSlack, events: HttpTransport, user_id: str) -> None:
    user = SlackUser(fake, events, TEAM, user_id)
    status, _ = await user.command()
    assert status == 200
    first = await user.next_live()
    assert "business_model" in str(first["blocks"])


async def test_socket_mode_is_refused_before_any_worker_starts(
    tmp_path: Path, fake: FakeSlack
) -> None:
    async with gunicorn(tmp_path / "ecoute.db", fake.api_url, SLACK_APP_TOKEN="xapp-1") as server:
        assert await asyncio.wait_for(server.proc.wait(), WITHIN) == 2
    assert server.log.count("SLACK_APP_TOKEN selects Socket Mode") == 1
    assert "Booting worker" not in server.log
    assert "Traceback" not in server.log
    assert not (tmp_path / "ecoute.db").exists()


async def test_a_worker_refuses_socket_mode_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the Procfile's config, each worker refuses, with the status that stops gunicorn."""
    monkeypatch.chdir(tmp_path)  # no .env
    for name, value in slack_env(tmp_path / "ecoute.db", "http://127.0.0.1:9/api/").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    with pytest.raises(SystemExit) as stopped:
        await application()
    assert stopped.value.code == WORKER_BOOT_ERROR
    assert "SLACK_APP_TOKEN selects Socket Mode" in capsys.readouterr().err
    assert not (tmp_path / "ecoute.db").exists()
