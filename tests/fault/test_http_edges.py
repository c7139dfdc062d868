"""The edges of ``ecoute slack --http`` as a real process: a client gone mid-body, a port
already taken (alone and under ``ecoute run``)."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.fault.processes import ROOT, ecoute_slack, slack_env
from tests.fault.slack_users import QuietSlack
from tests.slack.conftest import BOT_TOKEN, TEAM

EXIT_WITHIN = 60.0
DISCONNECTED = "closed the connection"
IN_USE = "is already in use: set PORT (or --port) to a free port"


@pytest.fixture
async def fake() -> AsyncIterator[QuietSlack]:
    slack = QuietSlack()
    await slack.start()
    slack.workspace(TEAM, BOT_TOKEN)
    yield slack
    await slack.stop()


@pytest.fixture
def taken() -> Iterator[int]:
    """A port another program listens on (every address, as the server binds)."""
    with socket.socket() as sock:
        sock.bind(("0.0.0.0", 0))  # noqa: S104 - where the server would bind
        sock.listen()
        yield sock.getsockname()[1]


async def test_a_client_gone_mid_body_is_one_warning(tmp_path: Path, fake: QuietSlack) -> None:
    server = ecoute_slack(tmp_path / "ecoute.db", fake.api_url, LOG_LEVEL="INFO")
    await server.start()
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n0123456789"
        )
        await writer.drain()
        await asyncio.sleep(0.2)
        writer.close()
        await writer.wait_closed()
        for _ in range(100):  # up to 5 s, then whatever else it logs about that request
            if any(DISCONNECTED in line for line in server.log):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
    finally:
        await server.stop()
    log = "".join(server.log)
    assert "Traceback" not in log, log
    assert [line for line in server.log if "WARNING" in line or "ERROR" in line] == [
        line for line in server.log if DISCONNECTED in line
    ], log
    assert sum(DISCONNECTED in line for line in server.log) == 1, log
    answered = [line for line in server.log if "aiohttp.access" in line and "POST" in line]
    assert len(answered) == 1, log
    assert '" 400 ' in answered[0], log  # not a 500


async def exited(argv: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
    """Run ``argv`` until it exits on its own (bounded): its status and its stderr's lines."""
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    try:
        _, err = await asyncio.wait_for(proc.communicate(), EXIT_WITHIN)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    assert proc.returncode is not None
    return proc.returncode, err.decode("utf-8", "replace").splitlines()


async def test_slack_http_on_a_taken_port_says_so_in_one_line(
    tmp_path: Path, fake: QuietSlack, taken: int
) -> None:
    server = ecoute_slack(tmp_path / "ecoute.db", fake.api_url, port=taken)
    status, lines = await exited(server.argv, server.env)
    assert status == 2, lines
    assert lines == [f"ecoute slack: port {taken} {IN_USE}"]


async def test_run_on_a_taken_port_stops_instead_of_restarting(
    tmp_path: Path, fake: QuietSlack, taken: int
) -> None:
    env = slack_env(tmp_path / "ecoute.db", fake.api_url, PORT=str(taken))
    argv = [sys.executable, "-m", "adapters.cli.main", "run"]
    status, lines = await exited(argv, env)
    assert status == 2, lines
    assert not any("restarting" in line or "Traceback" in line for line in lines), lines
    assert [line for line in lines if IN_USE in line] == [f"port {taken} {IN_USE}"], lines
