"""Installs in many workspaces: Slack's OAuth flow with tokens kept in écoute's database.

slack_sdk's async SQLAlchemy stores are used on the same ``DATABASE_URL`` as the
conversations (the migrations create their tables; :func:`oauth_settings` makes sure they
exist). When a workspace uninstalls écoute or revokes its tokens, Bolt's built-in listeners
delete its installation; its members' answers stay until each one types ``/ecoute forget``
(the store has no "whole workspace" deletion, and an uninstall is often a mistake undone).

``/slack/install`` goes straight to Slack's authorize page (no intermediate page), and the
pages a person sees when coming back are écoute's own (:func:`install_pages`), in the
browser's language, with no developer text.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence

from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth import OAuthStateUtils
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.slack.manifest import BOT_SCOPES
from bot.catalog import Catalog, load_catalog
from bot.settings import Settings

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600
SQLITE_BUSY_SECONDS = 5

FAILURE_PAGES = {
    "access_denied": "slack.oauth.cancelled",
    "invalid_state": "slack.oauth.expired",
    "invalid_browser": "slack.oauth.other_browser",
}
"""Bolt's failure reasons (or Slack's ``error``) with a page of their own; any other reason
gets ``slack.oauth.failed``, naming the reason code."""


def oauth_engine(database_url: str) -> AsyncEngine:
    """An engine on écoute's database for slack_sdk's stores (SQLite waits for its lock)."""
    if database_url.startswith("sqlite"):
        return create_async_engine(database_url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
    return create_async_engine(database_url, pool_pre_ping=True)


def page_language(catalog: Catalog, request: AsyncBoltRequest) -> str:
    """The language of the request's ``Accept-Language`` that écoute speaks, the browser's
    preferred first (``fr-FR,fr;q=0.9`` -> ``fr``); else the catalog's default."""
    header = request.headers.get("accept-language") or []
    values = [header] if isinstance(header, str) else list(header)
    ranked: list[tuple[float, int, str]] = []
    for value in values:
        for item in value.split(","):
            tag, _, params = item.strip().partition(";")
            weight = 1.0
            for param in params.split(";"):
                name, _, number = param.strip().partition("=")
                if name.strip() == "q":
                    try:
                        weight = float(number)
                    except ValueError:
                        weight = 0.0
            if tag.strip() and tag.strip() != "*" and weight > 0:
                ranked.append((-weight, len(ranked), tag.strip()))
    for _, _, tag in sorted(ranked):
        short = tag.replace("_", "-").split("-")[0].lower()
        if short in catalog.languages:
            return catalog.pick(tag)
    return catalog.default_lang


def html_page(lang: str, title: str, body: str) -> str:
    """A small HTML page; ``title`` is plain text, ``body`` is markup already escaped."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(lang)}">\n'
        '<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;"
        "padding:0 1em;line-height:1.5}</style></head>\n"
        f"<body><h1>{html.escape(title)}</h1>\n<p>{body}</p></body>\n</html>\n"
    )


def install_pages(catalog: Catalog, install_path: str = INSTALL_PATH) -> AsyncCallbackOptions:
    """écoute's pages at the end of an install: success and each failure, in the browser's
    language, with Bolt's suggested status. Bolt has stored the installation before calling
    ``success``; both pages delete the state cookie, as Bolt's own do."""
    cookie_gone = OAuthStateUtils().build_set_cookie_for_deletion()

    def respond(
        status: int, lang: str, title_key: str, text_key: str, **values: str
    ) -> BoltResponse:
        title = catalog.text(lang, title_key)
        body = catalog.text(lang, text_key, html.escape, install_url=install_path, **values)
        headers: dict[str, str | Sequence[str]] = {
            "Content-Type": "text/html; charset=utf-8",
            "Set-Cookie": [cookie_gone],
            "Cache-Control": "no-store",
        }
        return BoltResponse(status=status, body=html_page(lang, title, body), headers=headers)

    async def success(args: AsyncSuccessArgs) -> BoltResponse:
        found = args.installation
        workspace = found.team_name or found.enterprise_name or found.team_id or ""
        lang = page_language(catalog, args.request)
        log.info("Slack install completed for workspace %s", found.team_id or found.enterprise_id)
        return respond(
            200, lang, "slack.oauth.installed_title", "slack.oauth.installed", workspace=workspace
        )

    async def failure(args: AsyncFailureArgs) -> BoltResponse:
        lang = page_language(catalog, args.request)
        reason = args.reason
        log.warning("Slack install failed: %r", reason[:80])
        key = FAILURE_PAGES.get(reason, "slack.oauth.failed")
        title = (
            "slack.oauth.cancelled_title"
            if reason == "access_denied"
            else "slack.oauth.failed_title"
        )
        return respond(args.suggested_status_code, lang, title, key, reason=reason[:80])

    return AsyncCallbackOptions(success=success, failure=failure)


async def oauth_settings(
    settings: Settings, engine: AsyncEngine, catalog: Catalog | None = None
) -> AsyncOAuthSettings:
    """Bolt's OAuth settings: ``/slack/install`` and ``/slack/oauth_redirect``, tokens in the DB.

    ``/slack/install`` redirects straight to Slack; the pages after it are
    :func:`install_pages` in ``catalog``'s texts (by default, the prompts folder's)."""
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
        install_page_rendering_enabled=False,
        redirect_uri_path=REDIRECT_PATH,
        callback_options=install_pages(catalog or load_catalog(), INSTALL_PATH),
        installation_store=installations,
        state_store=states,
        state_expiration_seconds=STATE_SECONDS,
    )
