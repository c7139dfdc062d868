"""The verdict in words: localised, quoting the answers, escaped once, promising no numbers."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalog import Escape, catalog_problems, load_catalog, plain
from bot.schema import AnswerValue, Kind, SchemaEntry, load_schema
from bot.validation import check_answers
from bot.verdict import diagnose
from bot.verdict.rules import POLL_ALTERNATIVES, POLL_REASONS, WARNINGS
from bot.verdict.view import verdict_text, verdict_view
from bot.views import VerdictView
from tests.cases import CHANNELS, HEADLINES, REASONS

ROOT = Path(__file__).resolve().parents[2]
SCHEMA, CATALOG = load_schema(), load_catalog()
LANGS = ("en", "fr")
Answers = dict[str, AnswerValue]


def load_case(name: str) -> Answers:
    raw = json.loads((ROOT / "tests" / "data" / f"{name}.json").read_text())
    answers, problems = check_answers(SCHEMA, raw)
    assert problems == []
    return answers


def render(answers: Answers, lang: str, escape: Escape = plain) -> VerdictView:
    return verdict_view(diagnose(answers), answers, CATALOG, lang, escape)


def all_texts(view: VerdictView) -> list[str]:
    texts = [view.headline, view.score_label]
    for p in view.platforms:
        texts += [p.name, p.verdict_label, *p.reasons]
    texts += [w.text for w in view.warnings]
    texts += [t for a in view.alternatives for t in (a.name, a.text)]
    texts += [f.text for f in view.flips]
    return texts


def verdict_tables(lang: str) -> dict[str, Any]:
    return tomllib.loads((ROOT / "prompts" / lang / "verdict.toml").read_text(encoding="utf-8"))


def test_the_licence_plate_reason_quotes_the_answers() -> None:
    fr = render(load_case("licence_plate"), "fr").platforms[0]
    assert (fr.name, fr.verdict, fr.verdict_label) == ("Facebook", "drop", "Arrêter")
    assert "vos clients sont sur Facebook pour leurs proches" in fr.reasons[0]
    assert "Une poignée" in fr.reasons[0]  # the buyers answer, by its label
    en = render(load_case("licence_plate"), "en").platforms[0]
    assert "your customers use Facebook for friends and family" in en.reasons[0]


def test_the_burrito_reasons_quote_what_they_can_offer() -> None:
    for p in render(load_case("burrito"), "en").platforms:
        assert p.verdict_label == "Engage"
        assert any("“Customer service” and “Offers and discount codes”" in r for r in p.reasons)
        assert any(p.name in r for r in p.reasons)


def test_warnings_and_alternatives_are_worded_in_both_languages() -> None:
    answers = load_case("licence_plate")
    en, fr = render(answers, "en"), render(answers, "fr")
    assert [w.code for w in en.warnings] == [w.code for w in fr.warnings]
    resource = next(w.text for w in fr.warnings if w.code == "resource_drain")
    assert "Une agence" in resource
    assert "10 h par semaine" in resource
    assert next(a.channel for a in en.alternatives) == "email"
    assert fr.alternatives[0].name == "E-mail"
    assert en.score_label == "Listening score"


def test_a_flip_says_what_would_change_and_to_what() -> None:
    (flip,) = render(load_case("licence_plate"), "fr").flips
    assert flip.question == "presence.facebook"
    assert flip.verdict == "test"
    assert "Vos clients sur Facebook" in flip.text
    assert "« Tester »" in flip.text
    assert "Oui : ils y suivent des marques" in flip.text


def test_no_network_is_said_plainly_and_without_blame() -> None:
    for lang in LANGS:
        view = render({"platforms": ()}, lang)
        assert view.headline == CATALOG.text(lang, "verdict.headline.no_network")
        assert view.platforms == ()
        assert view.warnings == ()
        assert view.alternatives
    assert "perfectly sound choice" in render({"platforms": ()}, "en").headline


def test_the_free_text_is_quoted_and_escaped_for_the_target() -> None:
    def slack(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    answers = {**load_case("burrito"), "audience": "<!channel> fans & <@U123>"}
    view = render(answers, "en", slack)
    assert "&lt;!channel&gt; fans &amp; &lt;@U123&gt;" in view.headline
    assert "<!" not in " ".join(all_texts(view))


@pytest.mark.parametrize("lang", LANGS)
def test_every_value_is_escaped_exactly_once(lang: str) -> None:
    def mark(text: str) -> str:
        return f"⟦{text}⟧"

    for case in ("licence_plate", "burrito"):
        for text in all_texts(render({**load_case(case), "honesty": 2}, lang, mark)):
            assert "⟦⟦" not in text
            assert "⟧⟧" not in text
    view = render(load_case("burrito"), lang, mark)
    assert view.platforms[0].name == "⟦Facebook⟧"
    assert "⟦Facebook⟧" in view.platforms[0].reasons[-1]


def _value(entry: SchemaEntry) -> st.SearchStrategy[AnswerValue]:
    if entry.kind is Kind.ONE:
        return st.sampled_from(entry.choices)
    if entry.kind is Kind.MANY:
        subsets = st.sets(st.sampled_from(entry.choices))
        return subsets.map(lambda s: tuple(c for c in entry.choices if c in s))
    if entry.kind is Kind.TEXT:
        return st.text(min_size=entry.min, max_size=entry.max)
    return st.integers(entry.min, entry.max)


def _with_presence(answers: Answers) -> st.SearchStrategy[Answers]:
    chosen = answers.get("platforms", ())
    presence = _value(SCHEMA.entry("presence"))
    optional = {f"presence.{p}": presence for p in (chosen if isinstance(chosen, tuple) else ())}
    return st.fixed_dictionaries({}, optional=optional).map(lambda extra: {**answers, **extra})


ANSWER_SETS = st.fixed_dictionaries(
    {}, optional={e.id: _value(e) for e in SCHEMA.entries if e.for_each is None}
).flatmap(_with_presence)


@settings(max_examples=60)
@given(ANSWER_SETS)
def test_any_answers_render_in_every_language(answers: Answers) -> None:
    for lang in LANGS:
        view = render(answers, lang)
        assert all(t.strip() for t in all_texts(view))
        ours = " ".join(all_texts(view)).replace(str(answers.get("audience", "")), "")
        assert not re.search(r"[%€$£]|\bROI\b", ours)
        assert view.headline in verdict_text(view, CATALOG, lang)


def test_every_code_has_its_text_in_every_language() -> None:
    for lang in LANGS:
        tables = verdict_tables(lang)
        assert set(tables["headline"]) == set(HEADLINES)
        assert set(tables["reason"]) == set(REASONS) | set(POLL_REASONS)
        assert set(tables["warning"]) == set(WARNINGS)
        assert set(tables["channel"]) == set(CHANNELS)
        ranked = tomllib.loads((ROOT / "prompts" / "scoring.toml").read_text())["alternative"]
        # The poll's own alternatives are ranked by the poll (bot.verdict.rules.alternatives).
        assert set(tables["alternative"]) == set(ranked) | set(POLL_ALTERNATIVES)
        assert not set(ranked) & set(POLL_ALTERNATIVES)
    assert not [p for p in catalog_problems() if "verdict" in p]


@pytest.mark.parametrize("lang", LANGS)
def test_no_text_promises_a_number(lang: str) -> None:
    """Principle 12: numbers reach a verdict only through the answers and the score."""

    def strings(table: object) -> list[str]:
        if isinstance(table, dict):
            return [s for value in table.values() for s in strings(value)]
        return [table] if isinstance(table, str) else []

    texts = strings(verdict_tables(lang))
    assert len(texts) > 40
    for text in texts:
        literal = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", text)
        assert not re.search(r"\d|[%€$£]|\bROI\b", literal), text


@pytest.mark.parametrize("lang", LANGS)
def test_the_text_form_lists_every_part(lang: str) -> None:
    view = render(load_case("licence_plate"), lang)
    text = verdict_text(view, CATALOG, lang)
    for part in [view.headline, *view.platforms[0].reasons, *(w.text for w in view.warnings)]:
        assert part in text
    assert all(a.text in text for a in view.alternatives)
    assert view.flips[0].text in text
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
