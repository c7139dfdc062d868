"""JSON shapes of the fake Discord: snowflakes, users, guilds, channels, messages, interactions."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000
_counter = itertools.count(1)

APP_ID = 900000000000000001
GUILD_ID = 910000000000000001
CHANNEL_ID = 920000000000000001
COMMAND_ID = 930000000000000001


def snowflake() -> int:
    """A fresh id carrying the current time, as Discord's do."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (next(_counter) % 4096)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


BOT_USER = user(APP_ID, "ecoute", bot=True)


def application() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "name": "écoute",
        "icon": None,
        "description": "",
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": user(1, "owner"),
        "summary": "",
        "verify_key": "0" * 64,
        "team": None,
        "flags": 0,
    }


def bot_gateway(url: str, shards: int) -> dict[str, Any]:
    """``GET /gateway/bot``: where to connect, the recommended shard count, identify limits."""
    return {
        "url": url,
        "shards": shards,
        "session_start_limit": {
            "total": 1000,
            "remaining": 999,
            "reset_after": 14_400_000,
            "max_concurrency": 1,
        },
    }


def channel() -> dict[str, Any]:
    return {
        "id": str(CHANNEL_ID),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
    }


def guild() -> dict[str, Any]:
    return {
        "id": str(GUILD_ID),
        "name": "Test server",
        "icon": None,
        "owner_id": "1",
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [
            {
                "id": str(GUILD_ID),
                "name": "@everyone",
                "permissions": "1071698660929",
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "unavailable": False,
        "member_count": 2,
        "large": False,
        "joined_at": now_iso(),
        "members": [],
        "channels": [channel()],
        "threads": [],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def message(
    message_id: int, data: dict[str, Any], *, flags: int = 0, channel_id: int = CHANNEL_ID
) -> dict[str, Any]:
    """A message as Discord returns it, from the fields a response or an edit sent."""
    return {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": BOT_USER,
        "content": data.get("content") or "",
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": data.get("embeds") or [],
        "components": data.get("components") or [],
        "pinned": False,
        "type": 0,
        "flags": flags | int(data.get("flags") or 0),
        "application_id": str(APP_ID),
        "webhook_id": str(APP_ID),
    }


def dm_channel(channel_id: int, recipient: dict[str, Any]) -> dict[str, Any]:
    """``POST /users/@me/channels``: the DM channel with one user."""
    return {"id": str(channel_id), "type": 1, "last_message_id": None, "recipients": [recipient]}


def interaction(
    kind: int,
    data: dict[str, Any],
    member: dict[str, Any],
    *,
    locale: str,
    in_guild: bool = True,
    message: dict[str, Any] | None = None,
    guild_id: int = GUILD_ID,
    permissions: int = 0,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload (``attachment_size_limit`` is required by discord.py)."""
    payload: dict[str, Any] = {
        "id": str(snowflake()),
        "application_id": str(APP_ID),
        "type": kind,
        "data": data,
        "token": f"tok{snowflake()}",
        "version": 1,
        "locale": locale,
        "app_permissions": "0",
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
        "channel_id": str(CHANNEL_ID),
    }
    if in_guild:
        payload |= {
            "guild_id": str(guild_id),
            "guild_locale": "en-US",
            "channel": channel() | {"guild_id": str(guild_id)},
            "member": {
                "user": member,
                "roles": [],
                "joined_at": now_iso(),
                "deaf": False,
                "mute": False,
                "flags": 0,
                "pending": False,
                "nick": None,
                "avatar": None,
                "permissions": str(permissions),
            },
            "authorizing_integration_owners": {"0": str(guild_id)},
            "context": 0,
        }
    else:
        payload |= {
            "channel": {"id": str(CHANNEL_ID), "type": 1, "recipients": [member]},
            "user": member,
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "context": 1,
        }
    if message is not None:
        payload["message"] = message
    return payload
