"""One immutable settings object, read once from the environment and ``.env``."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from bot.errors import ConfigError
from bot.schema import PROMPTS_DIR
from bot.validation import whole_number

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/ecoute.db"
DATABASE_SCHEMES = ("sqlite+aiosqlite://", "postgresql+asyncpg://")
"""What :func:`normalize_database_url` makes of the URLs écoute can use."""
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LANGUAGE_FOLDER = re.compile(r"^[a-z]{2,3}(?:-[A-Z]{2})?$")
"""A folder of ``prompts/`` that holds a language's texts (``en``, ``fr``, ``pt-BR``)."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything écoute reads from its environment; ``repr`` never shows a secret."""

    database_url: str = DEFAULT_DATABASE_URL
    default_lang: str = "en"
    log_level: str = "INFO"
    port: int = 3000
    slack_bot_token: str = ""
    slack_app_token: str = ""
    slack_signing_secret: str = ""
    slack_client_id: str = ""
    slack_client_secret: str = ""
    slack_api_url: str = ""
    discord_token: str = ""
    discord_application_id: str = ""
    discord_api_url: str = ""
    discord_gateway_url: str = ""
    discord_shards: str = "off"
    remind_after: float = 86_400.0
    """Seconds after which an interview left half-done gets one private nudge (0: never)."""
    retention_days: int = 0
    """Conversations, polls and rounds untouched this many days are deleted (0: kept)."""
    """``auto``: one gateway connection per shard, as many as Discord says (from 2,500
    servers); ``off``: a single connection."""

    @property
    def slack_configured(self) -> bool:
        return bool(
            self.slack_bot_token
            or self.slack_app_token
            or (self.slack_client_id and self.slack_client_secret)
        )

    @property
    def slack_oauth(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def discord_configured(self) -> bool:
        return bool(self.discord_token)

    def __repr__(self) -> str:
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value and any(s in f.name for s in ("token", "secret")):
                value = "***"
            elif f.name == "database_url":
                value = redact_url(str(value))
            shown.append(f"{f.name}={value!r}")
        return f"Settings({', '.join(shown)})"


def redact_url(url: str) -> str:
    """The URL with any password replaced by ``***``."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def normalize_database_url(url: str) -> str:
    """Async drivers for SQLAlchemy; Heroku's ``postgres://`` is refused by SQLAlchemy as is."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite://") and not url.startswith("sqlite+aiosqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    return url


def check_database_url(text: str) -> str:
    """The normalised URL of a database écoute can use; ConfigError for any other."""
    url = normalize_database_url(text)
    if not url.startswith(DATABASE_SCHEMES) or not url.partition("://")[2]:
        raise ConfigError(
            "DATABASE_URL: SQLite (sqlite:///path) or PostgreSQL (postgresql://…) only, "
            f"not {redact_url(text)!r}."
        )
    return url


def prompt_languages(root: Path = PROMPTS_DIR) -> tuple[str, ...]:
    """The languages ``prompts/`` has a folder for, sorted."""
    return tuple(
        sorted(p.name for p in root.iterdir() if p.is_dir() and LANGUAGE_FOLDER.match(p.name))
    )


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> str:
    """``value`` as spelled in ``allowed`` (case aside), or ConfigError naming the choices."""
    for choice in allowed:
        if choice.casefold() == value.casefold():
            return choice
    raise ConfigError(f"{name} must be one of {', '.join(allowed)}, not {value[:80]!r}.")


def read_dotenv(path: Path) -> dict[str, str]:
    """``KEY=value`` lines; ``#`` comments (whole lines, or after a space in an unquoted
    value), ``export`` and matching quotes allowed."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read as UTF-8 text ({exc}).") from exc
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = _EXPORT.sub("", line, count=1).partition("=")
        values[key.strip()] = _dotenv_value(value)
    return values


_EXPORT = re.compile(r"^export\s+")
_INLINE_COMMENT = re.compile(r"\s#")


def _dotenv_value(text: str) -> str:
    """The value after ``=``: inside its quotes, or unquoted up to a `` #`` comment."""
    value = text.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    if value[:1] in ("'", '"'):
        end = value.find(value[0], 1)
        if end > 0 and value[end + 1 :].lstrip().startswith("#"):
            return value[1:end]
    return _INLINE_COMMENT.split(text, maxsplit=1)[0].strip()


_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86_400.0}
MAX_DAYS = 3650
"""The longest duration or retention a setting may give: ten years."""
_DURATION = re.compile(r"([0-9]{1,12}(?:\.[0-9]{1,12})?)\s*([smhd]?)")


def parse_duration(name: str, text: str) -> float:
    """``24h``, ``90m``, ``2d``, ``3600`` (seconds) or ``off``/``0`` (never) -> seconds,
    at most :data:`MAX_DAYS` days."""
    value = text.strip().lower()
    if value in ("off", "0", "never"):
        return 0.0
    found = _DURATION.fullmatch(value)
    seconds = float(found[1]) * _UNITS[found[2] or "s"] if found else -1.0
    if not 0 < seconds <= MAX_DAYS * _UNITS["d"]:
        raise ConfigError(
            f"{name} must be a duration such as 24h, 90m or 2d (at most {MAX_DAYS}d), or off, "
            f"not {text[:80]!r}."
        )
    return seconds


def parse_whole(name: str, text: str, low: int, high: int, what: str) -> int:
    """``text`` as a whole number (ASCII digits) from ``low`` to ``high``; else ConfigError
    saying ``name`` must be ``what``."""
    value = whole_number(text.strip(), digits=12)
    if value is not None and low <= value <= high:
        return value
    raise ConfigError(f"{name} must be {what}, not {text[:80]!r}.")


def load_settings(
    environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
) -> Settings:
    """Settings from ``.env`` overridden by the environment; contradictions raise ConfigError."""
    env: dict[str, str] = read_dotenv(dotenv) if dotenv else {}
    env.update(os.environ if environ is None else environ)

    def get(name: str, default: str = "") -> str:
        return env.get(name, default).strip()

    port = parse_whole("PORT", get("PORT") or "3000", 1, 65535, "a port number (1-65535)")
    lang = _one_of("ECOUTE_LANG", get("ECOUTE_LANG") or "en", prompt_languages())
    log_level = _one_of("LOG_LEVEL", get("LOG_LEVEL") or "INFO", LOG_LEVELS)
    shards = get("DISCORD_SHARDS").lower() or "off"
    if shards not in ("off", "auto"):
        raise ConfigError(
            "DISCORD_SHARDS must be auto (gateway shards as Discord recommends; required from "
            "2,500 servers) or off (one connection, the default), not "
            f"{get('DISCORD_SHARDS')!r}."
        )
    remind_after = parse_duration("ECOUTE_REMIND_AFTER", get("ECOUTE_REMIND_AFTER") or "24h")
    retention = parse_whole(
        "ECOUTE_RETENTION_DAYS",
        get("ECOUTE_RETENTION_DAYS") or "0",
        0,
        MAX_DAYS,
        f"a number of days from 0 (keeps everything) to {MAX_DAYS}",
    )
    settings = Settings(
        database_url=check_database_url(get("DATABASE_URL") or DEFAULT_DATABASE_URL),
        default_lang=lang,
        log_level=log_level,
        port=port,
        slack_bot_token=get("SLACK_BOT_TOKEN"),
        slack_app_token=get("SLACK_APP_TOKEN"),
        slack_signing_secret=get("SLACK_SIGNING_SECRET"),
        slack_client_id=get("SLACK_CLIENT_ID"),
        slack_client_secret=get("SLACK_CLIENT_SECRET"),
        slack_api_url=get("SLACK_API_URL"),
        discord_token=get("DISCORD_TOKEN"),
        discord_application_id=get("DISCORD_APPLICATION_ID"),
        discord_api_url=get("DISCORD_API_URL"),
        discord_gateway_url=get("DISCORD_GATEWAY_URL"),
        discord_shards=shards,
        remind_after=remind_after,
        retention_days=retention,
    )
    if bool(settings.slack_client_id) != bool(settings.slack_client_secret):
        raise ConfigError(
            "Set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (for installs in many workspaces), "
            "or neither (for one workspace with SLACK_BOT_TOKEN)."
        )
    return settings
