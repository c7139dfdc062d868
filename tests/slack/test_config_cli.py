"""`ecoute slack` settings checks and `ecoute slack manifest`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.slack.cli import main
from adapters.slack.config import Mode, slack_config
from adapters.slack.manifest import BOT_EVENTS, BOT_SCOPES, manifest
from bot.catalog import load_catalog
from bot.errors import ConfigError
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
BOT, APP, SECRET = "xoxb-1", "xapp-1", "shh"


def test_socket_mode_when_an_app_token_is_set() -> None:
    config = slack_config(Settings(slack_bot_token=BOT, slack_app_token=APP))
    assert config.mode is Mode.SOCKET
    assert not config.oauth


def test_http_mode_asked_for_or_without_app_token() -> None:
    both = Settings(slack_bot_token=BOT, slack_app_token=APP, slack_signing_secret=SECRET)
    assert slack_config(both, http=True, port=8080).mode is Mode.HTTP
    assert slack_config(both, http=True, port=8080).port == 8080
    http = Settings(slack_bot_token=BOT, slack_signing_secret=SECRET, port=5000)
    assert slack_config(http).mode is Mode.HTTP
    assert slack_config(http).port == 5000
    oauth = Settings(slack_client_id="1.2", slack_client_secret="s", slack_signing_secret=SECRET)
    assert slack_config(oauth).oauth


@pytest.mark.parametrize(
    ("settings", "http", "says"),
    [
        (Settings(), False, "Slack is not configured"),
        (Settings(slack_bot_token="xoxp-user"), False, "xoxb-"),
        (Settings(slack_bot_token=BOT, slack_app_token="xoxb-2"), False, "xapp-"),
        (Settings(slack_app_token=APP), False, "SLACK_BOT_TOKEN"),
        (Settings(slack_bot_token=BOT), False, "SLACK_SIGNING_SECRET"),
        (Settings(slack_bot_token=BOT, slack_app_token=APP), True, "SLACK_SIGNING_SECRET"),
        (
            Settings(slack_bot_token=BOT, slack_client_id="1", slack_client_secret="2"),
            True,
            "not both",
        ),
        (
            Settings(slack_app_token=APP, slack_client_id="1", slack_client_secret="2"),
            False,
            "--http",
        ),
    ],
)
def test_missing_or_contradictory_settings_say_what_to_set(
    settings: Settings, http: bool, says: str
) -> None:
    with pytest.raises(ConfigError, match=says):
        slack_config(settings, http=http)


def _run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``ecoute`` in a folder without a ``.env``, with no Slack or Discord variable inherited."""
    base = {k: val for k, val in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from adapters.cli.main import main; sys.exit(main())",
            *args,
        ],
        cwd=cwd,
        env={**base, "PYTHONPATH": str(ROOT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_refuses_to_start_without_settings_exit_2(tmp_path: Path) -> None:
    env = {"SLACK_BOT_TOKEN": BOT, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    done = _run_cli("slack", cwd=tmp_path, env=env)
    assert done.returncode == 2, done.stderr
    assert "SLACK_SIGNING_SECRET" in done.stderr
    assert done.stderr.count("\n") <= 2  # one clear message, no traceback


def test_main_returns_2_in_process(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env there
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--port", "3001"]) == 2
    assert "Slack is not configured" in capsys.readouterr().err


def test_manifest_for_socket_mode_and_for_http() -> None:
    catalog = load_catalog()
    socket = manifest(catalog)
    assert socket["settings"]["socket_mode_enabled"] is True
    assert socket["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    assert socket["settings"]["event_subscriptions"]["bot_events"] == list(BOT_EVENTS)
    assert "url" not in socket["features"]["slash_commands"][0]
    assert socket["features"]["app_home"]["home_tab_enabled"] is True
    assert socket["features"]["app_home"]["messages_tab_enabled"] is True
    http = manifest(catalog, "fr", "https://ecoute.example.com/slack/events")
    events = "https://ecoute.example.com/slack/events"
    assert http["settings"]["socket_mode_enabled"] is False
    assert http["settings"]["event_subscriptions"]["request_url"] == events
    assert http["settings"]["interactivity"]["request_url"] == events
    assert http["features"]["slash_commands"][0]["url"] == events
    assert http["oauth_config"]["redirect_urls"] == [
        "https://ecoute.example.com/slack/oauth_redirect"
    ]
    long = http["display_information"]["long_description"]
    assert 175 <= len(long) <= 4000
    with pytest.raises(ConfigError, match="https://"):
        manifest(catalog, "en", "http://insecure.example.com")


def test_manifest_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manifest", "--http-url", "https://x.example"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["features"]["slash_commands"][0]["command"] == "/ecoute"
    assert main(["manifest", "--http-url", "ftp://x"]) == 2
