"""Servers in their own processes: ``ecoute slack --http`` and a bare Bolt app that only acks.

Both are started with :func:`start_server` and are ready once their port answers HTTP. The
bare app (``python -m tests.fault.processes PORT``) is the yardstick of the ack benchmark:
the same Bolt version, the same signature check, no work at all.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
READY_WITHIN = 60.0
SECRET = "fault-signing-secret"
WEB_WORKER_READY = "Slack HTTP mode in gunicorn worker"
"""What each gunicorn worker logs once it serves."""
BOT_TOKEN = "xoxb-fault-0123456789-abcdefghijklmnop"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def slack_env(db: Path, api_url: str, **extra: str) -> dict[str, str]:
    """The environment of an ``ecoute slack --http`` process against a fake Slack."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{db}",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api_url,
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class Server:
    """A server process listening on ``port``; its stderr is kept in ``log``."""

    argv: list[str]
    env: dict[str, str]
    port: int
    health: str = "/healthz"
    ready: tuple[str, int] | None = None
    """A line logged this many times once the server is ready (each worker of gunicorn says
    so); without it, ready once the port answers HTTP."""
    proc: asyncio.subprocess.Process | None = None
    log: list[str] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Launch the process and wait (bounded) until it answers HTTP."""
        self.proc = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            env=self.env,
            cwd=ROOT,
            start_new_session=True,  # its own process group: a master and its workers
        )
        self._reader = asyncio.create_task(self._keep_log(self.proc))
        deadline = asyncio.get_running_loop().time() + READY_WITHIN
        async with aiohttp.ClientSession() as session:
            while True:
                if self.proc.returncode is not None:
                    raise RuntimeError(f"{self.argv} exited:\n" + "".join(self.log[-40:]))
                try:
                    async with session.get(self.url + self.health) as resp:
                        if resp.status < 500:
                            return
                except aiohttp.ClientError:
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise RuntimeError(f"{self.argv} not ready:\n" + "".join(self.log[-40:]))
                await asyncio.sleep(0.02)

    def _said_ready(self) -> bool:
        if self.ready is None:
            return True
        text, times = self.ready
        return sum(text in line for line in self.log) >= times

    async def _keep_log(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stderr is not None
        async for line in proc.stderr:
            self.log.append(line.decode("utf-8", "replace"))

    def cpu_seconds(self) -> float:
        """User + system CPU time the process and its children have used so far (Linux
        ``/proc``: every process whose parent is this one, such as gunicorn's workers)."""
        if self.proc is None:
            return 0.0
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # ended meanwhile
                continue
            if stat.parent.name == str(self.proc.pid) or fields[1] == str(self.proc.pid):
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    async def kill(self) -> None:
        """SIGKILL: no cleanup of any kind runs."""
        await self._end(signal.SIGKILL)

    async def stop(self) -> None:
        """SIGTERM, as a platform stops a process: work in flight is drained."""
        await self._end(signal.SIGTERM)

    async def _end(self, sig: signal.Signals) -> None:
        if self.proc is None:
            return
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        try:
            await asyncio.wait_for(self.proc.wait(), 30)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        if self._reader is not None:
            await asyncio.wait_for(self._reader, 10)
        self.proc = None


def ecoute_slack(db: Path, api_url: str, port: int | None = None, **extra: str) -> Server:
    """``ecoute slack --http --port P`` on ``db``, talking to the Web API at ``api_url``."""
    port = port or free_port()
    argv = [sys.executable, "-m", "adapters.cli.main", "slack", "--http", "--port", str(port)]
    return Server(argv, slack_env(db, api_url, **extra), port)


def web_line() -> str:
    """The command of the Procfile's ``web:`` process."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == "web":
            return command.strip()
    raise AssertionError("no web: line in the Procfile")


def ecoute_web(db: Path, api_url: str, workers: int, port: int | None = None) -> Server:
    """The Procfile's ``web:`` line (gunicorn, ``workers`` aiohttp workers on one port) on
    ``db``, ready once every worker said so."""
    port = port or free_port()
    env = slack_env(db, api_url, PORT=str(port), WEB_CONCURRENCY=str(workers), LOG_LEVEL="INFO")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    argv = ["bash", "-c", "exec " + web_line()]
    return Server(argv, env, port, ready=(WEB_WORKER_READY, workers))


def bare_bolt(api_url: str, port: int | None = None) -> Server:
    """A Bolt app that acks everything and does nothing else, in its own process."""
    port = port or free_port()
    argv = [sys.executable, "-m", "tests.fault.processes", str(port)]
    return Server(argv, slack_env(Path("/nonexistent"), api_url), port, health="/slack/events")


def serve_bare(port: int) -> None:
    """The bare app's process: every command, action, view and event is only acked."""
    from aiohttp import web
    from slack_bolt.async_app import AsyncApp
    from slack_bolt.context.ack.async_ack import AsyncAck
    from slack_sdk.web.async_client import AsyncWebClient

    client = AsyncWebClient(token=BOT_TOKEN, base_url=os.environ["SLACK_API_URL"])
    app = AsyncApp(token=BOT_TOKEN, signing_secret=SECRET, client=client)
    anything = re.compile(".*")

    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    app.command(anything)(only_ack)
    app.action(anything)(only_ack)
    app.view(anything)(only_ack)
    app.event("message")(only_ack)
    web.run_app(app.web_app(path="/slack/events"), host="127.0.0.1", port=port, print=None)


if __name__ == "__main__":
    serve_bare(int(sys.argv[1]))
