"""``/ecoute [start|resume|restart|lang fr|en|forget|help]`` and the team and follow-up
commands (``team``, ``export``, ``poll``, ``remind off``), answered privately."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.slack.dialogue import Dialogue
from adapters.slack.flows import forget_user, show_help
from adapters.slack.origin import Origin
from bot.events import Event, Restart, SetLanguage, Start
from bot.validation import echoed

if TYPE_CHECKING:
    from adapters.slack.followups import SlackFollowups
    from adapters.slack.team import SlackTeam


async def run_command(
    d: Dialogue,
    origin: Origin,
    text: str,
    team: SlackTeam | None = None,
    followups: SlackFollowups | None = None,
) -> None:
    """Run the subcommand typed after ``/ecoute`` (French words work too)."""
    words = text.split()
    name = d.words.get(words[0].casefold()) if words else "start"
    event: Event
    if name == "team" and team is not None:
        await team.open(origin, words[1:])
        return
    if name == "export" and team is not None:
        await team.export(origin, words[1:])
        return
    if name == "poll" and followups is not None:
        await followups.command_poll(origin, words[1:])
        return
    if name == "remind" and followups is not None:
        await followups.command_remind(origin, words[1:])
        return
    if name in ("start", "resume"):
        event = Start()
    elif name == "restart":
        event = Restart()
    elif name == "lang":
        if len(words) < 2 or words[1].casefold() not in d.catalog.languages:
            texts = d.texts(await d.lang(origin))
            languages = ", ".join(d.catalog.languages)
            await d.tell(origin, texts.text("command.lang_usage", languages=languages))
            return
        event = SetLanguage(words[1].casefold())
    elif name == "forget":
        await forget_user(d, origin)
        return
    elif name == "help":
        await show_help(d, origin)
        return
    else:
        texts = d.texts(await d.lang(origin))
        await show_help(d, origin, texts.text("command.unknown", word=echoed(words[0])))
        return
    await d.turn(origin, event)
