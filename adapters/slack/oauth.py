"""Installs in many workspaces: Slack's OAuth flow with tokens kept in écoute's database.

slack_sdk's async SQLAlchemy stores are used on the same ``DATABASE_URL`` as the
conversations (the migrations create their tables; :func:`oauth_settings` makes sure they
exist). When a workspace uninstalls écoute or revokes its tokens, Bolt's built-in listeners
delete its installation; its members' answers stay until each one types ``/ecoute forget``
(the store has no "whole workspace" deletion, and an uninstall is often a mistake undone).
"""

from __future__ import annotations

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.slack.manifest import BOT_SCOPES
from bot.settings import Settings

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600
SQLITE_BUSY_SECONDS = 5


def oauth_engine(database_url: str) -> AsyncEngine:
    """An engine on écoute's database for slack_sdk's stores (SQLite waits for its lock)."""
    if database_url.startswith("sqlite"):
        return create_async_engine(database_url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
    return create_async_engine(database_url, pool_pre_ping=True)


async def oauth_settings(settings: Settings, engine: AsyncEngine) -> AsyncOAuthSettings:
    """Bolt's OAuth settings: ``/slack/install`` and ``/slack/oauth_redirect``, tokens in the DB."""
    installations = AsyncSQLAlchemyInstallationStore(
        client_id=settings.slack_client_id, engine=engine
    )
    states = AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine)
    await installations.create_tables()  # type: ignore[no-untyped-call]  # made by migrations
    await states.create_tables()  # type: ignore[no-untyped-call]
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=installations,
        state_store=states,
        state_expiration_seconds=STATE_SECONDS,
    )
