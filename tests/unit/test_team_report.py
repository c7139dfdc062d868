"""The team report: counts, the team's verdict, where people disagree, shared warnings,
alternatives ranked — and its texts in both languages."""

from __future__ import annotations

from collections.abc import Mapping

from hypothesis import given
from hypothesis import strategies as st

from adapters.discord.team_views import DiscordRefs as Refs
from bot.catalog import load_catalog
from bot.schema import AnswerValue, load_schema
from bot.team.report import Member, team_report, team_verdict
from bot.team.rounds import (
    Closing,
    OptionError,
    Round,
    RoundOptions,
    Status,
    parse_options,
)
from bot.team.view import TeamTexts
from bot.verdict import diagnose
from tests.cases import stored_answers

SCHEMA = load_schema()
CATALOG = load_catalog()
BURRITO = stored_answers("burrito")
LICENCE_PLATE = stored_answers("licence_plate")


def with_presence(base: Mapping[str, AnswerValue], **presence: str) -> dict[str, AnswerValue]:
    answers = dict(base)
    for platform, value in presence.items():
        answers[f"presence.{platform}"] = value
    return answers


def a_round(named: bool = False) -> Round:
    return Round(
        1, "slack", "T1", "C1", "U0", named, True, "en", Status.CLOSED, 0.0, 0.0, 1.0,
        Closing.OWNER, "1.1", None, 2,
    )  # fmt: skip


def test_counts_and_team_verdict_per_network() -> None:
    members = [
        Member("U1", BURRITO),
        Member("U2", BURRITO),
        Member("U3", with_presence(BURRITO, instagram="absent", facebook="unknown")),
    ]
    report = team_report(members, expected=4, named=False, schema=SCHEMA)
    by = {n.platform: n for n in report.networks}
    assert [n.platform for n in report.networks] == ["facebook", "instagram", "tiktok"]
    assert (by["instagram"].engage, by["instagram"].test, by["instagram"].drop) == (2, 0, 1)
    assert by["instagram"].team == "engage"
    assert by["tiktok"].team == "engage"
    assert by["tiktok"].total == 3
    assert by["facebook"].test == 1
    assert report.answered == 3
    assert report.expected == 4
    assert all(n.who is None for n in report.networks)


def test_each_count_is_the_members_own_verdict() -> None:
    members = [Member("U1", BURRITO), Member("U2", LICENCE_PLATE)]
    report = team_report(members, expected=2, named=True, schema=SCHEMA)
    for tally in report.networks:
        said = {}
        for m in members:
            for call in diagnose(m.answers, schema=SCHEMA).platforms:
                if call.platform == tally.platform:
                    said[m.user] = call.verdict
        assert tally.who is not None
        assert {u: v for v, users in tally.who.items() for u in users} == said


def test_divergence_on_presence_comes_first_and_says_ask_them() -> None:
    members = [
        Member("U1", with_presence(BURRITO, instagram="engaged")),
        Member("U2", with_presence(BURRITO, instagram="engaged")),
        Member("U3", with_presence(BURRITO, instagram="unknown")),
        Member("U4", with_presence(BURRITO, instagram="unknown")),
        Member("U5", with_presence(BURRITO, instagram="absent")),
    ]
    report = team_report(members, expected=5, named=False, schema=SCHEMA)
    first = report.divergences[0]
    assert first.question == "presence.instagram"
    assert dict(first.counts) == {"engaged": 2, "unknown": 2, "absent": 1}
    assert first.spread == 0.6
    view = TeamTexts(CATALOG, "en", str, Refs()).report_view(a_round(), report, SCHEMA)
    lines = dict(view.sections)["Where you don’t agree"]
    assert "You don’t agree whether your customers are on Instagram" in lines[0]
    assert "(2 Yes: they follow and talk to brands like ours there, 2 I don’t know, 1 " in lines[0]
    assert lines[0].endswith("ask them before you decide.")


def test_everyone_agreeing_has_no_divergence() -> None:
    report = team_report([Member("U1", BURRITO), Member("U2", BURRITO)], expected=2,
                         named=False, schema=SCHEMA)  # fmt: skip
    assert report.divergences == ()
    view = TeamTexts(CATALOG, "fr", str, Refs()).report_view(a_round(), report, SCHEMA)
    assert dict(view.sections)["Là où vous n’êtes pas d’accord"] == (
        "Vous êtes d’accord sur chaque question.",
    )


def test_warnings_shared_by_two_or_more() -> None:
    members = [Member("U1", LICENCE_PLATE), Member("U2", LICENCE_PLATE), Member("U3", BURRITO)]
    report = team_report(members, expected=3, named=False, schema=SCHEMA)
    codes = {w.code: w.count for w in report.warnings}
    assert codes["vanity_metrics"] == 2
    assert codes["resource_drain"] == 2
    lonely = team_report([Member("U1", LICENCE_PLATE), Member("U3", BURRITO)], expected=2,
                         named=False, schema=SCHEMA)  # fmt: skip
    assert lonely.warnings == ()  # one person's warning is theirs, not the team's


def test_alternatives_ranked_by_how_many_were_offered_them() -> None:
    members = [Member("U1", LICENCE_PLATE), Member("U2", LICENCE_PLATE), Member("U3", BURRITO)]
    report = team_report(members, expected=3, named=False, schema=SCHEMA)
    counts = [a.count for a in report.alternatives]
    assert counts == sorted(counts, reverse=True)
    assert report.alternatives[0].channel == "email"
    assert report.alternatives[0].count == 2


@given(st.integers(0, 9), st.integers(0, 9), st.integers(0, 9))
def test_team_verdict_is_a_strict_majority_or_test(e: int, t: int, d: int) -> None:
    verdict = team_verdict(e, t, d)
    total = e + t + d
    if e * 2 > total:
        assert verdict == "engage"
    elif d * 2 > total:
        assert verdict == "drop"
    else:
        assert verdict == "test"


def test_anonymous_report_names_nobody_named_one_does() -> None:
    members = [Member("U1", LICENCE_PLATE), Member("U2", BURRITO), Member("U3", LICENCE_PLATE)]
    anonymous = team_report(members, expected=3, named=False, schema=SCHEMA)
    texts = TeamTexts(CATALOG, "en", str, Refs())
    view = texts.report_view(a_round(named=False), anonymous, SCHEMA)
    every = " ".join([view.summary, *(line for _, lines in view.sections for line in lines)])
    assert "<@" not in every
    assert "U1" not in every
    assert view.privacy == "Anonymous: counts only."
    named = team_report(members, expected=3, named=True, schema=SCHEMA)
    view = texts.report_view(a_round(named=True), named, SCHEMA)
    every = " ".join(line for _, lines in view.sections for line in lines)
    assert "<@U1>" in every
    assert "<@U2>" in every
    assert view.privacy is None


def test_report_texts_in_both_languages() -> None:
    members = [Member("U1", BURRITO), Member("U2", LICENCE_PLATE)]
    report = team_report(members, expected=3, named=False, schema=SCHEMA)
    en = TeamTexts(CATALOG, "en", str, Refs()).report_view(a_round(), report, SCHEMA)
    fr = TeamTexts(CATALOG, "fr", str, Refs()).report_view(a_round(), report, SCHEMA)
    assert en.summary == "2 of 3 answered."
    assert fr.summary == "2 sur 3 ont répondu."
    assert en.sections[0][0] == "Network by network"
    assert fr.sections[0][0] == "Réseau par réseau"
    assert en.sections[0][1][0] == "Facebook: 1 engage · 0 test · 1 drop → team: Test"
    assert fr.sections[0][1][0] == "Facebook : 1 s’engager · 0 tester · 1 arrêter → équipe : Tester"
    assert en.chart is not None
    assert fr.chart is not None
    assert en.chart.verdicts["test"] == "Test"
    assert fr.chart.verdicts["test"] == "Tester"


def test_nobody_answered() -> None:
    report = team_report([], expected=3, named=False, schema=SCHEMA)
    view = TeamTexts(CATALOG, "en", str, Refs()).report_view(a_round(), report, SCHEMA)
    assert view.sections == ()
    assert view.chart is None
    assert "Nobody answered" in view.summary


def test_options_named_people_and_days() -> None:
    def mention(word: str) -> str | None:
        return word[2:-1] if word.startswith("<@") and word.endswith(">") else None

    words = ["named", "nominatif"]
    assert parse_options([], words, mention) == RoundOptions()
    assert parse_options(["named", "<@U1>", "<@U2>", "<@U1>", "3d"], words, mention) == (
        RoundOptions(True, ("U1", "U2"), 3)
    )
    assert parse_options(["nominatif", "10j"], words, mention) == RoundOptions(True, (), 10)
    assert parse_options(["31d"], words, mention) == OptionError("31d")
    assert parse_options(["@sam"], words, mention) == OptionError("@sam", "team.notice.no_people")
    assert parse_options(["maybe"], words, mention) == OptionError("maybe")
