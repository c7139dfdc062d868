"""The team report as a chart: one stacked bar per network, the team's verdicts at a glance.

Texts come from the catalog first (:func:`chart_labels`), so drawing (:func:`draw_chart`) is
a pure function from a :class:`TeamReport` and its words to PNG bytes, the same on Slack and
Discord. matplotlib is imported only when a chart is drawn (it is heavy, and most processes
never draw one), and only through its object API with the Agg canvas: no pyplot, so no global
figure registry or backend switch, and charts can be drawn from several threads at once.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.catalog import Catalog, plain
from bot.team.report import VERDICTS, TeamReport

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COLOURS: Mapping[str, str] = {"engage": "#1b9e77", "test": "#e6ab02", "drop": "#d95f02"}
"""Verdict -> bar colour: green, amber, orange (ColorBrewer Dark2, told apart by the
colour-blind too). Nothing else uses them; keep them as they are so charts stay comparable."""
DPI = 100
WIDTH = 800
"""Pixels: wide enough to read in Slack and Discord, narrow enough not to be scaled down."""
BASE_HEIGHT = 160
"""Pixels for the title, the count axis and the legend, whatever the number of networks."""
BAR_HEIGHT = 60
"""Pixels per network, so that seven networks read as well as one."""


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """Every text a chart shows, in one language, read from the catalog beforehand."""

    title: str
    axis: str
    """The count axis' label (the colleagues who gave each verdict)."""
    networks: Mapping[str, str]
    """Platform id -> its localised name."""
    verdicts: Mapping[str, str]
    """``engage`` | ``test`` | ``drop`` -> its localised label."""
    lang: str
    """The language of these texts (for the caller's alt text or file name)."""


def chart_labels(report: TeamReport, catalog: Catalog, lang: str) -> ChartLabels:
    """The texts of ``report``'s chart in ``lang``, unescaped: they are drawn, not posted."""

    def text(key: str) -> str:
        return catalog.text(lang, key, plain)

    networks = {}
    for tally in report.networks:
        key = f"interview.question.platforms.choice.{tally.platform}"
        networks[tally.platform] = text(key) if catalog.has(lang, key) else tally.platform
    return ChartLabels(
        title=text("team.chart.title"),
        axis=text("team.chart.axis"),
        networks=networks,
        verdicts={v: text(f"verdict.label.{v}") for v in VERDICTS},
        lang=lang,
    )


def chart_size(networks: int) -> tuple[int, int]:
    """The chart's (width, height) in pixels for that many networks: the width never changes."""
    return WIDTH, BASE_HEIGHT + BAR_HEIGHT * networks


def draw_chart(report: TeamReport, labels: ChartLabels) -> bytes:
    """The chart of ``report`` as PNG bytes, its title and a text summary in the metadata.

    Raises :class:`ValueError` when nobody chose a network: there is nothing to draw, and the
    report's text already says so, so callers post the report without a chart.
    """
    if not report.networks:  # before matplotlib is imported: nothing to draw, nothing to load
        raise ValueError("a team report with no network has no chart")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = _figure(report, labels)
    FigureCanvasAgg(figure)  # attaches itself to the figure: Agg, without pyplot
    out = io.BytesIO()
    figure.savefig(
        out,
        format="png",
        dpi=DPI,
        metadata={"Title": labels.title, "Description": _description(report, labels)},
    )
    return out.getvalue()


def _figure(report: TeamReport, labels: ChartLabels) -> Figure:
    """The chart as a matplotlib figure (not drawn yet), so tests can read its texts."""
    if not report.networks:
        raise ValueError("a team report with no network has no chart")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    width, height = chart_size(len(report.networks))
    figure = Figure(
        figsize=(width / DPI, height / DPI), dpi=DPI, layout="constrained", facecolor="white"
    )
    axes = figure.add_subplot()
    rows = range(len(report.networks))
    left = [0] * len(report.networks)
    for verdict in VERDICTS:
        counts = [tally.count(verdict) for tally in report.networks]
        bars = axes.barh(
            rows,
            counts,
            left=left,
            height=0.6,
            color=COLOURS[verdict],
            edgecolor="white",
            linewidth=1,
            label=labels.verdicts[verdict],
        )
        # The count inside each part of a bar, so nobody has to read it off the axis.
        axes.bar_label(bars, labels=[str(c) if c else "" for c in counts], label_type="center")
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.set_yticks(rows, [labels.networks.get(t.platform, t.platform) for t in report.networks])
    axes.invert_yaxis()  # the schema's first network on top, as the report's text lists them
    axes.set_xlim(0, max(left))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(labels.axis)
    axes.grid(axis="x", color="#dddddd")
    axes.set_axisbelow(True)
    axes.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(labels.title, loc="left", fontweight="bold")
    figure.legend(loc="outside lower center", ncols=len(VERDICTS), frameon=False)
    return figure


def _description(report: TeamReport, labels: ChartLabels) -> str:
    """The chart's numbers as one line, for the PNG's metadata (what a screen reader can say)."""
    return "; ".join(
        labels.networks.get(t.platform, t.platform)
        + " — "
        + ", ".join(f"{labels.verdicts[v]} {t.count(v)}" for v in VERDICTS)
        for t in report.networks
    )


__all__ = ["COLOURS", "ChartLabels", "chart_labels", "chart_size", "draw_chart"]
