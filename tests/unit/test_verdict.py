"""The verdict as a pure function: the article's twelve principles, its two cases, and flips."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.schema import AnswerValue, Kind, SchemaEntry, load_schema
from bot.validation import check_answers
from bot.verdict import DROP, ENGAGE, TEST, Flip, Verdict, diagnose
from bot.verdict.rules import RANK, WARNINGS, judge_platform
from bot.verdict.scoring import ScoringError, load_weights
from tests.cases import CHANNELS, HEADLINES, REASONS

SCHEMA = load_schema()
DATA = Path(__file__).resolve().parent.parent / "data"
PLATFORMS = SCHEMA.entry("platforms").choices
Answers = dict[str, AnswerValue]


def load_case(name: str) -> Answers:
    answers, problems = check_answers(SCHEMA, json.loads((DATA / f"{name}.json").read_text()))
    assert problems == []
    return answers


def call(verdict: Verdict, platform: str) -> str:
    return next(p.verdict for p in verdict.platforms if p.platform == platform)


def _value(entry: SchemaEntry) -> st.SearchStrategy[AnswerValue]:
    if entry.kind is Kind.ONE:
        return st.sampled_from(entry.choices)
    if entry.kind is Kind.MANY:
        subsets = st.sets(st.sampled_from(entry.choices))
        return subsets.map(lambda s: tuple(c for c in entry.choices if c in s))
    if entry.kind is Kind.TEXT:
        return st.text(min_size=entry.min, max_size=entry.max)
    return st.integers(entry.min, entry.max)


@st.composite
def answer_sets(draw: st.DrawFn, /, **forced: AnswerValue) -> Answers:
    """Valid, possibly partial answers; ``forced`` answers are set after drawing."""
    answers: Answers = {}
    for entry in SCHEMA.entries:
        if entry.for_each is None and draw(st.integers(0, 4)) > 0:  # ~1 in 5 left unanswered
            answers[entry.id] = draw(_value(entry))
    answers.update({k: v for k, v in forced.items() if "." not in k})
    chosen = set(answers.get("platforms", ()))  # type: ignore[arg-type]
    chosen |= {k.partition(".")[2] for k in forced if k.startswith("presence.")}
    if chosen or "platforms" in answers:
        answers["platforms"] = tuple(p for p in PLATFORMS if p in chosen)
    presence = SCHEMA.entry("presence")
    for p in chosen:
        if draw(st.integers(0, 4)) > 0:
            answers[f"presence.{p}"] = draw(_value(presence))
    answers.update({k: v for k, v in forced.items() if "." in k})
    return answers


def apply(answers: Mapping[str, AnswerValue], flip: Flip) -> Answers:
    return {**answers, flip.question: flip.answer}


# The two cases from the article


def test_licence_plate_case() -> None:
    verdict = diagnose(load_case("licence_plate"))
    assert [(p.platform, p.verdict) for p in verdict.platforms] == [("facebook", DROP)]
    assert {"vanity_metrics", "resource_drain"} <= set(verdict.warnings)
    assert "email" in [a.channel for a in verdict.alternatives]
    assert verdict.headline == "nobody_listening"


def test_burrito_case() -> None:
    verdict = diagnose(load_case("burrito"))
    assert {p.platform: p.verdict for p in verdict.platforms} == dict.fromkeys(
        ("instagram", "tiktok", "facebook"), ENGAGE
    )
    assert verdict.warnings == ()
    assert "flyers" in [a.channel for a in verdict.alternatives]
    assert verdict.headline == "listening"


def test_reasons_name_the_answers_behind_them() -> None:
    (facebook,) = diagnose(load_case("licence_plate")).platforms
    assert facebook.reasons[0].code == "b2b_personal"
    assert set(facebook.reasons[0].questions) == {"business_model", "buyers", "presence.facebook"}
    burrito = diagnose(load_case("burrito"))
    for p in burrito.platforms:
        quoted = {q for r in p.reasons for q in r.questions}
        assert {f"presence.{p.platform}", "hooks", "business_model", "buyers"} <= quoted


def test_the_listening_score_ranks_the_cases() -> None:
    licence, burrito = diagnose(load_case("licence_plate")), diagnose(load_case("burrito"))
    assert 0 <= licence.score < 30 < 70 < burrito.score <= 100


# The twelve principles


@given(answer_sets(**{"presence.facebook": "absent"}))
def test_p1_absent_customers_mean_drop_whatever_else(answers: Answers) -> None:
    assert call(diagnose(answers), "facebook") == DROP


@given(
    st.sampled_from(("handful", "niche")).flatmap(
        lambda buyers: answer_sets(
            business_model="b2b", buyers=buyers, **{"presence.linkedin": "personal_only"}
        )
    )
)
def test_p2_b2b_few_buyers_personal_only_is_drop(answers: Answers) -> None:
    assert call(diagnose(answers), "linkedin") == DROP


@given(
    st.tuples(
        st.sampled_from(("community", "mass")),
        st.sampled_from((("support",), ("offers",), ("support", "offers", "events"))),
        st.sampled_from((3, 4, 5)),
    ).flatmap(
        lambda t: answer_sets(
            business_model="b2c",
            buyers=t[0],
            hooks=t[1],
            honesty=t[2],
            **{"presence.instagram": "engaged"},
        )
    )
)
def test_p3_b2c_crowd_engaged_with_hooks_is_engage(answers: Answers) -> None:
    assert call(diagnose(answers), "instagram") == ENGAGE


@given(answer_sets(**{"presence.tiktok": "unknown"}))
def test_p4_unknown_presence_is_at_best_test(answers: Answers) -> None:
    assert call(diagnose(answers), "tiktok") in (TEST, DROP)


@given(st.sampled_from((1, 2)).flatmap(lambda h: answer_sets(honesty=h)))
def test_p5_low_honesty_caps_every_platform_at_test(answers: Answers) -> None:
    assert ENGAGE not in {p.verdict for p in diagnose(answers).platforms}


def test_p5_low_honesty_turns_the_burrito_case_into_tests() -> None:
    verdict = diagnose({**load_case("burrito"), "honesty": 2})
    assert {p.verdict for p in verdict.platforms} == {TEST}
    assert all(p.reasons[-1].code == "honesty_cap" for p in verdict.platforms)


@given(st.sampled_from(("yes", "considering")).flatmap(lambda b: answer_sets(bought_growth=b)))
def test_p6_bought_growth_is_always_warned(answers: Answers) -> None:
    assert "bought_growth" in diagnose(answers).warnings


@given(st.sampled_from(("followers", "volume")).flatmap(lambda m: answer_sets(success_metric=m)))
def test_p7_counting_followers_or_posts_is_a_vanity_metric(answers: Answers) -> None:
    assert "vanity_metrics" in diagnose(answers).warnings


@given(
    st.tuples(
        st.sampled_from(("agency", "employee")), st.sampled_from(("silence", "reactions"))
    ).flatmap(lambda t: answer_sets(effort_owner=t[0], current_engagement=t[1]))
)
def test_p8_paid_effort_and_no_replies_is_a_resource_drain(answers: Answers) -> None:
    assert "resource_drain" in diagnose(answers).warnings


@given(answer_sets())
def test_warnings_appear_only_when_their_rule_holds(answers: Answers) -> None:
    warnings = set(diagnose(answers).warnings)
    quiet = answers.get("current_engagement") in ("silence", "reactions")
    assert ("bought_growth" in warnings) == (answers.get("bought_growth") in ("yes", "considering"))
    assert ("vanity_metrics" in warnings) == (
        answers.get("success_metric") in ("followers", "volume")
    )
    assert ("resource_drain" in warnings) == (
        quiet and answers.get("effort_owner") in ("agency", "employee")
    )
    assert ("broadcast_only" in warnings) == (quiet and answers.get("hooks") == ())
    assert list(diagnose(answers).warnings) == [w for w in WARNINGS if w in warnings]


def channels(answers: Answers) -> list[str]:
    return [a.channel for a in diagnose(answers).alternatives]


@pytest.mark.parametrize(
    ("answers", "email"),
    [
        ({"owned_channels": ("email_list",), "business_model": "b2c"}, True),
        ({"business_model": "b2b", "owned_channels": ()}, True),
        (
            {
                "business_model": "b2c",
                "platforms": ("facebook", "x", "tiktok"),
                "presence.facebook": "absent",
                "presence.x": "absent",
                "presence.tiktok": "engaged",
            },
            True,
        ),
        (
            {
                "business_model": "b2c",
                "platforms": ("facebook", "x"),
                "presence.facebook": "absent",
                "presence.x": "engaged",
                "hooks": ("offers",),
            },
            False,
        ),
        ({"business_model": "both", "owned_channels": ("website",)}, False),
    ],
)
def test_p9_email_where_a_list_b2b_or_mostly_drop(answers: Answers, email: bool) -> None:
    assert ("email" in channels(answers)) is email


@pytest.mark.parametrize(
    ("owned", "flyers"),
    [(("storefront",), True), (("local_area",), True), (("email_list", "website"), False)],
)
def test_p9_flyers_where_a_shop_or_customers_nearby(owned: tuple[str, ...], flyers: bool) -> None:
    assert ("flyers" in channels({"owned_channels": owned})) is flyers


@given(answer_sets())
def test_p9_any_drop_gives_at_least_one_alternative(answers: Answers) -> None:
    verdict = diagnose(answers)
    if any(p.verdict == DROP for p in verdict.platforms):
        assert verdict.alternatives
    assert {a.channel for a in verdict.alternatives} <= set(CHANNELS)
    weights = load_weights().alternative
    ranks = [weights[a.reason] for a in verdict.alternatives]
    assert ranks == sorted(ranks, reverse=True)


def test_p9_even_with_nothing_else_known_a_drop_gets_an_alternative() -> None:
    verdict = diagnose(
        {"platforms": ("x", "youtube"), "presence.x": "absent", "presence.youtube": "unknown"}
    )
    assert [(a.channel, a.reason) for a in verdict.alternatives] == [
        ("direct_outreach", "fallback")
    ]


@given(answer_sets(platforms=()))
def test_p10_no_network_is_a_plain_outcome(answers: Answers) -> None:
    verdict = diagnose(answers)
    assert verdict.headline == "no_network"
    assert verdict.platforms == ()
    assert verdict.flips == ()
    assert verdict.alternatives  # somewhere to put the effort, never a reproach


@given(
    st.sampled_from(("silence", "reactions")).flatmap(
        lambda e: answer_sets(current_engagement=e, hooks=())
    )
)
def test_p11_quiet_posts_with_nothing_to_offer_are_broadcast_only(answers: Answers) -> None:
    assert "broadcast_only" in diagnose(answers).warnings


@given(answer_sets())
def test_p12_the_verdict_is_codes_and_a_bounded_score_never_a_forecast(answers: Answers) -> None:
    verdict = diagnose(answers)
    assert isinstance(verdict.score, int)
    assert 0 <= verdict.score <= 100
    assert verdict.headline in HEADLINES
    assert {r.code for p in verdict.platforms for r in p.reasons} <= set(REASONS)
    # The texts themselves are checked in test_verdict_view.py.


# Partial answers, purity, independence from free text


def test_partial_answers_are_diagnosed_with_what_is_known() -> None:
    assert diagnose({}).headline == "platforms_unknown"
    verdict = diagnose({"platforms": ("youtube",)})
    assert call(verdict, "youtube") == TEST
    assert verdict.platforms[0].reasons[0].code == "presence_missing"
    engaged = diagnose({"platforms": ("youtube",), "presence.youtube": "engaged"})
    assert call(engaged, "youtube") == TEST  # nothing said about what to offer: test first


@given(answer_sets(), st.text(min_size=3, max_size=280))
def test_the_verdict_never_depends_on_the_free_text(answers: Answers, other: str) -> None:
    before = dict(answers)
    assert diagnose(answers) == diagnose({**answers, "audience": other})
    assert answers == before  # not mutated


def test_selling_followers_lowers_the_score() -> None:
    base = load_case("burrito")
    assert diagnose({**base, "bought_growth": "yes"}).score < diagnose(base).score


# Flips


@pytest.mark.parametrize("case", ["licence_plate", "burrito"])
def test_every_flip_of_the_article_cases_really_flips(case: str) -> None:
    answers = load_case(case)
    verdict = diagnose(answers)
    assert {f.platform for f in verdict.flips} == {p.platform for p in verdict.platforms}
    for flip in verdict.flips:
        assert call(diagnose(apply(answers, flip)), flip.platform) == flip.verdict
        assert flip.verdict != call(verdict, flip.platform)


def test_a_flip_prefers_an_improvement() -> None:
    (flip,) = diagnose(load_case("licence_plate")).flips
    assert (flip.question, flip.verdict) == ("presence.facebook", TEST)


@settings(max_examples=150)
@given(answer_sets())
def test_flips_are_single_real_changes(answers: Answers) -> None:
    verdict = diagnose(answers)
    assert len({f.platform for f in verdict.flips}) == len(verdict.flips)
    for flip in verdict.flips:
        question = SCHEMA.question(flip.question)
        assert question is not None
        assert question.base != "platforms"
        assert question.kind is not Kind.TEXT
        assert flip.answer != answers.get(flip.question)
        if question.kind is Kind.MANY:  # the complete new list, one choice toggled
            assert isinstance(flip.answer, tuple)
            assert set(flip.answer) <= set(question.choices)
            old = set(answers.get(flip.question, ()))  # type: ignore[arg-type]
            assert len(old ^ set(flip.answer)) <= 1
        flipped = diagnose(apply(answers, flip))
        old_call = call(verdict, flip.platform)
        assert call(flipped, flip.platform) == flip.verdict != old_call
        if RANK[flip.verdict] < RANK[old_call]:  # a step down only when nothing improves it
            assert not any(
                RANK[judge_platform(flip.platform, {**answers, q: v}).verdict] > RANK[old_call]
                for q, v in _one_choice_changes(answers)
            )


def _one_choice_changes(answers: Answers) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for q in SCHEMA.sequence(answers):
        if q.kind is Kind.ONE:
            out += [(q.id, c) for c in q.choices]
        elif q.kind is Kind.SCALE:
            out += [(q.id, n) for n in q.range]
        elif q.kind is Kind.MANY and q.base != "platforms":
            now = answers.get(q.id, ())
            ticked = set(now) if isinstance(now, tuple) else set()
            out += [(q.id, tuple(c for c in q.choices if c in ticked ^ {x})) for x in q.choices]
            out.append((q.id, ()))
    return out


# Weights


def test_shipped_weights_are_consistent() -> None:
    weights = load_weights()
    assert sum(weights.weight.values()) == 100
    produced = {"email_list", "email_b2b", "email_most_drop", "flyers_storefront", "flyers_local"}
    produced |= {"direct_outreach", "events_owned", "events_hook", "community", "website"}
    assert produced | {"fallback"} == set(weights.alternative)


def test_broken_weights_are_refused_with_the_key(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "prompts" / "scoring.toml").read_text()
    broken = tmp_path / "scoring.toml"
    broken.write_text(text.replace("presence = 35", "presence = 36"))
    with pytest.raises(ScoringError, match=r"score\.weight"):
        load_weights(broken)
    broken.write_text(text.replace("engaged = 1.0", "engaged = 1.5"))
    with pytest.raises(ScoringError, match="between 0 and 1"):
        load_weights(broken)
