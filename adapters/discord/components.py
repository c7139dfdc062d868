"""Neutral views -> discord.ui components that survive restarts.

Every component is a :class:`discord.ui.DynamicItem`: its state lives in its ``custom_id``
(see :mod:`adapters.discord.ids`), so a button clicked after the bot restarted is recognised
by the template alone. The callbacks only hand the parsed id and the selected values to the
client; the client's handler does the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import discord
from discord import ButtonStyle, SelectOption, ui

from adapters.discord import ids, limits
from adapters.discord.escape import plain_label
from adapters.discord.ids import Action, CustomId
from adapters.discord.texts import Texts
from bot.schema import Kind
from bot.views import QuestionView, ReviewView, VerdictView

MAX_BUTTONS = 5

_SHAPES = {
    discord.ComponentType.button.value: re.compile(ids.BUTTON_TEMPLATE),
    discord.ComponentType.string_select.value: re.compile(ids.SELECT_TEMPLATE),
    discord.ComponentType.channel_select.value: re.compile(ids.CHANNEL_TEMPLATE),
}


def known_shape(component_type: object, custom_id: str) -> bool:
    """Whether a component of that type with that custom_id is one of écoute's components
    (the others are out of date: :meth:`EcouteClient.on_interaction` answers them)."""
    shape = _SHAPES.get(component_type) if isinstance(component_type, int) else None
    return shape is not None and shape.fullmatch(custom_id) is not None


@runtime_checkable
class Sink(Protocol):
    """What the client offers components and the modal: one entry point for each."""

    async def on_ecoute_component(
        self, interaction: discord.Interaction[Any], custom_id: CustomId, values: list[str]
    ) -> None: ...

    async def on_ecoute_modal(
        self, interaction: discord.Interaction[Any], custom_id: CustomId | None, value: str
    ) -> None: ...


async def _dispatch(
    interaction: discord.Interaction[Any], cid: CustomId, values: list[str]
) -> None:
    client = interaction.client
    if isinstance(client, Sink):
        await client.on_ecoute_component(interaction, cid, values)


def _parsed(match: re.Match[str]) -> CustomId:
    cid = ids.from_match(match)
    if cid is None:  # the templates only match known actions
        raise ValueError(f"not an écoute custom_id: {match.string!r}")
    return cid


class EcouteButton(ui.DynamicItem[ui.Button[ui.View]], template=ids.BUTTON_TEMPLATE):
    """A button whose custom_id says what it answers."""

    def __init__(
        self,
        cid: CustomId,
        label: str,
        *,
        style: ButtonStyle = ButtonStyle.secondary,
        row: int,
        inert: bool = False,
    ) -> None:
        super().__init__(ui.Button(label=label, style=style, custom_id=str(cid)), row=row)
        self.cid = cid
        self.inert = inert
        """On a component of another type: out of date, answered as such elsewhere."""

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> EcouteButton:
        if not isinstance(item, ui.Button):  # answered as out of date (known_shape)
            return cls(_parsed(match), "", row=0, inert=True)
        return cls(_parsed(match), item.label or "", style=item.style, row=0)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if not self.inert:
            await _dispatch(interaction, self.cid, [])


class EcouteSelect(ui.DynamicItem[ui.Select[ui.View]], template=ids.SELECT_TEMPLATE):
    """A select whose values are choice ids (answers) or question ids (edit)."""

    def __init__(
        self,
        cid: CustomId,
        options: list[SelectOption],
        *,
        placeholder: str | None = None,
        min_values: int = 1,
        max_values: int = 1,
        row: int,
        inert: bool = False,
    ) -> None:
        select: ui.Select[ui.View] = ui.Select(
            custom_id=str(cid),
            options=options,
            placeholder=placeholder,
            min_values=min_values,
            max_values=max_values,
        )
        super().__init__(select, row=row)
        self.cid = cid
        self.inert = inert
        """On a component of another type: out of date, answered as such elsewhere."""

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> EcouteSelect:
        if not isinstance(item, ui.Select):  # answered as out of date (known_shape)
            return cls(_parsed(match), [], row=0, inert=True)
        return cls(
            _parsed(match),
            list(item.options),
            placeholder=item.placeholder,
            min_values=item.min_values,
            max_values=item.max_values,
            row=0,
        )

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if not self.inert:
            await _dispatch(interaction, self.cid, list(self.item.values))


class EcouteChannelSelect(ui.DynamicItem[ui.ChannelSelect[ui.View]], template=ids.CHANNEL_TEMPLATE):
    """A channel select (where to post a poll); its values are channel ids."""

    def __init__(
        self,
        cid: CustomId,
        *,
        placeholder: str | None = None,
        channel_types: list[discord.ChannelType] | None = None,
        row: int,
        inert: bool = False,
    ) -> None:
        select: ui.ChannelSelect[ui.View] = ui.ChannelSelect(
            custom_id=str(cid),
            placeholder=placeholder,
            channel_types=channel_types or [],
            min_values=1,
            max_values=1,
        )
        super().__init__(select, row=row)
        self.cid = cid
        self.inert = inert
        """On a component of another type: out of date, answered as such elsewhere."""

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> EcouteChannelSelect:
        if not isinstance(item, ui.ChannelSelect):  # answered as out of date (known_shape)
            return cls(_parsed(match), row=0, inert=True)
        return cls(
            _parsed(match), placeholder=item.placeholder, channel_types=item.channel_types, row=0
        )

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if not self.inert:
            picked = [str(getattr(value, "id", value)) for value in self.item.values]
            await _dispatch(interaction, self.cid, picked)


def question_components(q: QuestionView, lang: str, user: str, texts: Texts) -> ui.View:
    """The answer controls of one question, and Back when there is somewhere to go back to."""
    view = ui.View(timeout=None)

    def cid(action: Action, choice: str = "") -> CustomId:
        return CustomId(action, lang, user, q.question_id, choice)

    if q.kind in (Kind.ONE, Kind.SCALE) and len(q.choices) <= MAX_BUTTONS:
        for c in q.choices:
            style = ButtonStyle.primary if c.selected else ButtonStyle.secondary
            view.add_item(
                EcouteButton(cid(Action.CHOICE, c.id), plain_label(c.label), style=style, row=0)
            )
    elif q.kind in (Kind.ONE, Kind.SCALE, Kind.MANY):
        options = [
            SelectOption(label=plain_label(c.label), value=c.id, default=c.selected)
            for c in q.choices[: limits.OPTIONS]
        ]
        many = q.kind is Kind.MANY
        view.add_item(
            EcouteSelect(
                cid(Action.SELECT),
                options,
                placeholder=texts.ui(lang, "choose"),
                min_values=0 if many else 1,
                max_values=len(options) if many else 1,
                row=0,
            )
        )
        if many:
            view.add_item(EcouteButton(cid(Action.NONE), texts.ui(lang, "none_yet"), row=1))
    else:  # text and numbers are typed in a modal
        label = texts.ui(lang, "answer_button")
        view.add_item(EcouteButton(cid(Action.TYPE), label, style=ButtonStyle.primary, row=1))
    if q.can_go_back:
        view.add_item(EcouteButton(cid(Action.BACK), texts.ui(lang, "back"), row=2))
    return view


def review_components(r: ReviewView, lang: str, user: str, texts: Texts) -> ui.View:
    """A select to change any answer, Confirm, and Back to the last question (each saying
    it is the review's: the core refuses it once the review is gone)."""
    view = ui.View(timeout=None)
    options = [
        SelectOption(label=plain_label(i.label), value=i.question_id)
        for i in r.items[: limits.OPTIONS]
    ]
    if options:
        edit = CustomId(Action.EDIT, lang, user, ids.REVIEW)
        view.add_item(EcouteSelect(edit, options, placeholder=texts.ui(lang, "edit"), row=0))
    confirm = CustomId(Action.CONFIRM, lang, user, ids.REVIEW)
    view.add_item(
        EcouteButton(confirm, texts.ui(lang, "confirm"), style=ButtonStyle.success, row=1)
    )
    back = CustomId(Action.BACK, lang, user, ids.REVIEW)
    view.add_item(EcouteButton(back, texts.ui(lang, "back"), row=1))
    return view


def verdict_components(
    v: VerdictView,
    lang: str,
    user: str,
    texts: Texts,
    extra: Sequence[ui.Item[Any]] = (),
) -> ui.View:
    """Change an answer (a select of them; the verdict is recomputed), start again, share;
    then ``extra`` (the follow-ups: ask your audience, book a check-in), each on its row."""
    view = ui.View(timeout=None)
    options = [
        SelectOption(label=plain_label(i.label), value=i.question_id)
        for i in v.answers[: limits.OPTIONS]
    ]
    if options:
        edit = CustomId(Action.EDIT, lang, user, ids.VERDICT)
        placeholder = texts.plain(lang, "verdict.change")
        view.add_item(EcouteSelect(edit, options, placeholder=placeholder, row=0))
    else:
        change = CustomId(Action.BACK, lang, user, ids.VERDICT)
        view.add_item(EcouteButton(change, texts.plain(lang, "verdict.change"), row=1))
    restart = CustomId(Action.RESTART, lang, user, ids.VERDICT)
    view.add_item(EcouteButton(restart, texts.ui(lang, "restart"), style=ButtonStyle.danger, row=1))
    share = CustomId(Action.SHARE, lang, user)
    view.add_item(EcouteButton(share, texts.ui(lang, "share"), style=ButtonStyle.primary, row=1))
    for item in extra:
        view.add_item(item)
    return view


def shared_components(lang: str, texts: Texts) -> ui.View:
    """Under a verdict shared in a channel: anyone can start their own interview."""
    view = ui.View(timeout=None)
    own = CustomId(Action.OWN, lang, ids.ANYONE)
    view.add_item(
        EcouteButton(own, texts.plain(lang, "share.own"), style=ButtonStyle.primary, row=0)
    )
    return view
