"""Settings: read once from the environment and .env; contradictions refused; secrets hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import DEFAULT_DATABASE_URL, load_settings, normalize_database_url


def test_defaults_without_anything(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path / ".env")
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert not settings.slack_configured
    assert not settings.discord_configured


def test_dotenv_is_read_and_environment_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# comment\nexport DISCORD_TOKEN='from-file'\nECOUTE_LANG=fr\nPORT=8080\n", "utf-8"
    )
    settings = load_settings({"PORT": "9090"}, dotenv)
    assert settings.discord_token == "from-file"
    assert settings.default_lang == "fr"
    assert settings.port == 9090


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_database_urls_are_normalised(url: str, expected: str) -> None:
    assert normalize_database_url(url) == expected


def test_half_an_oauth_pair_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SLACK_CLIENT_SECRET"):
        load_settings({"SLACK_CLIENT_ID": "1.2"}, tmp_path / ".env")


def test_bad_port_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PORT"):
        load_settings({"PORT": "http"}, tmp_path / ".env")


def test_repr_hides_secrets(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-secret-1",
            "SLACK_SIGNING_SECRET": "signing-secret-2",
            "DISCORD_TOKEN": "discord-secret-3",
            "DATABASE_URL": "postgres://me:pw-secret-4@db/ecoute",
        },
        tmp_path / ".env",
    )
    shown = repr(settings)
    for secret in ("xoxb-secret-1", "signing-secret-2", "discord-secret-3", "pw-secret-4"):
        assert secret not in shown
    assert "me:***@db/ecoute" in shown


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("24h", 86_400.0), ("90m", 5_400.0), ("2d", 172_800.0), ("3600", 3_600.0), ("off", 0.0)],
)
def test_remind_after_durations(text: str, seconds: float) -> None:
    settings = load_settings({"ECOUTE_REMIND_AFTER": text}, dotenv=None)
    assert settings.remind_after == seconds


def test_reminders_and_retention_defaults_and_bad_values() -> None:
    settings = load_settings({}, dotenv=None)
    assert (settings.remind_after, settings.retention_days) == (86_400.0, 0)
    assert load_settings({"ECOUTE_RETENTION_DAYS": "90"}, dotenv=None).retention_days == 90
    with pytest.raises(ConfigError, match="ECOUTE_REMIND_AFTER must be a duration"):
        load_settings({"ECOUTE_REMIND_AFTER": "soon"}, dotenv=None)
    with pytest.raises(ConfigError, match="ECOUTE_RETENTION_DAYS must be a number of days"):
        load_settings({"ECOUTE_RETENTION_DAYS": "-3"}, dotenv=None)
