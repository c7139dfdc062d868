"""Numbers in settings are bounded and ASCII, and ``.env`` reads as a shell would: a value
out of range or not a number is a settings error naming the variable, never a traceback later
(the sweeper sleeping ``inf`` seconds, ``int('²')``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import load_settings

MAX_DAYS = 3650
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "text",
    ["inf", "-inf", "nan", "1e308d", "1e3", "99999999999999d", "3651d", "87601h", "1_000",
     "٣h", "²", "24hh", "h", "-5m", "0h", "0.0s", "+5m"],
)  # fmt: skip
def test_remind_after_must_be_finite_positive_and_at_most_ten_years(text: str) -> None:
    env = {"ECOUTE_REMIND_AFTER": text}
    with pytest.raises(ConfigError) as caught:
        load_settings(env, dotenv=None)
    message = str(caught.value)
    assert message.startswith("ECOUTE_REMIND_AFTER must be a duration such as 24h, 90m or 2d")
    assert f"at most {MAX_DAYS}d" in message
    assert "or off" in message


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("24h", 86_400.0), ("90m", 5_400.0), ("2d", 172_800.0), ("3600", 3_600.0),
     ("1.5h", 5_400.0), ("24 h", 86_400.0), ("2D", 172_800.0), ("3650d", 3650 * 86_400.0),
     ("off", 0.0), ("OFF", 0.0), ("never", 0.0), ("0", 0.0), (" 24h ", 86_400.0)],
)  # fmt: skip
def test_documented_durations_still_work(text: str, seconds: float) -> None:
    assert load_settings({"ECOUTE_REMIND_AFTER": text}, dotenv=None).remind_after == seconds


@pytest.mark.parametrize(
    "text", ["99999999999999", "3651", "²", "٣", "1_0", "+5", "-1", "1.5", "9" * 5000]
)
def test_retention_is_ascii_digits_up_to_ten_years(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"ECOUTE_RETENTION_DAYS": text}, dotenv=None)
    assert str(caught.value) == (
        f"ECOUTE_RETENTION_DAYS must be a number of days from 0 (keeps everything) to "
        f"{MAX_DAYS}, not {text[:80]!r}."
    )


@pytest.mark.parametrize(("text", "days"), [("0", 0), ("90", 90), ("3650", 3650), ("007", 7)])
def test_retention_in_range_is_read(text: str, days: int) -> None:
    assert load_settings({"ECOUTE_RETENTION_DAYS": text}, dotenv=None).retention_days == days


@pytest.mark.parametrize("text", ["²", "٣٠٠٠", "0", "65536", "99999999999999", "-1", "1_0", "x"])
def test_port_is_ascii_digits_from_1_to_65535(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"PORT": text}, dotenv=None)
    assert str(caught.value) == f"PORT must be a port number (1-65535), not {text!r}."


@pytest.mark.parametrize(("text", "port"), [("1", 1), ("8080", 8080), ("65535", 65535)])
def test_port_in_range_is_read(text: str, port: int) -> None:
    assert load_settings({"PORT": text}, dotenv=None).port == port


@pytest.mark.parametrize(
    ("name", "value"),
    [("PORT", "²"), ("ECOUTE_RETENTION_DAYS", "²"), ("ECOUTE_REMIND_AFTER", "inf")],
)
def test_the_commands_stop_with_the_settings_error_and_status_2(
    tmp_path: Path, name: str, value: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update({"PYTHONPATH": str(ROOT), name: value})
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", "chat"],
        input="quit\n", capture_output=True, text=True, cwd=tmp_path, env=env,
        timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].startswith(f"{name} must be")


def dotenv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".env"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("SLACK_SIGNING_SECRET=abc #x", "abc"),
        ("SLACK_SIGNING_SECRET=abc\t# a comment", "abc"),
        ("SLACK_SIGNING_SECRET=abc#x", "abc#x"),
        ("SLACK_SIGNING_SECRET= #x", ""),
        ("SLACK_SIGNING_SECRET=#x", "#x"),
        ('SLACK_SIGNING_SECRET="abc #x"', "abc #x"),
        ("SLACK_SIGNING_SECRET='abc #x'", "abc #x"),
        ('SLACK_SIGNING_SECRET="abc" # quoted, then a comment', "abc"),
        ('SLACK_SIGNING_SECRET="a"b"', 'a"b'),
        ("SLACK_SIGNING_SECRET=a=b==", "a=b=="),
        ("export\tSLACK_SIGNING_SECRET=1", "1"),
        ("export  SLACK_SIGNING_SECRET=1", "1"),
        ('export SLACK_SIGNING_SECRET="q u"', "q u"),
    ],
)
def test_dotenv_values(tmp_path: Path, line: str, value: str) -> None:
    settings = load_settings({}, dotenv(tmp_path, f"# secrets\r\n{line}\r\n"))
    assert settings.slack_signing_secret == value


def test_dotenv_keeps_what_worked(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(
        b"\xef\xbb\xbf# comment\r\nECOUTE_LANG=en\r\nECOUTE_LANG=fr\r\n"
        b"exportLOG_LEVEL=debug\r\nDATABASE_URL='sqlite:///x.db?a=b'\r\n"
    )
    settings = load_settings({}, path)
    assert settings.default_lang == "fr"  # the last duplicate wins
    assert settings.log_level == "INFO"  # ``exportLOG_LEVEL`` is another key
    assert settings.database_url == "sqlite+aiosqlite:///x.db?a=b"


@pytest.mark.parametrize("blank", [" ", "\t", "  \t ", '" "', "'\t'"])
def test_whitespace_only_tokens_are_not_set(tmp_path: Path, blank: str) -> None:
    path = dotenv(
        tmp_path,
        f"SLACK_BOT_TOKEN={blank}\nSLACK_SIGNING_SECRET={blank}\nDISCORD_TOKEN={blank}\n",
    )
    settings = load_settings({}, path)
    assert (settings.slack_bot_token, settings.slack_signing_secret) == ("", "")
    assert not settings.slack_configured
    assert not settings.discord_configured
    env = {"SLACK_BOT_TOKEN": "\t ", "DISCORD_TOKEN": " \n"}
    settings = load_settings(env, dotenv=None)
    assert not settings.slack_configured
    assert not settings.discord_configured
