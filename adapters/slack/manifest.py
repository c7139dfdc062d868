"""``ecoute slack manifest``: the Slack app to create, with exactly what écoute uses."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bot.catalog import Catalog
from bot.errors import ConfigError

APP_NAME = "écoute"
BOT_NAME = "ecoute"
COMMAND = "/ecoute"
EVENTS_PATH = "/slack/events"
REDIRECT_PATH = "/slack/oauth_redirect"

BOT_SCOPES = (
    "commands",  # /ecoute
    "chat:write",  # questions, records, verdicts in the DM
    "chat:write.public",  # share a verdict, open a team round, in a public channel
    "files:write",  # the team report's chart, the team export (files_upload_v2)
    "im:history",  # read the answers typed in the DM (message.im)
    "im:write",  # open the DM (conversations.open)
    "users:read",  # the user's locale (users.info include_locale)
)
BOT_EVENTS = ("app_home_opened", "message.im", "app_uninstalled", "tokens_revoked")


def base_url(http_url: str) -> str:
    """The public HTTPS address écoute is served at (``/slack/events`` may be given too)."""
    parts = urlsplit(http_url.strip())
    if parts.scheme != "https" or not parts.netloc:
        raise ConfigError(
            f"--http-url must be the public https:// address écoute is served at, not {http_url!r}."
        )
    path = parts.path.rstrip("/").removesuffix(EVENTS_PATH)
    return f"https://{parts.netloc}{path}"


def manifest(catalog: Catalog, lang: str = "en", http_url: str | None = None) -> dict[str, Any]:
    """The app manifest: Socket Mode without ``http_url``, else HTTP to that address."""

    def text(key: str) -> str:
        return catalog.text(lang, f"slack.manifest.{key}")

    base = base_url(http_url) if http_url else None
    command: dict[str, Any] = {
        "command": COMMAND,
        "description": text("command"),
        "usage_hint": text("usage_hint"),
        "should_escape": True,  # mentions arrive as <@U…|name>: /ecoute team @alex @sam
    }
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    interactivity: dict[str, Any] = {"is_enabled": True}
    oauth: dict[str, Any] = {"scopes": {"bot": list(BOT_SCOPES)}}
    if base:
        command["url"] = events["request_url"] = interactivity["request_url"] = base + EVENTS_PATH
        oauth["redirect_urls"] = [base + REDIRECT_PATH]
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": APP_NAME,
            "description": text("description"),
            "long_description": text("long_description"),
            "background_color": "#1d3557",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": BOT_NAME, "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": oauth,
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": base is None,
            "token_rotation_enabled": False,
        },
    }
