"""``ecoute run``: a failing platform is restarted with back-off while the other keeps serving.

The platforms here are fake coroutines that fail, return or serve as scripted; time is a fake
clock that only moves when a platform "runs" or the supervisor sleeps, so no test waits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest

from adapters.cli.run import Backoff, serve_all, supervise
from bot.errors import ConfigError

Step = tuple[float, Exception | None]
"""One run of a fake platform: seconds it runs, then the error it raises (None: it returns)."""


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)  # let the other platforms run, as a real sleep would

    def backoff(self) -> Backoff:
        return Backoff(first=1, longest=60, healthy=300, clock=self.clock, sleep=self.sleep)


class FakePlatform:
    """Plays its script one step per start; once the script is over, serves until cancelled."""

    def __init__(self, time: FakeTime, script: list[Step] | None = None) -> None:
        self.time = time
        self.script: Iterator[Step] = iter(script or [])
        self.starts = 0
        self.serving = asyncio.Event()
        self.cancelled = False

    async def __call__(self) -> None:
        self.starts += 1
        step = next(self.script, None)
        if step is not None:
            ran, error = step
            self.time.now += ran
            if error is not None:
                raise error
            return
        self.serving.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise


def fails(times: int, error: Exception | None = None, *, after: float = 0) -> list[Step]:
    return [(after, error or OSError("connection reset"))] * times


async def until_serving(platform: FakePlatform, running: asyncio.Task[None]) -> None:
    """Wait until the platform serves again; fail at once if the supervisor stopped."""
    serving = asyncio.ensure_future(platform.serving.wait())
    async with asyncio.timeout(5):
        await asyncio.wait({serving, running}, return_when=asyncio.FIRST_COMPLETED)
    if running.done():
        serving.cancel()
        running.result()
        raise AssertionError("the supervisor returned")


async def stop(running: asyncio.Task[None]) -> None:
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running


def failure_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    records = [r for r in caplog.records if r.name == "adapters.cli.run"]
    assert all(r.exc_info is None for r in records if r.levelno >= logging.INFO)
    return [r.getMessage() for r in records if r.levelno >= logging.INFO]


async def test_delays_double_from_one_second_up_to_a_minute(
    caplog: pytest.LogCaptureFixture,
) -> None:
    time = FakeTime()
    discord = FakePlatform(time, fails(9, KeyError("token")))
    running = asyncio.create_task(supervise("discord", discord, time.backoff()))
    await until_serving(discord, running)
    assert time.sleeps == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert discord.starts == 10
    lines = failure_lines(caplog)
    assert len(lines) == 9
    assert lines[0] == "discord failed (KeyError: 'token') after 0 s; restarting in 1 s"
    assert all("\n" not in line for line in lines)
    await stop(running)
    assert discord.cancelled


async def test_a_platform_that_ran_fine_for_a_while_starts_over_at_one_second() -> None:
    time = FakeTime()
    script = fails(3) + fails(1, after=300) + fails(1) + fails(1, after=299) + fails(1)
    discord = FakePlatform(time, script)
    running = asyncio.create_task(supervise("discord", discord, time.backoff()))
    await until_serving(discord, running)
    assert time.sleeps == [1, 2, 4, 1, 2, 4, 8]
    await stop(running)


async def test_a_platform_that_returns_is_started_again(caplog: pytest.LogCaptureFixture) -> None:
    time = FakeTime()
    slack = FakePlatform(time, [(5, None)])
    running = asyncio.create_task(supervise("slack", slack, time.backoff()))
    await until_serving(slack, running)
    assert slack.starts == 2
    assert failure_lines(caplog) == ["slack stopped after 5 s; restarting in 1 s"]
    await stop(running)


async def test_the_other_platform_keeps_serving_while_one_is_restarted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    time = FakeTime()
    slack = FakePlatform(time)
    discord = FakePlatform(time, fails(4, ValueError("bad\npayload")))
    running = asyncio.create_task(serve_all({"slack": slack, "discord": discord}, time.backoff()))
    await until_serving(discord, running)
    await until_serving(slack, running)
    assert (slack.starts, slack.cancelled) == (1, False)
    assert discord.starts == 5
    lines = failure_lines(caplog)
    assert len(lines) == 4
    assert all(line.startswith("discord failed (ValueError: bad payload)") for line in lines)
    await stop(running)
    assert slack.cancelled
    assert discord.cancelled


async def test_a_config_error_at_first_start_stops_everything_with_its_message() -> None:
    time = FakeTime()
    slack = FakePlatform(time)
    refused = ConfigError("Discord refused DISCORD_TOKEN: copy the bot token again.")
    discord = FakePlatform(time, [(0, refused)])
    running = asyncio.create_task(serve_all({"slack": slack, "discord": discord}, time.backoff()))
    with pytest.raises(ConfigError, match="Discord refused DISCORD_TOKEN"):
        await running
    assert time.sleeps == []
    assert discord.starts == 1
    assert slack.cancelled  # the other platform is stopped too, not left running


async def test_a_config_error_while_still_starting_is_not_retried() -> None:
    time = FakeTime()
    discord = FakePlatform(time, [*fails(1), (3, ConfigError("DISCORD_TOKEN refused"))])
    with pytest.raises(ConfigError, match="DISCORD_TOKEN refused"):
        await supervise("discord", discord, time.backoff())
    assert time.sleeps == [1]


async def test_a_config_error_after_serving_for_a_while_is_retried(
    caplog: pytest.LogCaptureFixture,
) -> None:
    time = FakeTime()
    discord = FakePlatform(time, [(3600, ConfigError("token revoked"))])
    running = asyncio.create_task(supervise("discord", discord, time.backoff()))
    await until_serving(discord, running)
    assert time.sleeps == [1]
    assert failure_lines(caplog) == [
        "discord failed (ConfigError: token revoked) after 3600 s; restarting in 1 s"
    ]
    await stop(running)


async def test_nothing_configured_returns_at_once() -> None:
    await serve_all({})
