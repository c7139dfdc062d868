"""Fixtures: a fake Slack, a real SQLite database and the real Bolt app served on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.slack.app import SlackApp
from adapters.slack.runner import EVENTS_PATH, build_slack, web_app
from bot.bootstrap import Core, open_core
from bot.settings import Settings
from bot.store import Store
from tests.fakes import GatedStore
from tests.slack.driver import HttpTransport, SlackUser, Transport
from tests.slack.fake_slack import FakeSlack

SECRET = "test-signing-secret"
TEAM = "T0000001"
BOT_TOKEN = "xoxb-test-one"


@dataclass
class Served:
    """The Bolt app of one process, serving HTTP on 127.0.0.1."""

    core: Core
    slack: SlackApp
    runner: web.AppRunner
    url: str

    @property
    def events_url(self) -> str:
        return self.url + EVENTS_PATH

    async def stop(self, *, close_core: bool = True) -> None:
        await self.slack.close(grace=5)
        await self.runner.cleanup()
        if close_core:
            await self.core.close()


def settings_for(db: Path, fake: FakeSlack, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite+aiosqlite:///{db}",
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SECRET,
        "slack_api_url": fake.api_url,
    }
    values.update(overrides)
    return Settings(**values)


async def serve(settings: Settings, wrap: Callable[[Store], Store] | None = None) -> Served:
    """Open the core on ``settings`` and serve its Slack app on a free loopback port."""
    core = await open_core(settings)
    if wrap is not None:
        core = replace(core, store=wrap(core.store))
    slack = await build_slack(core, oauth=settings.slack_oauth)
    runner = web.AppRunner(web_app(slack, core.store))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return Served(core, slack, runner, f"http://{host}:{port}")


@dataclass
class Harness:
    fake: FakeSlack
    served: Served
    session: aiohttp.ClientSession
    extra: list[Served] = field(default_factory=list)

    @property
    def store(self) -> GatedStore:
        store = self.served.core.store
        assert isinstance(store, GatedStore)
        return store

    @property
    def http(self) -> HttpTransport:
        return HttpTransport(self.served.events_url, SECRET, self.session)

    def user(
        self, user: str, locale: str = "en-US", team: str = TEAM, via: Transport | None = None
    ) -> SlackUser:
        self.fake.locales[user] = locale
        return SlackUser(self.fake, via or self.http, team, user)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = await FakeSlack().start()
    slack.workspace(TEAM, BOT_TOKEN)
    yield slack
    await slack.stop()
    assert slack.problems == [], slack.problems


@pytest.fixture
async def harness(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[Harness]:
    served = await serve(settings_for(tmp_path / "ecoute.db", fake), GatedStore)
    async with aiohttp.ClientSession() as session:
        h = Harness(fake, served, session)
        try:
            yield h
        finally:
            for extra in h.extra:
                await extra.stop()
            await h.served.stop()


@asynccontextmanager
async def oauth_served(db: Path, fake: FakeSlack) -> AsyncIterator[Harness]:
    """écoute in OAuth mode (installed workspace by workspace, no bot token) on ``db``."""
    settings = settings_for(
        db,
        fake,
        slack_bot_token="",
        slack_client_id="111.222",
        slack_client_secret="client-secret",
    )
    served = await serve(settings)
    async with aiohttp.ClientSession() as session:
        try:
            yield Harness(fake, served, session)
        finally:
            await served.stop()
