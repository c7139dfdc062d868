"""The team report's chart: a PNG of the right size, in colour, in the reader's language."""

from __future__ import annotations

import io
import itertools
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import cast

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from bot.catalog import load_catalog
from bot.schema import load_schema
from bot.team.chart import (
    COLOURS,
    WIDTH,
    ChartLabels,
    _figure,
    chart_labels,
    chart_size,
    draw_chart,
)
from bot.team.report import VERDICTS, Member, TeamReport, team_report
from tests.cases import BURRITO

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "docs" / "team-report-sample.png"
PNG = b"\x89PNG\r\n\x1a\n"
CATALOG = load_catalog()
SCHEMA = load_schema()
ALL = ("facebook", "instagram", "linkedin", "x", "tiktok", "youtube", "pinterest")
# The burrito shop's answers give these verdicts for whatever its customers' presence is.
PRESENCE = {"engage": "engaged", "test": "unknown", "drop": "absent"}


def member(user: str, **calls: str) -> Member:
    """Someone whose verdict on each network of ``calls`` is the one given (platform=verdict)."""
    presence = {f"presence.{p}": PRESENCE[v] for p, v in calls.items()}
    return Member(user, {**BURRITO, "platforms": tuple(calls), **presence})


def report_of(*members: Member) -> TeamReport:
    return team_report(members, expected=len(members), named=False, schema=SCHEMA)


MIXED = report_of(
    member("ana", facebook="engage", instagram="engage", linkedin="test"),
    member("ben", facebook="engage", instagram="test", tiktok="drop"),
    member("cho", facebook="test", linkedin="drop", tiktok="drop"),
)
SEVEN = report_of(
    member("ana", **dict.fromkeys(ALL, "engage")),
    member("ben", **dict.fromkeys(ALL, "test")),
    member("cho", **dict.fromkeys(ALL[:3], "drop")),
)


def labels(report: TeamReport = MIXED, lang: str = "en") -> ChartLabels:
    return chart_labels(report, CATALOG, lang)


def image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png))


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def colours(png: bytes) -> Counter[tuple[int, int, int]]:
    """How many pixels have each colour."""
    found = image(png).convert("RGB").getcolors(maxcolors=WIDTH * 2000) or []
    return Counter({cast("tuple[int, int, int]", c): n for n, c in found})


def texts(items: list[Text]) -> list[str]:
    return [t.get_text() for t in items]


def drawn(report: TeamReport, chart: ChartLabels) -> Figure:
    """The chart's figure laid out as it is drawn, so its texts have their final places."""
    figure = _figure(report, chart)
    FigureCanvasAgg(figure)
    figure.draw_without_rendering()
    return figure


def test_the_report_has_every_verdict_on_three_networks() -> None:
    assert [(t.platform, t.engage, t.test, t.drop) for t in MIXED.networks] == [
        ("facebook", 2, 1, 0),
        ("instagram", 1, 1, 0),
        ("linkedin", 0, 1, 1),
        ("tiktok", 0, 0, 2),
    ]


def test_the_chart_is_a_png_of_the_fixed_size() -> None:
    png = draw_chart(MIXED, labels())
    assert png.startswith(PNG)
    assert image(png).format == "PNG"
    assert image(png).size == chart_size(4) == (WIDTH, 400)


def test_the_chart_is_not_blank_and_shows_the_three_verdict_colours() -> None:
    found = colours(draw_chart(MIXED, labels()))
    assert len(found) > 10  # text, grid and bars, antialiased
    assert all(found[rgb(c)] > 1000 for c in COLOURS.values())  # bars, not just the legend
    assert found[(255, 255, 255)] > 0  # a white background, legible in dark themes too


def test_a_verdict_nobody_gave_has_no_bar_but_keeps_its_legend_key() -> None:
    report = report_of(member("ana", facebook="engage"), member("ben", facebook="drop"))
    found = colours(draw_chart(report, labels(report)))
    swatch = found[rgb(COLOURS["test"])]  # the legend's key only: every chart has the same
    assert 0 < swatch < 1000
    assert found[rgb(COLOURS["engage"])] > 20 * swatch  # half of a 700-pixel-wide bar
    assert found[rgb(COLOURS["drop"])] > 20 * swatch


@pytest.mark.parametrize(
    ("lang", "title", "names", "verdicts", "axis"),
    [
        (
            "en",
            "Team verdicts per network",
            ["Facebook", "Instagram", "LinkedIn", "TikTok"],
            ["Engage", "Test", "Drop"],
            "Colleagues",
        ),
        (
            "fr",
            "Verdicts de l’équipe par réseau",
            ["Facebook", "Instagram", "LinkedIn", "TikTok"],
            ["S’engager", "Tester", "Arrêter"],
            "Collègues",
        ),
    ],
)
def test_the_texts_are_in_the_readers_language(
    lang: str, title: str, names: list[str], verdicts: list[str], axis: str
) -> None:
    chart = labels(lang=lang)
    assert chart.lang == lang
    assert list(chart.verdicts.values()) == verdicts
    figure = _figure(MIXED, chart)
    (axes,) = figure.axes
    assert axes.get_title(loc="left") == title == CATALOG.text(lang, "team.chart.title")
    assert axes.get_xlabel() == axis == CATALOG.text(lang, "team.chart.axis")
    assert texts(axes.get_yticklabels()) == names
    (legend,) = figure.legends
    assert texts(legend.get_texts()) == verdicts
    assert [CATALOG.text(lang, f"verdict.label.{v}") for v in VERDICTS] == verdicts


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_png_metadata_carries_the_localised_title_and_numbers(lang: str) -> None:
    chart = labels(lang=lang)
    info = image(draw_chart(MIXED, chart)).info
    assert info["Title"] == chart.title == CATALOG.text(lang, "team.chart.title")
    test = chart.verdicts["test"]
    assert info["Description"].startswith(f"Facebook — {chart.verdicts['engage']} 2, {test} 1")
    assert all(name in info["Description"] for name in chart.networks.values())


def test_french_and_english_differ_where_the_words_do() -> None:
    en, fr = labels(lang="en"), labels(lang="fr")
    assert (en.verdicts["test"], fr.verdicts["test"]) == ("Test", "Tester")
    assert en.title != fr.title
    assert image(draw_chart(MIXED, en)).info["Title"] != image(draw_chart(MIXED, fr)).info["Title"]


def test_the_bars_stack_engage_then_test_then_drop() -> None:
    (axes,) = _figure(MIXED, labels()).axes
    stacks = [c for c in axes.containers if isinstance(c, BarContainer)]
    assert [c.get_label() for c in stacks] == [labels().verdicts[v] for v in VERDICTS]
    for row, tally in enumerate(MIXED.networks):
        parts = [stack.patches[row] for stack in stacks]
        assert [p.get_width() for p in parts] == [tally.count(v) for v in VERDICTS]
        assert [p.get_x() for p in parts] == [0, tally.engage, tally.engage + tally.test]


def test_the_count_axis_has_integer_ticks_only() -> None:
    report = report_of(member("ana", facebook="engage"))  # a total of 1: no 0.2, 0.4...
    for case in (report, MIXED, SEVEN):
        figure = drawn(case, labels(case))
        (axes,) = figure.axes
        ticks = [t for t in axes.get_xticks() if 0 <= t <= axes.get_xlim()[1]]
        assert ticks == [float(n) for n in range(int(max(t.total for t in case.networks)) + 1)]


def test_seven_networks_grow_the_chart_and_stay_readable() -> None:
    chart = labels(SEVEN)
    png = draw_chart(SEVEN, chart)
    assert image(png).size == chart_size(7) == (WIDTH, 580)
    assert chart_size(7)[1] > chart_size(4)[1]
    figure = drawn(SEVEN, chart)
    (axes,) = figure.axes
    ticks = axes.get_yticklabels()
    names = ["Facebook", "Instagram", "LinkedIn", "X (Twitter)", "TikTok", "YouTube", "Pinterest"]
    assert texts(ticks) == names
    boxes = [t.get_window_extent() for t in ticks]
    assert all(a.y0 > b.y1 for a, b in itertools.pairwise(boxes))  # no overlap
    whole = figure.bbox
    legend = figure.legends[0].get_window_extent()
    (title,) = [
        t for t in axes.get_children() if isinstance(t, Text) and t.get_text() == chart.title
    ]
    for box in [*boxes, legend, title.get_window_extent()]:
        assert whole.x0 <= box.x0
        assert box.x1 <= whole.x1
        assert whole.y0 <= box.y0
        assert box.y1 <= whole.y1
    assert legend.y1 < axes.xaxis.label.get_window_extent().y0  # the legend under it


def test_the_chart_is_the_same_every_time() -> None:
    assert draw_chart(MIXED, labels()) == draw_chart(MIXED, labels())


def test_a_report_with_no_network_has_no_chart() -> None:
    report = report_of(Member("ana", {**BURRITO, "platforms": ()}))
    assert report.networks == ()
    chart = labels(report)
    assert chart.networks == {}
    with pytest.raises(ValueError, match="no network"):
        draw_chart(report, chart)


def test_an_unknown_network_is_named_by_its_id() -> None:
    facebook = MIXED.networks[0]
    report = replace(MIXED, networks=(facebook, replace(facebook, platform="mastodon")))
    assert labels(report).networks == {"facebook": "Facebook", "mastodon": "mastodon"}
    assert image(draw_chart(report, labels(report))).size == chart_size(2)


def test_importing_the_chart_does_not_import_matplotlib() -> None:
    code = "import bot.team.chart, sys; print('matplotlib' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr, done.stdout.strip()) == (0, "", "False")


def test_the_sample_in_the_docs_is_a_chart_png() -> None:
    png = SAMPLE.read_bytes()
    assert png.startswith(PNG)
    width, height = image(png).size
    assert width == WIDTH
    assert height in {chart_size(n)[1] for n in (3, 4)}
    assert image(png).info["Title"] == CATALOG.text("en", "team.chart.title")
