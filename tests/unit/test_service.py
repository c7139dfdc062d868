"""The conversation service over a fake store: turns, compare-and-set, rendering, escaping."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from bot.catalog import load_catalog
from bot.conversation import Phase
from bot.errors import NoConversation
from bot.events import Answer, Back, Confirm, ConversationKey, Edit, Restart, SetLanguage, Start
from bot.schema import Kind, load_schema
from bot.service import ConversationService
from bot.store import StoreUnavailable
from bot.verdict import diagnose
from bot.verdict.scoring import default_weights
from bot.views import QuestionView, ReviewView, VerdictView
from tests.cases import BURRITO
from tests.fakes import MemoryStore

KEY = ConversationKey("test", "T1", "U1")
SCHEMA = load_schema()
CATALOG = load_catalog()


def shout(text: str) -> str:
    """A visible escape, to prove where escaping applies."""
    return text.replace("<", "[").replace(">", "]")


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def service(store: MemoryStore) -> ConversationService:
    return ConversationService(store, SCHEMA, CATALOG, escape=shout)


async def finish(service: ConversationService, key: ConversationKey = KEY) -> VerdictView:
    reply = await service.current(key)
    while isinstance(reply.view, QuestionView):
        reply = await service.handle(key, Answer(BURRITO[reply.view.question_id]))
    assert isinstance(reply.view, ReviewView)
    reply = await service.handle(key, Confirm())
    assert isinstance(reply.view, VerdictView)
    return reply.view


async def test_first_contact_creates_conversation_in_locale_language(
    service: ConversationService, store: MemoryStore
) -> None:
    reply = await service.current(KEY, locale="fr-FR")
    assert reply.lang == "fr"
    assert isinstance(reply.view, QuestionView)
    assert reply.view.title == "Qui achète chez vous ?"
    assert reply.view.progress == "Question 1 sur 12"
    assert [c.id for c in reply.view.choices] == ["b2b", "b2c", "both"]
    assert reply.version == 1
    assert store.saves == 1
    again = await service.current(KEY, locale="en-US")  # locale only counts at creation
    assert again.lang == "fr"
    assert not again.changed
    assert store.saves == 1


async def test_whole_interview_to_verdict_and_latest_verdict(
    service: ConversationService, store: MemoryStore
) -> None:
    view = await finish(service)
    assert {p.platform: p.verdict for p in view.platforms} == dict.fromkeys(
        ("facebook", "instagram", "tiktok"), "engage"
    )
    assert await service.latest_verdict(KEY) == view
    conv = store.conversations[KEY]
    assert conv.phase is Phase.VERDICT
    assert conv.answers["effort_hours"] == 15


async def test_the_verdict_uses_the_weights_the_service_was_given(store: MemoryStore) -> None:
    shipped = ConversationService(store, SCHEMA, CATALOG)
    await finish(shipped)
    strict = dict(default_weights().penalty) | {"no": 40}  # even "never bought" costs here
    tuned = replace(default_weights(), penalty=strict)
    verdict = await ConversationService(store, SCHEMA, CATALOG, weights=tuned).latest_verdict(KEY)
    assert verdict is not None
    answers = store.conversations[KEY].answers
    assert verdict.score == diagnose(answers, weights=tuned).score == 60
    assert diagnose(answers).score == 100


async def test_progress_total_follows_platforms(service: ConversationService) -> None:
    reply = await service.current(KEY)
    for qid in ("business_model", "buyers", "audience", "platforms"):
        reply = await service.handle(KEY, Answer(BURRITO[qid], qid))
    assert isinstance(reply.view, QuestionView)
    assert reply.view.question_id == "presence.facebook"
    assert reply.view.title.startswith("On Facebook:")
    assert (reply.view.position, reply.view.total) == (5, 15)
    assert reply.recorded is not None
    assert reply.recorded.answer == "Facebook, Instagram, TikTok"


async def test_invalid_answer_notice_in_user_language(service: ConversationService) -> None:
    await service.current(KEY, locale="fr")
    for qid in ("business_model", "buyers"):
        await service.handle(KEY, Answer(BURRITO[qid]))
    reply = await service.handle(KEY, Answer("ab"))
    assert not reply.changed
    assert [n.code for n in reply.notices] == ["invalid"]
    assert "au moins 3 caractères" in reply.notices[0].text
    assert isinstance(reply.view, QuestionView)
    assert reply.view.question_id == "audience"


async def test_user_text_is_escaped_in_every_view(service: ConversationService) -> None:
    await service.current(KEY)
    await service.handle(KEY, Answer("b2b"))
    await service.handle(KEY, Answer("niche"))
    reply = await service.handle(KEY, Answer("<!channel> and <@U123> <https://x|y>"))
    assert reply.recorded is not None
    assert reply.recorded.answer == "[!channel] and [@U123] [https://x|y]"
    reply = await service.handle(KEY, Back())
    assert isinstance(reply.view, QuestionView)
    assert reply.view.current == "[!channel] and [@U123] [https://x|y]"


async def test_double_click_records_one_answer(
    service: ConversationService, store: MemoryStore
) -> None:
    await service.current(KEY)
    replies = await asyncio.gather(
        *(service.handle(KEY, Answer("b2b", "business_model")) for _ in range(20))
    )
    assert sum(r.changed for r in replies) == 1
    assert sum(1 for r in replies if r.notices and r.notices[0].code == "stale") == 19
    assert store.conversations[KEY].cursor == "buyers"
    assert store.saves == 2


async def test_fifty_concurrent_typed_answers_each_question_once(
    service: ConversationService, store: MemoryStore
) -> None:
    await service.current(KEY)
    for qid in ("business_model", "buyers"):
        await service.handle(KEY, Answer(BURRITO[qid]))
    # 50 typed answers race; each lands on whatever question is current when it wins.
    replies = await asyncio.gather(*(service.handle(KEY, Answer("5")) for _ in range(50)))
    conv = store.conversations[KEY]
    recorded = [r.recorded.question_id for r in replies if r.recorded]
    assert len(recorded) == len(set(recorded))  # no question answered twice
    assert conv.version == store.saves
    assert set(conv.answers) == {"business_model", "buyers", *recorded}


async def test_a_click_after_forget_begins_no_conversation(
    service: ConversationService, store: MemoryStore
) -> None:
    await service.handle(KEY, Start(), locale="en")
    await service.handle(KEY, Answer("b2c", question="business_model"))
    await service.forget(KEY)
    with pytest.raises(NoConversation):
        await service.handle(KEY, Answer("mass", question="buyers"), create=False)
    assert await store.load(KEY) is None
    reply = await service.handle(KEY, Start(), locale="fr")  # a command begins one again
    assert (reply.lang, reply.view_key) == ("fr", "business_model")


async def test_restart_and_language(service: ConversationService, store: MemoryStore) -> None:
    await finish(service)
    reply = await service.handle(KEY, SetLanguage("fr"))
    assert reply.lang == "fr"
    assert [n.code for n in reply.notices] == ["language"]
    reply = await service.handle(KEY, Restart())
    assert isinstance(reply.view, QuestionView)
    assert reply.view.question_id == "business_model"
    assert store.conversations[KEY].answers == {}


async def test_edit_after_verdict_recomputes(service: ConversationService) -> None:
    await finish(service)
    reply = await service.handle(KEY, Edit("presence.tiktok"))
    assert isinstance(reply.view, QuestionView)
    assert reply.view.current is not None
    assert reply.view.kind is Kind.ONE
    reply = await service.handle(KEY, Answer("absent", "presence.tiktok"))
    assert isinstance(reply.view, VerdictView)
    verdicts = {p.platform: p.verdict for p in reply.view.platforms}
    assert verdicts["tiktok"] == "drop"


async def test_forget_and_unavailable(service: ConversationService, store: MemoryStore) -> None:
    await service.current(KEY)
    await service.forget(KEY)
    assert KEY not in store.conversations
    store.down = True
    with pytest.raises(StoreUnavailable):
        await service.handle(KEY, Start())
    assert "try again" in service.unavailable_text("en")


async def test_verdict_lists_its_answers_for_editing(service: ConversationService) -> None:
    view = await finish(service)
    ids = [item.question_id for item in view.answers]
    assert ids[:4] == ["business_model", "buyers", "audience", "platforms"]
    assert "presence.tiktok" in ids
    assert len(ids) == len(BURRITO)
