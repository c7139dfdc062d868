"""Which way écoute talks to Slack, from the settings; refuses missing or contradictory ones."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.errors import ConfigError
from bot.settings import Settings


class Mode(StrEnum):
    SOCKET = "socket"
    """Socket Mode: a websocket opened from here, no public URL (``SLACK_APP_TOKEN``)."""
    HTTP = "http"
    """Events over HTTP at ``/slack/events`` (``SLACK_SIGNING_SECRET``)."""


@dataclass(frozen=True, slots=True)
class SlackConfig:
    """The checked Slack settings: a mode, and one workspace (bot token) or many (OAuth)."""

    mode: Mode
    oauth: bool
    port: int


def slack_config(settings: Settings, *, http: bool = False, port: int | None = None) -> SlackConfig:
    """The mode to run in, or :class:`ConfigError` saying exactly what to set.

    Socket Mode when ``SLACK_APP_TOKEN`` is set and ``http`` is not asked for, else HTTP.
    """
    s = settings
    if not s.slack_configured:
        raise ConfigError(
            "Slack is not configured. For one workspace set SLACK_BOT_TOKEN (xoxb-...) and either "
            "SLACK_APP_TOKEN (xapp-..., Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode); for "
            "installs in many workspaces set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and "
            "SLACK_SIGNING_SECRET. `ecoute slack manifest` prints the app to create."
        )
    if s.slack_bot_token and not s.slack_bot_token.startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-.")
    if s.slack_app_token and not s.slack_app_token.startswith("xapp-"):
        raise ConfigError(
            "SLACK_APP_TOKEN must be an app-level token starting with xapp- "
            "(Basic Information > App-Level Tokens, scope connections:write)."
        )
    if s.slack_oauth and s.slack_bot_token:
        raise ConfigError(
            "Set either SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and "
            "SLACK_CLIENT_SECRET (installs in many workspaces, tokens kept in the database), "
            "not both."
        )
    mode = Mode.HTTP if http or not s.slack_app_token else Mode.SOCKET
    if s.slack_oauth and mode is Mode.SOCKET:
        raise ConfigError(
            "Installs in many workspaces (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET) need HTTP mode for "
            "the /slack/install page: unset SLACK_APP_TOKEN or run `ecoute slack --http`."
        )
    if mode is Mode.SOCKET and not s.slack_bot_token:
        raise ConfigError("Socket Mode needs SLACK_BOT_TOKEN (xoxb-...) with SLACK_APP_TOKEN.")
    if mode is Mode.HTTP:
        if not s.slack_signing_secret:
            raise ConfigError(
                "HTTP mode needs SLACK_SIGNING_SECRET (Basic Information > App Credentials), or "
                "set SLACK_APP_TOKEN (xapp-...) to use Socket Mode instead."
            )
        if not (s.slack_bot_token or s.slack_oauth):
            raise ConfigError(
                "HTTP mode needs SLACK_BOT_TOKEN (xoxb-..., one workspace) or SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET (installs in many workspaces)."
            )
    if port is not None and not 0 < port < 65536:
        raise ConfigError(f"--port must be a port number (1-65535), not {port}.")
    return SlackConfig(mode=mode, oauth=s.slack_oauth, port=port or s.port)
