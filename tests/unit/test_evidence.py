"""A listening poll as evidence: its checks, its bands, and what it does to the verdict."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalog import load_catalog, plain
from bot.schema import AnswerValue
from bot.verdict import DROP, ENGAGE, TEST, Evidence, EvidenceError, Verdict, diagnose
from bot.verdict.evidence import (
    CHANNELS,
    FEW_AT,
    MIN_RESPONDENTS,
    WANTED_AT,
    evidence_from_json,
    poll_presence,
)
from bot.verdict.flips import POLL, PollFlip
from bot.verdict.rules import POLL_ALTERNATIVES, POLL_REASONS, RANK, judge_platform
from bot.verdict.view import verdict_text, verdict_view
from tests.cases import REASONS
from tests.unit.test_verdict import PLATFORMS, SCHEMA, answer_sets, call, load_case

Answers = dict[str, AnswerValue]
CHOICES = (*PLATFORMS, *CHANNELS)
PRESENCE = SCHEMA.entry("presence").choices
CATALOG = load_catalog()


@st.composite
def polls(draw: st.DrawFn, /, low: int = 0, high: int = 40) -> Evidence:
    """A closed poll of ``low`` to ``high`` respondents; each choice counted or left out."""
    respondents = draw(st.integers(low, high))
    counted = draw(st.sets(st.sampled_from(CHOICES)))
    wants = {c: draw(st.integers(0, respondents)) for c in CHOICES if c in counted}
    return Evidence(respondents, wants)


def platform_calls(verdict: Verdict) -> dict[str, str]:
    return {p.platform: p.verdict for p in verdict.platforms}


# Checking the evidence


def test_a_well_formed_poll_is_read() -> None:
    data = {"respondents": 14, "wants": {"instagram": 9, "email": 4, "nowhere": 0}}
    evidence = evidence_from_json(data, SCHEMA)
    assert evidence == Evidence(14, {"instagram": 9, "email": 4, "nowhere": 0})
    assert (evidence.wanting("instagram"), evidence.wanting("tiktok")) == (9, 0)
    assert evidence.share("instagram") == Fraction(9, 14)
    assert evidence.used
    assert evidence_from_json({"respondents": 0, "wants": {}}) == Evidence(0, {})


def problems_of(data: object) -> list[tuple[str, object, str]]:
    with pytest.raises(EvidenceError) as caught:
        evidence_from_json(data, SCHEMA)
    return [(p.key, p.value, p.why) for p in caught.value.problems]


def test_every_problem_is_named_by_key_value_and_why() -> None:
    data = {
        "respondents": 4,
        "wants": {"instagram": 9, "myspace": 1, "email": -1, "x": 1.5, "tiktok": True},
        "extra": 1,
    }
    assert sorted(problems_of(data), key=str) == sorted(
        [
            ("extra", 1, "evidence_unknown_key"),
            ("wants.myspace", 1, "evidence_unknown_choice"),
            ("wants.instagram", 9, "evidence_above_respondents"),
            ("wants.email", -1, "evidence_negative"),
            ("wants.x", 1.5, "evidence_not_integer"),
            ("wants.tiktok", True, "evidence_not_integer"),
        ],
        key=str,
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([1, 2], [("evidence", [1, 2], "evidence_not_object")]),
        ({}, [("respondents", None, "evidence_missing"), ("wants", None, "evidence_missing")]),
        ({"respondents": -3, "wants": {}}, [("respondents", -3, "evidence_negative")]),
        ({"respondents": "12", "wants": {}}, [("respondents", "12", "evidence_not_integer")]),
        ({"respondents": 12, "wants": [9]}, [("wants", [9], "evidence_wants_not_object")]),
        ({"respondents": 12.0, "wants": {"x": 1}}, [("respondents", 12.0, "evidence_not_integer")]),
    ],
)
def test_malformed_evidence_is_refused(data: object, expected: list[Any]) -> None:
    assert problems_of(data) == expected


def test_the_allowed_choices_come_with_the_problem() -> None:
    with pytest.raises(EvidenceError) as caught:
        evidence_from_json({"respondents": 3, "wants": {"myspace": 1}}, SCHEMA)
    (problem,) = caught.value.problems
    assert problem.values["choices"] == CHOICES
    assert "wants.myspace" in str(caught.value)


def test_evidence_built_by_hand_is_checked_too() -> None:
    with pytest.raises(EvidenceError, match="evidence_above_respondents"):
        Evidence(3, {"instagram": 4})
    with pytest.raises(EvidenceError, match="evidence_negative"):
        Evidence(-1, {})
    with pytest.raises(EvidenceError, match="evidence_unknown_choice"):
        diagnose(load_case("burrito"), evidence=Evidence(9, {"myspace": 2}))


def test_evidence_is_frozen() -> None:
    evidence = Evidence(5, {"x": 1})
    with pytest.raises(TypeError):
        evidence.wants["x"] = 5  # type: ignore[index]


# The bands


@pytest.mark.parametrize(
    ("wanting", "respondents", "presence"),
    [
        (0, 8, "absent"),
        (1, 5, "absent"),  # one in five: still nobody to talk to
        (2, 10, "absent"),
        (3, 14, "unknown"),  # just over a fifth
        (2, 5, "unknown"),
        (6, 13, "unknown"),  # just under half
        (7, 14, "engaged"),  # half
        (11, 12, "engaged"),
        (4, 4, None),  # too few to decide
        (0, 0, None),
    ],
)
def test_the_share_decides_the_presence(wanting: int, respondents: int, presence: str) -> None:
    assert poll_presence(Evidence(respondents, {"x": wanting}), "x") == presence
    assert poll_presence(None, "x") is None
    assert (Fraction(1, 2), Fraction(1, 5), 5) == (WANTED_AT, FEW_AT, MIN_RESPONDENTS)


# The poll in the verdict


@given(answer_sets(), polls(high=MIN_RESPONDENTS - 1))
def test_a_poll_too_small_never_changes_a_call(answers: Answers, evidence: Evidence) -> None:
    guess, polled = diagnose(answers), diagnose(answers, evidence=evidence)
    assert platform_calls(polled) == platform_calls(guess)
    assert (polled.score, polled.headline, polled.warnings) == (
        guess.score,
        guess.headline,
        guess.warnings,
    )
    assert polled.flips == guess.flips
    assert polled.poll_flips == ()
    assert [a.channel for a in polled.alternatives] == [a.channel for a in guess.alternatives]
    for before, after in zip(guess.platforms, polled.platforms, strict=True):
        assert after.reasons[:-1] == before.reasons  # cited last, nothing else changed
        cited = after.reasons[-1]
        assert cited.code == "poll_too_few"
        assert dict(cited.values) == {
            "wanting": evidence.wanting(after.platform),
            "respondents": evidence.respondents,
            "needed": MIN_RESPONDENTS,
        }


@given(answer_sets(), polls(low=MIN_RESPONDENTS))
def test_a_poll_with_nobody_for_a_platform_drops_it(answers: Answers, evidence: Evidence) -> None:
    answers = {**answers, "platforms": ("facebook",), "presence.facebook": "engaged"}
    nobody = Evidence(evidence.respondents, {**evidence.wants, "facebook": 0})
    verdict = diagnose(answers, evidence=nobody)
    assert call(verdict, "facebook") == DROP
    (reason,) = verdict.platforms[0].reasons
    assert reason.code == "poll_few"
    assert dict(reason.values) == {"wanting": 0, "respondents": evidence.respondents}
    assert verdict.alternatives  # principle 9 still holds


@given(answer_sets(), polls(low=MIN_RESPONDENTS))
def test_an_answered_poll_outranks_the_guess(answers: Answers, evidence: Evidence) -> None:
    verdict = diagnose(answers, evidence=evidence)
    for p in verdict.platforms:
        guesses = [{**answers, f"presence.{p.platform}": g} for g in PRESENCE]
        calls = {judge_platform(p.platform, g, evidence).verdict for g in guesses}
        assert calls == {p.verdict}  # whatever was guessed
        said = poll_presence(evidence, p.platform)
        assert said is not None
        guessed = judge_platform(p.platform, {**answers, f"presence.{p.platform}": said})
        assert guessed.verdict == p.verdict  # the poll's band, read as an answer
        first = p.reasons[0]
        assert first.code in POLL_REASONS
        assert dict(first.values) == {
            "wanting": evidence.wanting(p.platform),
            "respondents": evidence.respondents,
        }
        assert {r.code for r in p.reasons} <= set(REASONS) | set(POLL_REASONS)
        assert f"presence.{p.platform}" not in {q for r in p.reasons for q in r.questions}


@given(st.sampled_from((1, 2)).flatmap(lambda h: answer_sets(honesty=h)), polls())
def test_p5_low_honesty_still_caps_with_a_poll(answers: Answers, evidence: Evidence) -> None:
    assert ENGAGE not in platform_calls(diagnose(answers, evidence=evidence)).values()


def test_p5_caps_even_a_poll_everyone_answered_yes() -> None:
    everyone = Evidence(20, dict.fromkeys(("facebook", "instagram", "tiktok"), 20))
    verdict = diagnose({**load_case("burrito"), "honesty": 2}, evidence=everyone)
    assert set(platform_calls(verdict).values()) == {TEST}
    assert all(p.reasons[-1].code == "honesty_cap" for p in verdict.platforms)
    assert all(p.reasons[0].code == "poll_wanted" for p in verdict.platforms)


@given(answer_sets(), polls())
def test_without_hooks_even_a_wanted_platform_is_a_test(answers: Answers, ev: Evidence) -> None:
    answers = {**answers, "hooks": (), "platforms": ("youtube",)}
    everyone = max(ev.respondents, MIN_RESPONDENTS)
    wanted = Evidence(everyone, {**ev.wants, "youtube": everyone})
    verdict = diagnose(answers, evidence=wanted)
    assert call(verdict, "youtube") == TEST
    assert verdict.platforms[0].reasons[0].code == "poll_wanted_no_hooks"


def test_the_poll_moves_the_score() -> None:
    bakery: Answers = {"platforms": ("tiktok",), "presence.tiktok": "unknown", "hooks": ("offers",)}
    assert (
        diagnose(bakery, evidence=Evidence(9, {"tiktok": 0})).score
        < diagnose(bakery).score
        < diagnose(bakery, evidence=Evidence(9, {"tiktok": 7})).score
    )


# Alternatives


def channel_reasons(verdict: Verdict) -> list[tuple[str, str, int | None]]:
    return [(a.channel, a.reason, a.poll) for a in verdict.alternatives]


def test_a_poll_proposes_email_and_flyers_when_more_than_a_few_ask() -> None:
    answers: Answers = {"business_model": "b2c", "platforms": ("x",), "presence.x": "engaged"}
    assert channel_reasons(diagnose(answers)) == []
    asked = Evidence(10, {"x": 6, "email": 3, "in_person": 5})
    assert channel_reasons(diagnose(answers, evidence=asked)) == [
        ("flyers", "flyers_poll", 5),
        ("email", "email_poll", 3),
    ]
    few = Evidence(10, {"x": 6, "email": 2, "in_person": 1})  # a fifth or less: not proposed
    assert channel_reasons(diagnose(answers, evidence=few)) == []
    small = Evidence(4, {"email": 4})  # too small a poll proposes nothing
    assert channel_reasons(diagnose(answers, evidence=small)) == []


def test_a_poll_cites_its_counts_on_the_alternatives_and_ranks_them_first() -> None:
    licence = load_case("licence_plate")
    before = channel_reasons(diagnose(licence))
    assert before[0] == ("email", "email_list", None)
    polled = diagnose(licence, evidence=Evidence(8, {"email": 1, "in_person": 0}))
    assert [c for c, _, _ in channel_reasons(polled)] == [c for c, _, _ in before]
    assert channel_reasons(polled)[0] == ("email", "email_list", 1)
    burrito = load_case("burrito")
    assert [a.channel for a in diagnose(burrito).alternatives] == ["flyers"]
    wants = {"facebook": 8, "instagram": 11, "tiktok": 9, "email": 9, "in_person": 2}
    asked = diagnose(burrito, evidence=Evidence(12, wants))
    assert channel_reasons(asked) == [
        ("email", "email_poll", 9),
        ("flyers", "flyers_storefront", 2),
    ]
    assert {r for _, r, _ in channel_reasons(asked)} - {"flyers_storefront"} <= set(
        POLL_ALTERNATIVES
    )


# Flips


def apply_poll(evidence: Evidence, flip: PollFlip, more: int) -> Evidence:
    return evidence.plus(flip.platform, more, wanting=flip.wanting)


@given(answer_sets(), polls(low=MIN_RESPONDENTS))
def test_a_poll_flip_is_exact(answers: Answers, evidence: Evidence) -> None:
    verdict = diagnose(answers, evidence=evidence)
    assert [f.platform for f in verdict.poll_flips] == [
        p.platform
        for p in verdict.platforms
        if p.platform in {f.platform for f in verdict.poll_flips}
    ]
    for flip in verdict.poll_flips:
        old = call(verdict, flip.platform)
        assert flip.more >= 1
        assert flip.verdict != old
        enough = diagnose(answers, evidence=apply_poll(evidence, flip, flip.more))
        assert call(enough, flip.platform) == flip.verdict
        one_fewer = diagnose(answers, evidence=apply_poll(evidence, flip, flip.more - 1))
        assert call(one_fewer, flip.platform) == old


@given(answer_sets(), polls(low=MIN_RESPONDENTS, high=15))
def test_a_poll_flip_is_the_first_change_of_either_kind(answers: Answers, ev: Evidence) -> None:
    """Against a plain count, one answer at a time, far beyond where the share settles."""
    verdict = diagnose(answers, evidence=ev)
    found = {f.platform: f for f in verdict.poll_flips}
    for p in verdict.platforms:
        firsts = []
        for wanting in (True, False):
            for more in range(1, 6 * ev.respondents + 10):
                moved = ev.plus(p.platform, more, wanting=wanting)
                new = judge_platform(p.platform, answers, moved).verdict
                if new != p.verdict:
                    firsts.append(PollFlip(p.platform, more, wanting, new))
                    break
        if not firsts:
            assert p.platform not in found
            continue
        up = [f for f in firsts if RANK[f.verdict] > RANK[p.verdict]]
        best = min(up or firsts, key=lambda f: (-RANK[f.verdict], f.more))
        assert found[p.platform] == best


def test_the_licence_plate_poll_says_how_many_answers_would_change_it() -> None:
    licence = load_case("licence_plate")
    verdict = diagnose(licence, evidence=Evidence(8, {"facebook": 0}))
    assert verdict.flips == ()  # no answer moves a platform the poll dropped
    assert verdict.poll_flips == (PollFlip("facebook", 3, True, TEST),)  # 3 of 11: over a fifth
    assert call(diagnose(licence, evidence=Evidence(10, {"facebook": 2})), "facebook") == DROP


@given(answer_sets(), polls())
def test_answer_flips_still_flip_with_the_poll_in_place(answers: Answers, ev: Evidence) -> None:
    verdict = diagnose(answers, evidence=ev)
    for flip in verdict.flips:
        flipped = diagnose({**answers, flip.question: flip.answer}, evidence=ev)
        assert call(flipped, flip.platform) == flip.verdict != call(verdict, flip.platform)
        if ev.used:
            assert not flip.question.startswith("presence.")  # the poll decides presence


# In words


@settings(max_examples=60)
@given(answer_sets(), polls(high=12))
def test_any_poll_renders_in_every_language(answers: Answers, evidence: Evidence) -> None:
    verdict = diagnose(answers, evidence=evidence)
    for lang in ("en", "fr"):
        view = verdict_view(verdict, answers, CATALOG, lang, plain)
        texts = [view.headline, *(r for p in view.platforms for r in p.reasons)]
        texts += [a.text for a in view.alternatives] + [f.text for f in view.flips]
        assert all(t.strip() for t in texts)
        ours = " ".join(texts).replace(str(answers.get("audience", "")), "")
        assert not re.search(r"[%€$£{}]|\bROI\b", ours)  # rendered, and no number promised
        assert str(evidence.respondents) in view.headline or evidence.respondents <= 1
        polled = [f for f in view.flips if f.question == POLL]
        assert [(f.platform, f.answer, f.verdict) for f in polled] == [
            (f.platform, f.more, f.verdict) for f in verdict.poll_flips
        ]
        assert view.headline in verdict_text(view, CATALOG, lang)
