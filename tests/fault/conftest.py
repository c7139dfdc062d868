"""Fixtures shared by the Slack fault tests: a fake Slack that checks every payload, and écoute's
real Bolt app served on loopback against it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fault.slack_users import QuietSlack
from tests.slack.conftest import BOT_TOKEN, TEAM, Served, serve, settings_for


@pytest.fixture
async def fake() -> AsyncIterator[QuietSlack]:
    slack = QuietSlack(check_payloads=True)
    await slack.start()
    slack.workspace(TEAM, BOT_TOKEN)
    yield slack
    await slack.stop()
    assert slack.problems == [], slack.problems


@pytest.fixture
async def served(tmp_path: Path, fake: QuietSlack) -> AsyncIterator[Served]:
    app = await serve(settings_for(tmp_path / "ecoute.db", fake))
    yield app
    await app.stop()
