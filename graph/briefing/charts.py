"""Draw a briefing's charts as PNG images (matplotlib, no display needed).

Drawn once per briefing and handed to every writer that embeds images.
"""

from __future__ import annotations

import io

from graph.briefing.model import Briefing, Chart

DPI = 150
WIDTH_IN, HEIGHT_IN = 7.0, 3.2


def render_chart(chart: Chart) -> bytes:
    """``chart`` as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")  # no display: draw to memory
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    axes = figure.add_subplot()
    if chart.kind == "barh":
        values = chart.series[0].values if chart.series else ()
        positions = range(len(chart.categories))
        axes.barh(list(positions), list(values), color="#3b6ea5")
        axes.set_yticks(list(positions), [_short(c) for c in chart.categories], fontsize=8)
        axes.invert_yaxis()  # the most named on top
        axes.set_xlabel(chart.y_label)
    else:
        ticks = list(range(len(chart.categories)))
        for series in chart.series:
            axes.plot(ticks, list(series.values), marker="o", markersize=3, linewidth=1.5,
                      label=_short(series.name))
        step = -(-len(ticks) // 8)  # at most eight tick labels
        labels = [_tick(c) for c in chart.categories]
        axes.set_xticks(ticks[::step], labels[::step], fontsize=8)
        axes.set_ylabel(chart.y_label)
        axes.set_ylim(bottom=0)
        axes.legend(fontsize=7, loc="upper left", frameon=False, ncol=2)
    axes.set_title(_short(chart.title, 80), fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def render_charts(briefing: Briefing) -> dict[str, bytes]:
    """Every chart of ``briefing`` as PNG bytes, by chart key."""
    return {chart.key: render_chart(chart) for chart in briefing.charts}


def _tick(category: str) -> str:
    """ "2026-W36" -> "W36 2026": weeks are read by number; the year once is enough."""
    year, _, week = category.partition("-W")
    return f"W{week}\n{year}" if week else category


def _short(text: str, limit: int = 40) -> str:
    # matplotlib reads $...$ as maths: source names must stay text.
    flat = " ".join(text.split()).replace("$", r"\$")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
