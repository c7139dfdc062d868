"""Run every configured platform in one process (``ecoute run`` / ``make run``).

Each platform runs under :func:`supervise`: when it fails it is restarted after a delay that
doubles from :attr:`Backoff.first` up to :attr:`Backoff.longest` (and starts over once it ran
fine for :attr:`Backoff.healthy` seconds), with one log line per failure, while the other
platform keeps serving. A :class:`~bot.errors.ConfigError` on a platform's first start (a token
refused, a setting missing, Slack's HTTP port already in use) stops the process with its message
instead: retrying cannot help.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from bot.bootstrap import Core, open_core
from bot.errors import ConfigError
from bot.settings import Settings

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]
"""Starts a platform and serves it until cancelled (a fresh run each call)."""


@dataclass(frozen=True)
class Backoff:
    """Restart delays, and the clock and sleeper they use (tests give fake ones)."""

    first: float = 1.0
    longest: float = 60.0
    healthy: float = 300.0
    """Seconds of running after which a failure counts as the first again."""
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)


async def supervise(name: str, job: Job, backoff: Backoff | None = None) -> None:
    """Run ``job`` until cancelled, restarting it with back-off whenever it fails or returns.

    A ConfigError is raised, not retried, until the job has once run for ``healthy`` seconds
    (a bad token or setting: restarting cannot help); after that it is retried like any
    failure, so that the other platforms keep serving.
    """
    policy = backoff or Backoff()
    delay = policy.first
    served = False
    while True:
        started = policy.clock()
        error: Exception | None = None
        try:
            await job()
        except ConfigError as exc:
            if not served and policy.clock() - started < policy.healthy:
                raise
            error = exc
        except Exception as exc:
            error = exc
        ran_for = policy.clock() - started
        if ran_for >= policy.healthy:
            served = True
            delay = policy.first
        log.error(
            "%s %s after %.0f s; restarting in %g s",
            name,
            "stopped" if error is None else f"failed ({one_line(error)})",
            ran_for,
            delay,
        )
        if error is not None:
            log.debug("%s's failure", name, exc_info=error)
        await policy.sleep(delay)
        delay = min(delay * 2, policy.longest)


def one_line(error: Exception) -> str:
    """``KeyError: 'token'``: the error's type and message, on one short line."""
    return " ".join(f"{type(error).__name__}: {error}".split())[:300]


async def serve_all(jobs: Mapping[str, Job], backoff: Backoff | None = None) -> None:
    """Supervise every job side by side until cancelled; if one stops the process (a
    ConfigError at first start), the others are cancelled and its error is raised."""
    if not jobs:
        return
    tasks = [
        asyncio.create_task(supervise(name, job, backoff), name=f"ecoute-{name}")
        for name, job in jobs.items()
    ]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            task.result()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def platform_jobs(core: Core) -> dict[str, Job]:
    """Slack and/or Discord, as the settings' tokens say."""
    jobs: dict[str, Job] = {}
    if core.settings.slack_configured:
        from adapters.slack.runner import run as run_slack

        jobs["slack"] = lambda: run_slack(core)
    if core.settings.discord_configured:
        from adapters.discord.runner import run as run_discord

        jobs["discord"] = lambda: run_discord(core)
    return jobs


async def run_platforms(settings: Settings, backoff: Backoff | None = None) -> None:
    """Slack and/or Discord, sharing one database; until cancelled."""
    core = await open_core(settings)
    try:
        await serve_all(platform_jobs(core), backoff)
    finally:
        await core.close()
