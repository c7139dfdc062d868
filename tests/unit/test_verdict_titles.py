"""The verdict's section titles come from the core's view: one wording on every surface."""

from __future__ import annotations

import json

import pytest

from adapters.discord.embeds import verdict_embeds
from adapters.discord.texts import Texts as DiscordTexts
from adapters.slack.review import verdict_blocks
from adapters.slack.texts import Texts as SlackTexts
from bot.catalog import load_catalog, plain
from bot.schema import Answers
from bot.verdict import diagnose
from bot.verdict.view import verdict_text, verdict_view
from tests.cases import DATA

CATALOG = load_catalog()


def licence_plate() -> Answers:
    raw = json.loads((DATA / "licence_plate.json").read_text("utf-8"))
    return {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_surface_shows_the_cores_titles(lang: str) -> None:
    answers = licence_plate()
    view = verdict_view(diagnose(answers), answers, CATALOG, lang, plain)
    assert all((view.warnings, view.alternatives, view.flips))  # every section is shown
    blocks = verdict_blocks(view, SlackTexts(CATALOG, lang))
    embeds = verdict_embeds(view, lang, DiscordTexts(CATALOG))
    slack = json.dumps(blocks, ensure_ascii=False)
    discord = json.dumps([e.to_dict() for e in embeds], ensure_ascii=False)
    terminal = verdict_text(view, CATALOG, lang)
    for name in ("verdict", "warnings", "alternatives", "flips"):
        title = getattr(view.titles, name)
        assert title == CATALOG.text(lang, f"verdict.title.{name}")
        for shown in (slack, discord) + ((terminal,) if name != "verdict" else ()):
            assert title in shown, (name, title)
