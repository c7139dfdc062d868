"""10,000 hostile free-text answers through the service, laid out for Slack and for Discord.

Each answer is typed at the free-text question (and, for a share of them, given as a language
or as the answer to a question that is not asked) in a conversation that is in the asking
phase, the review or the verdict. Every reply is rendered by the adapters' own builders and
what would go out is checked: nothing crashes, no ping, mention or link token survives, no
platform limit is exceeded, and the user's words come back as typed (cleaned, escaped).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator

from hypothesis import given, settings

from adapters.discord.escape import ZWSP, discord_escape, plain_label
from adapters.slack.escape import slack_decode, slack_mrkdwn_escape
from bot.catalog import Escape
from bot.conversation import Conversation, Phase
from bot.events import Answer, Confirm, ConversationKey, Edit, Event, SetLanguage
from bot.service import ConversationService
from bot.validation import clean_text
from bot.views import QuestionView, Reply
from tests.fakes import MemoryStore
from tests.property.hostile import hostile_text, hostile_texts
from tests.property.invariants import CATALOG, SCHEMA, check_conversation
from tests.property.outbound import (
    DISCORD_PING,
    MASKED_LINK,
    check_discord,
    check_slack,
    discord_payload,
    slack_payloads,
)

BULK = 10_000
TEXT_QUESTION = "audience"
FINISHED: dict[str, str | tuple[str, ...]] = {
    "business_model": "b2c",
    "buyers": "community",
    "audience": "Cyclists in Lyon",
    "platforms": ("instagram",),
    "presence.instagram": "engaged",
    "hooks": ("events",),
    "current_engagement": "reactions",
    "success_metric": "interactions",
    "bought_growth": "no",
    "effort_owner": "employee",
    "effort_hours": "4",
    "owned_channels": ("email_list",),
    "honesty": "4",
}

Target = tuple[str, Escape, Callable[[str], str], Callable[[str], None], Callable[[Reply], None]]


def _slack_check(reply: Reply) -> None:
    for payload in slack_payloads(reply, CATALOG):
        check_slack(payload)


def _discord_check(reply: Reply) -> None:
    check_discord(discord_payload(reply, CATALOG))


def _slack_view(text: str) -> None:
    assert "<" not in text, text[:200]
    assert ">" not in text, text[:200]


def _discord_view(text: str) -> None:
    assert not DISCORD_PING.search(text), text[:200]
    assert not MASKED_LINK.search(text), text[:200]


SLACK: Target = ("slack", slack_mrkdwn_escape, slack_decode, _slack_view, _slack_check)


_BROKEN_MASS_MENTION = re.compile("@" + ZWSP + r"(?=(?:everyone|here)\b)", re.IGNORECASE)


def _discord_unescape(text: str) -> str:
    """What :func:`discord_escape` added taken out, and only that (a zero-width space the
    user typed after an ``@`` stays)."""
    return plain_label(_BROKEN_MASS_MENTION.sub("@", text))


DISCORD: Target = ("discord", discord_escape, _discord_unescape, _discord_view, _discord_check)


async def reach(service: ConversationService, key: ConversationKey, phase: Phase) -> None:
    """Bring ``key``'s conversation to ``phase`` (asking: at the free-text question)."""
    await service.current(key)
    for qid, value in FINISHED.items():
        if phase is Phase.ASKING and qid == TEXT_QUESTION:
            return
        await service.handle(key, Answer(value, qid))
    if phase is Phase.VERDICT:
        await service.handle(key, Confirm())


async def push(
    service: ConversationService, store: MemoryStore, key: ConversationKey, text: str, way: int
) -> list[Reply]:
    """Deliver ``text`` one way (typed answer, language, stale answer), then put the
    conversation back where it was so the next text meets the same state."""
    conv = store.conversations[key]
    events: list[Event]
    if way == 7:
        events = [SetLanguage(text)]
    elif way == 8:
        events = [Answer(text, "honesty"), Edit(text)]
    elif conv.phase is Phase.ASKING:
        events = [Answer(text)]
    else:
        events = [Edit(TEXT_QUESTION), Answer(text, TEXT_QUESTION)]
    replies = [await service.handle(key, e) for e in events]
    if any(r.changed for r in replies):
        check_conversation(store.conversations[key])
    store.conversations[key] = conv
    return replies


def view_strings(data: object) -> Iterator[str]:
    """Every string of a reply (views are nested frozen dataclasses and tuples)."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, tuple):
        for item in data:
            yield from view_strings(item)
    elif hasattr(data, "__dataclass_fields__"):
        for name in data.__dataclass_fields__:
            yield from view_strings(getattr(data, name))


def check_echo(reply: Reply, text: str, unescape: Callable[[str], str]) -> None:
    """A stored answer is shown as typed: cleaned of controls, escaped, and nothing else."""
    if reply.recorded is not None and reply.recorded.question_id == TEXT_QUESTION:
        assert unescape(reply.recorded.answer) == clean_text(text)
    if isinstance(reply.view, QuestionView) and reply.view.current is not None:
        assert "\n" not in reply.view.current


_PREPARED: dict[str, dict[ConversationKey, Conversation]] = {}


async def prepared(name: str, service: ConversationService) -> dict[ConversationKey, Conversation]:
    """Three conversations (asking at the free-text question, review, verdict), made once."""
    if name not in _PREPARED:
        for i, phase in enumerate((Phase.ASKING, Phase.REVIEW, Phase.VERDICT)):
            await reach(service, ConversationKey(name, "T1", f"U{i}"), phase)
        assert isinstance(service.store, MemoryStore)
        _PREPARED[name] = dict(service.store.conversations)
    return _PREPARED[name]


async def run_texts(target: Target, texts: list[str], *, rare: int = 16, full: float = 0.05) -> int:
    """Push every text through a service escaping for ``target``; returns replies checked.

    Every reply's strings are checked for markup; a share ``full`` of the replies, drawn at
    random, and every reply to a long text, are also laid out by the adapter's builders and
    checked as the platform would receive it (the builders cost ~1 ms a reply).
    """
    name, escape, unescape, check_view, check_sent = target
    store = MemoryStore(yield_between=False)
    service = ConversationService(store, SCHEMA, CATALOG, escape=escape)
    store.conversations = dict(await prepared(name, service))
    keys = list(store.conversations)
    checked = 0
    pick = random.Random(len(texts))
    for i, text in enumerate(texts):
        # Most answers go to the cheap asking phase; every ``rare``-th to the review or verdict.
        asking = i % rare != 0
        key = keys[0] if asking else keys[1 + (i // rare) % 2]
        way = i % 10
        for reply in await push(service, store, key, text, way):
            check_echo(reply, text, unescape)
            for string in view_strings(reply):
                check_view(string)
            if pick.random() < full or len(text) > 1000:
                check_sent(reply)
                checked += 1
    return checked


async def test_ten_thousand_hostile_answers_render_safely_on_both_platforms() -> None:
    rng = random.Random(20240605)
    texts = [hostile_text(rng) for _ in range(BULK)]
    assert sum(len(t) >= 100_000 for t in texts) >= 10  # the bulk holds 100 kB strings
    for target in (SLACK, DISCORD):
        checked = await run_texts(target, texts)
        assert checked >= BULK // 25  # replies laid out by the adapter builders


@settings(max_examples=80)
@given(text=hostile_texts())
async def test_any_hostile_answer_renders_safely(text: str) -> None:
    """The same property with shrinking: a failure is reported as its smallest text."""
    for target in (SLACK, DISCORD):
        await run_texts(target, [text] * 10, rare=2, full=1.0)
