"""Components built from neutral views: custom_id grammar, one control per kind, the modal."""

from __future__ import annotations

import re

import pytest
from discord import ButtonStyle, TextStyle, ui

from adapters.discord import ids
from adapters.discord.components import (
    EcouteButton,
    EcouteSelect,
    known_shape,
    question_components,
    review_components,
    verdict_components,
)
from adapters.discord.escape import discord_escape
from adapters.discord.ids import Action, CustomId
from adapters.discord.modal import MODAL_ID, answer_modal, submitted_field
from adapters.discord.texts import Texts
from bot.bootstrap import Core
from bot.catalog import load_catalog
from bot.schema import Kind, load_schema
from bot.views import ChoiceView, QuestionView, ReviewItem, ReviewView
from tests.discord.teams import give_verdict, key_of

SCHEMA = load_schema()
TEXTS = Texts(load_catalog())
LONGEST_USER = "1" * 20


def question(kind: Kind, n: int, *, back: bool = False, selected: str = "") -> QuestionView:
    choices = tuple(ChoiceView(f"c{i}", f"Choice {i}", f"c{i}" == selected) for i in range(n))
    return QuestionView(
        "q", kind, "Title", "Hint", choices, 2, 9, "Question 2 of 9", can_go_back=back
    )


def button(item: ui.Item[ui.View]) -> ui.Button[ui.View]:
    assert isinstance(item, EcouteButton)
    return item.item


def rows(view: ui.View) -> list[list[str]]:
    out: list[list[str]] = []
    for row in view.to_components():
        out.append([c["custom_id"] for c in row["components"]])
    return out


def test_every_custom_id_the_schema_can_produce_fits_and_ends_with_the_choice() -> None:
    for q in SCHEMA.all_questions():
        choices = [str(n) for n in q.range] if q.kind is Kind.SCALE else list(q.choices)
        for action in Action:
            for choice in choices or [""]:
                cid = str(CustomId(action, "fr", LONGEST_USER, q.id, choice))
                assert len(cid) <= 100
                assert ids.parse(cid) == CustomId(action, "fr", LONGEST_USER, q.id, choice)
                assert cid.split(":")[-1] == choice


def test_templates_tell_buttons_from_selects_and_refuse_anything_else() -> None:
    button, select = re.compile(ids.BUTTON_TEMPLATE), re.compile(ids.SELECT_TEMPLATE)
    assert button.fullmatch("ec:a:en:1:buyers:mass")
    assert not select.fullmatch("ec:a:en:1:buyers:mass")
    assert select.fullmatch("ec:m:en:1:platforms:")
    assert not button.fullmatch("ec:m:en:1:platforms:")
    for junk in ("ec:a:en:x:buyers:mass", "ec:z:en:1::", "other:a:en:1::", "ec:a:en:1:a b:c"):
        assert ids.parse(junk) is None or not button.fullmatch(junk)
    assert ids.parse("ec:z:en:1::") is None


async def test_back_change_and_start_again_name_the_view_they_are_on(core: Core) -> None:
    item = ReviewItem("honesty", "Honestly", "5")
    review = review_components(ReviewView("Your answers", "", (item,)), "en", LONGEST_USER, TEXTS)
    await give_verdict(core, 111)
    found = await core.service(discord_escape).latest_verdict(key_of(111))
    assert found is not None
    verdict = verdict_components(found, "en", LONGEST_USER, TEXTS)
    shown = {c.split(":")[1]: c for row in rows(review) + rows(verdict) for c in row}
    assert rows(review)[0] == [f"ec:e:en:{LONGEST_USER}:review:"]
    assert shown["b"] == f"ec:b:en:{LONGEST_USER}:review:"
    assert shown["k"] == f"ec:k:en:{LONGEST_USER}:review:"
    assert shown["e"] == f"ec:e:en:{LONGEST_USER}:verdict:"  # the verdict's, made last
    assert shown["r"] == f"ec:r:en:{LONGEST_USER}:verdict:"
    for text in shown.values():
        parsed = ids.parse(text)
        assert parsed is not None
        assert not parsed.viewless
    for old in ("ec:b:en:1::", "ec:e:en:1::", "ec:r:en:1::"):  # made before they said
        parsed = ids.parse(old)
        assert parsed is not None
        assert parsed.viewless
    assert not CustomId(Action.CONFIRM, "en", "1").viewless  # the core checks it anyway


def test_an_id_of_no_known_shape_is_told_apart() -> None:
    button_type, select_type, channel_type = 2, 3, 8
    assert known_shape(button_type, "ec:a:en:1:buyers:mass")
    assert known_shape(select_type, "ec:m:en:1:platforms:")
    assert known_shape(channel_type, "ec:i:en:1::")
    for component_type, custom_id in (
        (button_type, "ec:m:en:1:platforms:"),  # a select's id on a button
        (select_type, "ec:a:en:1:buyers:mass"),
        (button_type, "ec:z:en:1::"),
        (button_type, "ec:a:en"),
        (button_type, "ec:a:en:1:buyers:mass:more"),
        (99, "ec:a:en:1:buyers:mass"),
        ("2", "ec:a:en:1:buyers:mass"),
    ):
        assert not known_shape(component_type, custom_id), custom_id
    assert ids.outdated_lang("ec:z:fr:1::") == "fr"
    assert ids.outdated_lang("ec:a") is None
    assert ids.is_ours("ec:anything")
    assert not ids.is_ours("other")
    assert not ids.is_ours(5)


def test_a_single_choice_is_buttons_and_the_answer_so_far_stands_out() -> None:
    view = question_components(question(Kind.ONE, 4, selected="c2"), "en", "7", TEXTS)
    assert rows(view) == [[f"ec:a:en:7:q:c{i}" for i in range(4)]]
    styles = [button(c).style for c in view.children]
    assert styles.count(ButtonStyle.primary) == 1
    assert styles[2] == ButtonStyle.primary


def test_a_long_single_choice_is_a_select_of_one() -> None:
    view = question_components(question(Kind.ONE, 8), "en", "7", TEXTS)
    (select,) = view.children
    assert isinstance(select, EcouteSelect)
    assert (select.item.min_values, select.item.max_values) == (1, 1)


def test_several_choices_are_a_multi_select_that_allows_none() -> None:
    view = question_components(question(Kind.MANY, 7, back=True), "en", "7", TEXTS)
    assert rows(view) == [["ec:m:en:7:q:"], ["ec:n:en:7:q:"], ["ec:b:en:7:q:"]]
    select = view.children[0]
    assert isinstance(select, EcouteSelect)
    assert (select.item.min_values, select.item.max_values) == (0, 7)


def test_the_scale_is_five_buttons() -> None:
    view = question_components(question(Kind.SCALE, 5), "en", "7", TEXTS)
    assert len(rows(view)[0]) == 5
    assert all(isinstance(c, EcouteButton) for c in view.children)


@pytest.mark.parametrize("kind", [Kind.TEXT, Kind.INTEGER])
def test_text_and_numbers_open_the_modal(kind: Kind) -> None:
    view = question_components(question(kind, 0), "fr", "7", TEXTS)
    assert rows(view) == [["ec:t:fr:7:q:"]]
    assert button(view.children[0]).label == "Répondre"


def test_the_text_modal_has_the_questions_limits() -> None:
    audience = SCHEMA.question("audience")
    modal = answer_modal(audience, "audience", "fr", "7", TEXTS)
    assert (modal.custom_id, modal.title, modal.timeout) == (MODAL_ID, "Votre réponse", None)
    (label,) = modal.children
    assert isinstance(label, ui.Label)
    field = label.component
    assert isinstance(field, ui.TextInput)
    assert (field.custom_id, field.style) == ("ec:v:fr:7:audience:", TextStyle.paragraph)
    assert (field.min_length, field.max_length) == (3, 280)
    assert label.description == "De 3 à 280 caractères"


def test_the_number_modal_is_short() -> None:
    modal = answer_modal(SCHEMA.question("effort_hours"), "effort_hours", "en", "7", TEXTS)
    label = modal.children[0]
    assert isinstance(label, ui.Label)
    field = label.component
    assert isinstance(field, ui.TextInput)
    assert (field.style, field.min_length, field.max_length) == (TextStyle.short, 1, 4)


@pytest.mark.parametrize(
    "components",
    [
        [{"type": 18, "component": {"type": 4, "custom_id": "ec:v:en:7:audience:", "value": "Hi"}}],
        [
            {
                "type": 1,
                "components": [{"type": 4, "custom_id": "ec:v:en:7:audience:", "value": "Hi"}],
            }
        ],
    ],
)
def test_a_submitted_modal_is_read_from_its_payload(components: list[object]) -> None:
    found = submitted_field({"custom_id": MODAL_ID, "components": components})
    assert found == (CustomId(Action.FIELD, "en", "7", "audience"), "Hi")
    assert submitted_field({"custom_id": MODAL_ID, "components": []}) is None
