"""Test users acting on the fake Discord: slash commands, clicks, selects, modals."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from tests.discord import wire
from tests.discord.fake_discord import FakeDiscord
from tests.discord.records import Interaction

APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
BUTTON, SELECT, CHANNEL_SELECT = 2, 3, 8


def components(message: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every component of a message, rows flattened."""

    def walk(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for item in items:
            yield item
            yield from walk(item.get("components") or [])
            if isinstance(item.get("component"), dict):
                yield from walk([item["component"]])

    yield from walk(message.get("components") or [])


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for c in components(message) if "custom_id" in c]


def find(message: dict[str, Any], prefix: str, *, label: str | None = None) -> dict[str, Any]:
    """The component whose custom_id starts with ``prefix`` (and has ``label``, if given)."""
    for c in components(message):
        if str(c.get("custom_id", "")).startswith(prefix) and label in (None, c.get("label")):
            return c
    raise AssertionError(f"no component {prefix!r} {label or ''} in {custom_ids(message)}")


def action_of(custom_id: str) -> str:
    return custom_id.split(":")[1]


def _option_type(value: str | bool | int) -> int:
    """An application command option's type: 3 string, 4 integer, 5 boolean."""
    if isinstance(value, bool):
        return 5
    return 4 if isinstance(value, int) else 3


class Member:
    """A Discord user in the test server (or in a DM with the bot)."""

    def __init__(
        self,
        fake: FakeDiscord,
        user_id: int,
        name: str,
        *,
        locale: str = "en-US",
        in_guild: bool = True,
        guild_id: int = wire.GUILD_ID,
        permissions: int = 0,
    ) -> None:
        self.fake = fake
        self.id = user_id
        self.user = wire.user(user_id, name)
        self.locale = locale
        self.in_guild = in_guild
        self.guild_id = guild_id
        self.permissions = permissions
        """The member's permissions in the channel (``MANAGE_GUILD``: an admin)."""

    def in_dm(self) -> Member:
        """The same person, acting in their direct messages with the bot."""
        return Member(self.fake, self.id, self.user["username"], locale=self.locale, in_guild=False)

    def payload(
        self, kind: int, data: dict[str, Any], message: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Any interaction by this member, with the ``data`` given as is (a malformed one,
        one of an older version of écoute)."""
        return self._payload(kind, data, message)

    def _payload(
        self, kind: int, data: dict[str, Any], message: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return wire.interaction(
            kind,
            data,
            self.user,
            locale=self.locale,
            in_guild=self.in_guild,
            message=message,
            guild_id=self.guild_id,
            permissions=self.permissions,
        )

    async def settle(self, record: Interaction, within: float = 10.0) -> Interaction:
        await self.fake.until(lambda: record.settled, within)
        return record

    def slash_payload(self, sub: str, **options: str | bool | int) -> dict[str, Any]:
        opts = [{"type": _option_type(v), "name": k, "value": v} for k, v in options.items()]
        return self.command_payload("ecoute", [{"type": 1, "name": sub, "options": opts}])

    def command_payload(
        self,
        name: str,
        options: list[dict[str, Any]],
        *,
        kind: int = 1,
        interaction: int = APPLICATION_COMMAND,
    ) -> dict[str, Any]:
        """Any application command (``kind`` 1 slash, 2 user, 3 message), as Discord would
        send it for a command it knows — including commands this bot no longer has (a stale
        registration). ``interaction=AUTOCOMPLETE`` asks for suggestions instead."""
        data = {"id": str(wire.COMMAND_ID), "name": name, "type": kind, "options": options}
        return self._payload(interaction, data)

    async def slash(self, sub: str, **options: str | bool | int) -> Interaction:
        """``/ecoute <sub>``; returns once the bot answered (and finished any deferral)."""
        return await self.settle(
            await self.fake.send_interaction(self.slash_payload(sub, **options))
        )

    def click_payload(
        self, message_id: int, custom_id: str, *, seen: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A click on a button of the message as it is now, or as it was when ``seen``."""
        message = seen if seen is not None else self.fake.messages[message_id]
        component = find(message, custom_id)
        assert component["custom_id"] == custom_id
        assert component["type"] == BUTTON
        data = {"custom_id": custom_id, "component_type": BUTTON}
        return self._payload(COMPONENT, data, message=copy.deepcopy(message))

    async def click(self, message_id: int, custom_id: str) -> Interaction:
        return await self.settle(
            await self.fake.send_interaction(self.click_payload(message_id, custom_id))
        )

    async def choose(self, message_id: int, custom_id: str, values: list[str]) -> Interaction:
        payload = self.choose_payload(message_id, custom_id, values)
        return await self.settle(await self.fake.send_interaction(payload))

    def choose_payload(
        self,
        message_id: int,
        custom_id: str,
        values: list[str],
        *,
        seen: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Values picked in a select of the message as it is now, or as it was when ``seen``."""
        message = seen if seen is not None else self.fake.messages[message_id]
        select = find(message, custom_id)
        assert select["type"] == SELECT
        offered = {o["value"] for o in select["options"]}
        assert set(values) <= offered, f"{values} not among {offered}"
        assert select.get("min_values", 1) <= len(values) <= select.get("max_values", 1)
        data = {"custom_id": custom_id, "component_type": SELECT, "values": values}
        return self._payload(COMPONENT, data, message=copy.deepcopy(message))

    async def pick_channel(self, message_id: int, custom_id: str, channel_id: int) -> Interaction:
        """A channel picked in a channel select: Discord sends its id and the channel itself
        (``resolved``)."""
        message = self.fake.messages[message_id]
        select = find(message, custom_id)
        assert select["type"] == CHANNEL_SELECT
        channel = {
            "id": str(channel_id),
            "type": 0,
            "name": f"channel-{channel_id}",
            "permissions": "0",
            "guild_id": str(self.guild_id),
        }
        data = {
            "custom_id": custom_id,
            "component_type": CHANNEL_SELECT,
            "values": [str(channel_id)],
            "resolved": {"channels": {str(channel_id): channel}},
        }
        payload = self._payload(COMPONENT, data, message=copy.deepcopy(message))
        return await self.settle(await self.fake.send_interaction(payload))

    async def submit(self, opened: Interaction, value: str) -> Interaction:
        """Type ``value`` in the modal ``opened`` showed, and send it."""
        modal = opened.modal
        assert modal is not None, "that interaction opened no modal"
        field = next(c for c in components(modal) if c.get("type") == 4)
        low, high = field.get("min_length", 0), field.get("max_length", 4000)
        assert low <= len(value) <= high, f"the modal refuses {len(value)} characters"
        data = {
            "custom_id": modal["custom_id"],
            "components": [
                {
                    "type": 18,
                    "id": 1,
                    "component": {
                        "type": 4,
                        "id": 2,
                        "custom_id": field["custom_id"],
                        "value": value,
                    },
                }
            ],
        }
        message = opened.payload.get("message")
        payload = self._payload(MODAL_SUBMIT, data, message=message)
        return await self.settle(await self.fake.send_interaction(payload))
