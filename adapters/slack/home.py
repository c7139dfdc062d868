"""The App Home tab: what écoute is, the latest verdict, and a button to start or resume."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock
from slack_sdk.models.views import View

from adapters.slack import values as v
from adapters.slack.blocks import button, context, section
from adapters.slack.review import header, verdict_blocks
from adapters.slack.texts import Texts
from bot.views import VerdictView

HOME_BLOCKS = 100


def home_view(texts: Texts, verdict: VerdictView | None, notice: str | None = None) -> View:
    """The Home tab for one user (``views.publish``)."""
    blocks: list[Block] = [header(texts.text("home.title")), section(texts.text("home.intro"))]
    if notice:
        blocks.append(section(f":warning: {notice}"))
    start = button(texts.text("home.button"), v.START, "start", style="primary")
    blocks.append(ActionsBlock(elements=[start]))
    blocks.append(DividerBlock())
    if verdict is None:
        blocks.append(section(texts.text("home.none")))
    else:
        blocks.append(context(texts.text("home.latest")))
        blocks.extend(verdict_blocks(verdict, texts))
    blocks.append(context(texts.text("home.commands")))
    return View(type="home", blocks=blocks[:HOME_BLOCKS])
