"""The App Home tab: what écoute is, the latest verdict, and a button to start or resume."""

from __future__ import annotations

from adapters.slack import kit
from adapters.slack import values as v
from adapters.slack.blocks import button, context, section
from adapters.slack.kit import JSON
from adapters.slack.review import header, verdict_blocks
from adapters.slack.texts import Texts
from bot.views import VerdictView

HOME_BLOCKS = 100


def home_view(
    texts: Texts, verdict: VerdictView | None, notice: str | None = None, *, info: bool = False
) -> JSON:
    """The Home tab for one user (``views.publish``); ``notice`` is a warning, or ``info``."""
    blocks: list[JSON] = [header(texts.text("home.title")), section(texts.text("home.intro"))]
    if notice:
        icon = ":point_right:" if info else ":warning:"
        blocks.append(section(f"{icon} {notice}"))
    start = button(texts.text("home.button"), v.START, "start", style="primary")
    blocks.append(kit.actions([start]))
    blocks.append(kit.divider())
    if verdict is None:
        blocks.append(section(texts.text("home.none")))
    else:
        blocks.append(context(texts.text("home.latest")))
        blocks.extend(verdict_blocks(verdict, texts))
    blocks.append(context(texts.text("home.commands")))
    return kit.home(blocks[:HOME_BLOCKS])
