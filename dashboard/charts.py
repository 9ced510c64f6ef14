"""Plotly charts for the overview and entity profiles (pure functions)."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.safe_text import plotly_text, shorten
from dashboard.style import LABEL_COLOURS, label_colour
from graph.model import EntityNode


def top_entities_figure(entities: list[EntityNode], height: int | None = None) -> go.Figure:
    """Horizontal bars of mentions, one colour (and legend entry) per label,
    most mentioned at the top."""
    figure = go.Figure()
    ranked = sorted(entities, key=lambda n: (-n.mentions, n.key))
    order = [f"{shorten(n.name, 40)} ({n.label})" for n in ranked]
    labels = [lb for lb in LABEL_COLOURS if any(n.label == lb for n in ranked)]
    labels += sorted({n.label for n in ranked} - set(labels))
    for label in labels:
        members = [(name, n) for name, n in zip(order, ranked, strict=True) if n.label == label]
        figure.add_trace(go.Bar(
            x=[n.mentions for _, n in members],
            y=[plotly_text(name) for name, _ in members],
            orientation="h", name=label, marker_color=label_colour(label),
            hovertext=[
                f"{plotly_text(n.name)}<br>{n.mentions} mentions in {n.documents} documents"
                for _, n in members
            ],
            hoverinfo="text",
        ))
    figure.update_layout(
        height=height or max(260, 28 * len(ranked) + 80),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"categoryorder": "array", "categoryarray": [plotly_text(o) for o in order][::-1]},
        xaxis={"title": "mentions"}, legend={"title": "label"}, barmode="overlay",
    )
    return figure


def mentions_figure(mentions_by_month: tuple[tuple[str, int], ...], label: str) -> go.Figure:
    """Mentions per month as bars in the entity's label colour."""
    months = [month for month, _ in mentions_by_month]
    counts = [count for _, count in mentions_by_month]
    figure = go.Figure(go.Bar(
        x=months, y=counts, marker_color=label_colour(label), name="mentions",
        hovertemplate="%{x}: %{y} mentions<extra></extra>",
    ))
    figure.update_layout(
        height=280, margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"title": "month", "type": "category"}, yaxis={"title": "mentions"},
    )
    return figure
