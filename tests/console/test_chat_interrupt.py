"""Ctrl-C in ``ecoute chat`` run in a real terminal (a pseudo-terminal whose line discipline
turns ^C into SIGINT): the chat stops at once — not at the next Enter — with status 130, a
goodbye, and every answer given so far kept."""

from __future__ import annotations

import os
import select
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.console.test_chat_process import chat_env

TIMEOUT = 30
STOPS_WITHIN = 10.0
"""Seconds Ctrl-C may take to end the process (it takes a few hundredths here)."""

# Make the terminal the child's controlling terminal, so ^C reaches it as SIGINT, then run it.
_IN_TERMINAL = (
    "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.executable, [sys.executable, '-m', 'adapters.cli.main', *sys.argv[1:]])"
)


class Terminal:
    """The master side of a pseudo-terminal a chat runs in."""

    def __init__(self, fd: int, process: subprocess.Popen[bytes]) -> None:
        self.fd, self.process, self.seen = fd, process, b""

    def read_until(self, marker: bytes) -> bytes:
        deadline = time.monotonic() + TIMEOUT
        while marker not in self.seen:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.fd], [], [], max(left, 0))
            if not ready:
                raise AssertionError(f"no {marker!r} within {TIMEOUT} s:\n{self.seen.decode()}")
            if not self._read():
                raise AssertionError(f"ended before {marker!r}:\n{self.seen.decode()}")
        return self.seen

    def read_to_end(self) -> bytes:
        while select.select([self.fd], [], [], TIMEOUT)[0] and self._read():
            pass
        return self.seen

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def _read(self) -> bool:
        try:
            chunk = os.read(self.fd, 65_536)
        except OSError:  # EIO: the other side is closed
            return False
        self.seen += chunk
        return bool(chunk)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    master, slave = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", _IN_TERMINAL, "chat", "--user", "pty"],
        stdin=slave, stdout=slave, stderr=slave, cwd=tmp_path, env=chat_env(tmp_path, "en_US"),
        start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    try:
        yield Terminal(master, process)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(TIMEOUT)
        os.close(master)


def test_ctrl_c_stops_the_chat_at_once_and_keeps_the_answers(
    terminal: Terminal, tmp_path: Path
) -> None:
    terminal.read_until(b"Who buys from you?")
    terminal.type(b"2\r")
    terminal.read_until(b"How many potential buyers")
    terminal.type(b"\x03")
    started = time.monotonic()
    try:
        status = terminal.process.wait(STOPS_WITHIN)
    except subprocess.TimeoutExpired:
        pytest.fail(f"Ctrl-C did not stop the chat within {STOPS_WITHIN} s (it waits for Enter)")
    assert time.monotonic() - started < STOPS_WITHIN
    assert status == 130
    out = terminal.read_to_end().decode()
    assert "See you soon. Your answers are saved" in out
    assert "Traceback" not in out
    rows = sqlite3.connect(tmp_path / "ecoute.db").execute("SELECT question_id FROM answers")
    assert [r[0] for r in rows] == ["business_model"]
