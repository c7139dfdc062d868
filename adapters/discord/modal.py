"""The modal where text and numbers are typed, registered once so it works across restarts.

A modal can't be a DynamicItem: discord.py finds a submitted modal by its exact custom_id.
So there is one custom_id, :data:`MODAL_ID`, registered with ``client.add_view`` at start.
Each user gets a fresh instance when they click "Answer"; whichever instance receives the
submission, the state (language, user, question) is read from the text input's own
custom_id in the raw payload, before the first ``await`` — never from the instance, which
other users share.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import discord
from discord import TextStyle, ui

from adapters.discord import ids
from adapters.discord.components import Sink
from adapters.discord.ids import Action, CustomId
from adapters.discord.limits import TEXT_INPUT, fit_modal
from adapters.discord.texts import Texts
from bot.schema import Kind, Question

MODAL_ID = "ec:modal"
_FIELD = re.compile(ids.FIELD_TEMPLATE)


class AnswerModal(ui.Modal):
    """The persistent "type your answer" modal."""

    def __init__(self, title: str) -> None:
        super().__init__(title=title, timeout=None, custom_id=MODAL_ID)

    def stop(self) -> None:
        """Never stop listening: discord.py stops a modal after one submission, which would
        unregister the shared custom_id for everyone else."""

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        found = submitted_field(interaction.data or {})
        client = interaction.client
        if isinstance(client, Sink):
            cid, value = found if found is not None else (None, "")
            await client.on_ecoute_modal(interaction, cid, value)


def submitted_field(data: Any) -> tuple[CustomId, str] | None:
    """The écoute text input of a modal submission: its parsed custom_id and its value."""
    for component in _walk(data.get("components", [])):
        match = _FIELD.fullmatch(str(component.get("custom_id", "")))
        if match is not None:
            cid = ids.from_match(match)
            if cid is not None:
                return cid, str(component.get("value") or "")
    return None


def _walk(components: Any) -> Iterator[dict[str, Any]]:
    for component in components if isinstance(components, list) else []:
        if not isinstance(component, dict):
            continue
        yield component
        yield from _walk(component.get("components"))
        if isinstance(component.get("component"), dict):
            yield from _walk([component["component"]])


def persistent_modal(texts: Texts) -> AnswerModal:
    """The instance registered at start (never shown: it only claims the custom_id)."""
    return AnswerModal(texts.plain(texts.catalog.default_lang, "modal.title"))


def answer_modal(
    question: Question | None, qid: str, lang: str, user: str, texts: Texts
) -> AnswerModal:
    """A modal for one question, its length limits taken from the schema."""
    modal = AnswerModal(texts.plain(lang, "modal.title"))
    number = question is not None and question.kind in (Kind.INTEGER, Kind.SCALE)
    if question is None:
        low, high = 1, TEXT_INPUT
    elif number:
        low, high = 1, len(str(question.max)) + 1  # "12h" is accepted too
    else:
        low, high = max(question.min, 1), question.max
    kind = "number" if number else "text"
    values: dict[str, object] = {
        "min": question.min if question else low,
        "max": question.max if question else high,
    }
    field = ui.TextInput[AnswerModal](
        custom_id=str(CustomId(Action.FIELD, lang, user, qid)),
        style=TextStyle.short if number else TextStyle.paragraph,
        placeholder=texts.plain(lang, f"modal.{kind}_placeholder", **values),
        min_length=low,
        max_length=high,
        required=True,
    )
    modal.add_item(
        ui.Label(
            text=texts.plain(lang, f"modal.{kind}_label"),
            description=texts.plain(lang, f"modal.{kind}_limits", **values),
            component=field,
        )
    )
    fit_modal(modal)
    return modal
