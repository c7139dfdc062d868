"""The review and the verdict as Discord embeds.

Every string in a view is already localised and escaped for Discord by the core; the layout
texts around them come from ``prompts/<lang>/discord.toml``.
"""

from __future__ import annotations

import discord

from adapters.discord.texts import Texts
from bot.views import ReviewView, VerdictView

COLOURS = {"engage": 0x2E9D5B, "test": 0xE8A33D, "drop": 0xC8473B}
NEUTRAL = 0x5865F2
_RANK = {"engage": 0, "test": 1, "drop": 2}


def review_embeds(r: ReviewView, lang: str, texts: Texts) -> list[discord.Embed]:
    """One embed: the intro, then each answer as a field."""
    embed = discord.Embed(title=r.title, description=r.intro, colour=NEUTRAL)
    empty = texts.trusted(lang, "review.empty")
    for item in r.items:
        embed.add_field(name=item.label, value=item.answer or empty, inline=True)
    return [embed]


def verdict_embeds(v: VerdictView, lang: str, texts: Texts) -> list[discord.Embed]:
    """Headline and score; each network with its status and reasons; warnings;
    alternatives; what would flip each verdict. Empty sections are left out."""
    head = discord.Embed(title=v.titles.verdict, description=v.headline, colour=NEUTRAL)
    head.add_field(
        name=v.score_label, value=texts.trusted(lang, "verdict.score", score=v.score), inline=False
    )
    embeds = [head]
    if v.platforms:
        best = min(v.platforms, key=lambda p: _RANK.get(p.verdict, len(_RANK)))
        networks = discord.Embed(
            title=v.titles.networks,
            colour=COLOURS.get(best.verdict, NEUTRAL),
        )
        for p in v.platforms:
            name = texts.trusted(
                lang,
                "verdict.platform",
                marker=texts.trusted(lang, f"verdict.marker.{p.verdict}"),
                name=p.name,
                verdict=p.verdict_label,
            )
            networks.add_field(name=name, value=_bullets(p.reasons, lang, texts), inline=False)
        embeds.append(networks)
    if v.warnings:
        embeds.append(
            discord.Embed(
                title=v.titles.warnings,
                description=_bullets([w.text for w in v.warnings], lang, texts),
                colour=COLOURS["test"],
            )
        )
    if v.alternatives:
        alternatives = discord.Embed(title=v.titles.alternatives, colour=NEUTRAL)
        for a in v.alternatives:
            alternatives.add_field(name=a.name, value=a.text, inline=False)
        embeds.append(alternatives)
    if v.flips:
        embeds.append(
            discord.Embed(
                title=v.titles.flips,
                description=_bullets([f.text for f in v.flips], lang, texts),
                colour=NEUTRAL,
            )
        )
    return embeds


def _bullets(lines: tuple[str, ...] | list[str], lang: str, texts: Texts) -> str:
    if not lines:
        return texts.trusted(lang, "review.empty")
    return "\n".join(texts.trusted(lang, "bullet", text=line) for line in lines)
