"""``ecoute discord``: the invite link, clear messages for missing settings, sync, run."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from adapters.discord.cli import main
from adapters.discord.runner import run
from bot.bootstrap import Core
from bot.errors import ConfigError
from bot.settings import Settings
from tests.discord.conftest import TOKEN
from tests.discord.fake_discord import FakeDiscord
from tests.discord.members import Member

DISCORD_ENV = (
    "DISCORD_TOKEN",
    "DISCORD_APPLICATION_ID",
    "DISCORD_API_URL",
    "DISCORD_GATEWAY_URL",
    "DISCORD_SHARDS",
    "DATABASE_URL",
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """A clean environment, in a folder without a .env file."""
    monkeypatch.chdir(tmp_path)
    for name in DISCORD_ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_invite_url_asks_for_both_scopes_and_the_posting_permissions(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("DISCORD_APPLICATION_ID", "123456789012345678")
    assert main(["invite-url"]) == 0
    assert capsys.readouterr().out.strip() == (
        "https://discord.com/oauth2/authorize?client_id=123456789012345678"
        "&scope=bot+applications.commands&permissions=52224"
    )


def test_invite_url_can_read_the_application_id_from_the_token(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("DISCORD_TOKEN", TOKEN)
    assert main(["invite-url"]) == 0
    assert "client_id=900000000000000001&" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ([], "DISCORD_TOKEN"),
        (["sync"], "DISCORD_TOKEN"),
        (["invite-url"], "DISCORD_APPLICATION_ID"),
    ],
)
def test_missing_settings_stop_with_what_to_set(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"{says} is not set" in err
    assert "developer portal" in err or "developers/applications" in err


async def test_sync_command_for_a_guild(
    env: pytest.MonkeyPatch, tmp_path: Path, fake: FakeDiscord
) -> None:
    env.setenv("DISCORD_TOKEN", TOKEN)
    env.setenv("DISCORD_API_URL", fake.api_url)
    env.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    code = await asyncio.wait_for(asyncio.to_thread(main, ["sync", "--guild", "777"]), 30)
    assert code == 0
    assert [scope for scope, _ in fake.command_syncs] == ["guild:777"]


async def test_run_serves_until_cancelled(core: Core, fake: FakeDiscord) -> None:
    task = asyncio.create_task(run(core))
    await fake.until(lambda: fake.identified == 1)
    answered = await Member(fake, 111, "alice").slash("start")
    assert answered.first_type == 4
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)
    await fake.until(lambda: not fake.sockets)


async def test_run_without_a_token_says_what_to_set(core: Core) -> None:
    without = replace(core, settings=Settings())
    with pytest.raises(ConfigError, match="DISCORD_TOKEN is not set"):
        await run(without)


async def test_run_with_a_refused_token_says_so(core: Core, fake: FakeDiscord) -> None:
    fake.refuse_token = True
    with pytest.raises(ConfigError, match="Discord refused DISCORD_TOKEN"):
        await asyncio.wait_for(run(core), 10)


async def test_ecoute_discord_with_a_refused_token_stops_with_the_message(
    env: pytest.MonkeyPatch, tmp_path: Path, fake: FakeDiscord, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.refuse_token = True
    env.setenv("DISCORD_TOKEN", TOKEN)
    env.setenv("DISCORD_API_URL", fake.api_url)
    env.setenv("DISCORD_GATEWAY_URL", fake.gateway_url)
    env.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    code = await asyncio.wait_for(asyncio.to_thread(main, []), 30)
    assert code == 2
    assert "Discord refused DISCORD_TOKEN" in capsys.readouterr().err


def test_an_invalid_discord_shards_stops_with_what_to_set(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("DISCORD_TOKEN", TOKEN)
    env.setenv("DISCORD_SHARDS", "many")
    assert main([]) == 2
    assert "DISCORD_SHARDS must be auto" in capsys.readouterr().err
