"""Settings with a closed set of values refuse any other, naming the variable and the choices:
the database (SQLite or PostgreSQL), the language (a folder of prompts/), the log level."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import check_database_url, load_settings

ROOT = Path(__file__).resolve().parents[2]
DATABASE_ONLY = r"^DATABASE_URL: SQLite \(sqlite:///path\) or PostgreSQL \(postgresql://…\) only"


@pytest.mark.parametrize(
    "url", ["mysql://x", "foo", "mysql+pymysql://u:p@h/db", "sqlite:", "postgresql://", "://x"]
)
def test_a_database_ecoute_cannot_use_is_a_settings_error(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError, match=DATABASE_ONLY):
        load_settings({"DATABASE_URL": url}, tmp_path / ".env")


def test_the_refused_url_is_shown_without_its_password() -> None:
    with pytest.raises(ConfigError) as caught:
        check_database_url("mysql://admin:hunter2@db/x")
    assert "hunter2" not in str(caught.value)
    assert "'mysql://admin:***@db/x'" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("ECOUTE_LANG", "de", "en, fr"),
        ("ECOUTE_LANG", "fr_FR", "en, fr"),
        ("LOG_LEVEL", "LOUD", "DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    ],
)
def test_a_value_outside_the_choices_names_variable_and_choices(
    tmp_path: Path, name: str, value: str, allowed: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({name: value}, tmp_path / ".env")
    assert str(caught.value) == f"{name} must be one of {allowed}, not {value!r}."


def test_choices_are_read_whatever_their_case(tmp_path: Path) -> None:
    settings = load_settings({"ECOUTE_LANG": "FR", "LOG_LEVEL": "debug"}, tmp_path / ".env")
    assert (settings.default_lang, settings.log_level) == ("fr", "DEBUG")


@pytest.mark.parametrize(
    ("name", "value"), [("DATABASE_URL", "mysql://x"), ("ECOUTE_LANG", "de"), ("LOG_LEVEL", "x")]
)
def test_every_command_stops_with_the_message_and_no_traceback(
    tmp_path: Path, name: str, value: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update({"PYTHONPATH": str(ROOT), name: value})
    for command in (["chat"], ["run"], ["db", "current"]):
        done = subprocess.run(
            [sys.executable, "-m", "adapters.cli.main", *command],
            input="quit\n", capture_output=True, text=True, cwd=tmp_path, env=env,
            timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 2, (command, done.stderr)
        assert "Traceback" not in done.stderr
        assert done.stderr.splitlines()[-1].removeprefix("ecoute db: ").startswith(name)


def test_a_dotenv_that_is_not_utf8_is_a_settings_error(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_bytes(b"ECOUTE_LANG=fr\nSLACK_BOT_TOKEN=caf\xe9\n")
    with pytest.raises(ConfigError, match=r"\.env: cannot be read as UTF-8 text"):
        load_settings({}, dotenv)
    dotenv.write_bytes(b"\xef\xbb\xbfECOUTE_LANG=fr\n")  # a byte-order mark is fine
    assert load_settings({}, dotenv).default_lang == "fr"
