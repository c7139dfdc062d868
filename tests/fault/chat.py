"""The terminal chat as a child process, driven line by line with bounded waits."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30.0


class ChatProcess:
    """``ecoute chat`` on ``folder/ecoute.db``; :meth:`until` waits for text on its stdout."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.output = ""
        self._seen = 0

    @classmethod
    @asynccontextmanager
    async def start(cls, folder: Path, *args: str) -> AsyncIterator[ChatProcess]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
        env.update(
            DATABASE_URL=f"sqlite:///{folder / 'ecoute.db'}",
            LANG="en_US.UTF-8",
            LC_ALL="",
            PYTHONPATH=str(ROOT),
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "adapters.cli.main", "chat", "--user", "fault", *args,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT, cwd=folder, env=env,
        )  # fmt: skip
        chat = cls(proc)
        try:
            yield chat
            if proc.stdin is not None and not proc.stdin.is_closing():
                proc.stdin.close()
            await asyncio.wait_for(proc.wait(), TIMEOUT)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None

    @property
    def returncode(self) -> int | None:
        return self.proc.returncode

    async def until(self, text: str, within: float = TIMEOUT) -> str:
        """Read until ``text`` appears after what was already matched; returns the new output."""
        assert self.proc.stdout is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while text not in self.output[self._seen :]:
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError(f"no {text!r} within {within} s:\n{self.output[-3000:]}")
            try:
                chunk = await asyncio.wait_for(self.proc.stdout.read(4096), left)
            except TimeoutError:
                continue
            if not chunk:
                raise AssertionError(f"the chat ended before {text!r}:\n{self.output[-3000:]}")
            self.output += chunk.decode("utf-8", "replace")
        end = self.output.index(text, self._seen) + len(text)
        new, self._seen = self.output[self._seen : end], end
        return new

    async def say(self, line: str, *, until: str, within: float = TIMEOUT) -> str:
        """Type ``line`` and wait for ``until``."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()
        return await self.until(until, within)
