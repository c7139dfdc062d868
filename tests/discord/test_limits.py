"""The bot's own check of Discord's limits: everything cut to size, nothing over-limit sent."""

from __future__ import annotations

import copy
import logging

import discord
import pytest
from discord import ui

from adapters.discord import limits
from adapters.discord.embeds import verdict_embeds
from adapters.discord.escape import discord_escape
from adapters.discord.messages import Outgoing
from adapters.discord.texts import Texts
from bot.catalog import load_catalog
from bot.schema import load_schema
from bot.verdict import diagnose
from bot.verdict.view import verdict_view
from tests.discord.oracle import message_problems, modal_problems


def test_fit_cuts_with_an_ellipsis_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        cut = limits.fit("x" * 3000, limits.CONTENT, "content")
    assert len(cut) == limits.CONTENT
    assert cut.endswith("…")
    assert "shortened content" in caplog.text
    assert limits.fit("short", 10, "t") == "short"


def test_fit_counts_characters_outside_the_basic_plane_twice() -> None:
    cut = limits.fit("😀" * 60, 80, "label")
    assert limits.units(cut) <= 80
    assert cut.endswith("…")


def test_embeds_share_the_6000_characters() -> None:
    embeds = []
    for i in range(5):
        embed = discord.Embed(title=f"T{i}" * 200, description="d" * 5000)
        for j in range(30):
            embed.add_field(name=f"n{j}" * 100, value="v" * 2000)
        embeds.append(embed)
    fitted = limits.fit_embeds(embeds)
    body = {"embeds": [e.to_dict() for e in fitted]}
    assert message_problems(body) == []
    short = [
        e.to_dict() for e in limits.fit_embeds([discord.Embed(title="ok", description="fine")])
    ]
    assert short[0]["title"] == "ok"
    assert short[0]["description"] == "fine"


def test_long_texts_are_shortened_before_sending() -> None:
    view = ui.View(timeout=None)
    view.add_item(ui.Button(label="b" * 200, custom_id="ec:a:en:1:q:c"))
    select: ui.Select[ui.View] = ui.Select(
        custom_id="ec:m:en:1:q:",
        placeholder="p" * 300,
        options=[discord.SelectOption(label="o" * 300, value=str(i)) for i in range(25)],
        max_values=25,
    )
    view.add_item(select)
    message = Outgoing(content="c" * 5000, view=view).fitted()
    assert message.view is not None
    body = {"content": message.content, "components": message.view.to_components()}
    assert message_problems(body) == []


def test_a_component_with_a_custom_id_over_100_is_dropped(caplog: pytest.LogCaptureFixture) -> None:
    view = ui.View(timeout=None)
    view.add_item(ui.Button(label="ok", custom_id="ec:a:en:1:q:c"))
    view.add_item(ui.Button(label="too long", custom_id="x" * 101))
    with caplog.at_level(logging.ERROR):
        fitted = limits.fit_view(view)
    assert [getattr(c, "custom_id", None) for c in fitted.children] == ["ec:a:en:1:q:c"]
    assert "custom_id is too long" in caplog.text


def test_modal_texts_are_cut() -> None:
    modal = ui.Modal(title="t" * 80, custom_id="ec:modal")
    field: ui.TextInput[ui.Modal] = ui.TextInput(
        custom_id="ec:v:en:1:q:", placeholder="p" * 300, min_length=5000, max_length=9000
    )
    modal.add_item(ui.Label(text="l" * 80, description="d" * 300, component=field))
    limits.fit_modal(modal)
    assert modal_problems(modal.to_dict()) == []


def test_a_verdict_over_6000_cuts_its_last_embeds_before_its_reasons() -> None:
    """Seven networks in French, the honesty cap on each: what would change the call and the
    alternatives make room; every network keeps its reasons whole."""
    catalog = load_catalog()
    networks = load_schema().entry("platforms").choices
    answers: dict[str, object] = {
        "business_model": "b2c",
        "buyers": "community",
        "audience": "Les jeunes du quartier, pour leur faire goûter nos burritos",
        "platforms": networks,
        **{f"presence.{p}": "engaged" for p in networks},
        "hooks": ("support", "offers", "events", "expertise", "community"),
        "current_engagement": "reactions",
        "success_metric": "followers",
        "bought_growth": "yes",
        "effort_owner": "agency",
        "effort_hours": 10,
        "owned_channels": ("email_list", "storefront", "events", "website"),
        "honesty": 1,
    }
    view = verdict_view(diagnose(answers), answers, catalog, "fr", discord_escape)  # type: ignore[arg-type]
    raw = verdict_embeds(view, "fr", Texts(catalog))
    assert _total(raw) > limits.EMBED_TOTAL
    before = [copy.deepcopy(e.to_dict()) for e in raw]
    fitted = [e.to_dict() for e in limits.fit_embeds(raw)]
    assert message_problems({"embeds": fitted}) == []
    assert fitted[:2] == before[:2]  # the headline and score; every network's reasons, whole


def _total(embeds: list[discord.Embed]) -> int:
    return sum(
        limits.units(str(d.get("title") or "")) + limits.units(str(d.get("description") or ""))
        + sum(limits.units(f["name"]) + limits.units(f["value"]) for f in d.get("fields", []))
        for d in (e.to_dict() for e in embeds)
    )  # fmt: skip
