"""The trends page over the sample: counts over time, emerging items with the
documents behind them, themes."""

from __future__ import annotations

import json
from datetime import date

from graph.trends import trends_report

from .conftest import no_exceptions, table_with

PAGE = "views/trends.py"
# The sidebar allows no date past today (the sample ends on 2026-11-20).
STORY_WINDOW = (date(2026, 9, 1), date(2026, 11, 20))
SINCE, UNTIL = (d.isoformat() for d in STORY_WINDOW)


def story_app(sample_app):
    app = sample_app(PAGE)
    app.date_input(key="date_window").set_value(STORY_WINDOW).run()
    return app


def test_trends_page_runs_over_the_default_window(sample_app):
    app = sample_app(PAGE)
    assert no_exceptions(app)
    assert [m.label for m in app.metric][:2] == ["Relevant documents", "Bursts"]


def test_trends_page_counts_match_the_report(sample_app, sample_store):
    app = story_app(sample_app)
    assert no_exceptions(app)
    expected = trends_report(sample_store, None, SINCE, UNTIL)
    shown = {m.label: int(m.value) for m in app.metric}
    assert shown["Relevant documents"] == expected.relevant_documents
    assert shown["Bursts"] == len(expected.bursts)
    assert shown["First seen"] == len(expected.first_seen)
    assert shown["New relations"] == len(expected.new_relations)


def test_emerging_table_lists_golden_lotus_park_with_its_documents_and_links(sample_app):
    app = story_app(sample_app)
    table = table_with(app, "kind", "score", "rate ratio", "first seen", "documents")
    burst = table[(table["name"] == "Golden Lotus Park") & table["kind"].str.startswith("burst")]
    assert len(burst) == 1
    row = burst.iloc[0]
    assert row["p-value"] <= 0.01 and row["rate ratio"] > 1
    assert len(row["documents"]) == row["recent"]
    assert row["link"].startswith(("https://example.org/", "https://news.example/"))
    assert "Signal" in set(table[table["kind"] == "first seen"]["name"])


def test_label_chart_has_one_line_per_label_over_the_months(sample_app, sample_store):
    app = story_app(sample_app)
    expected = trends_report(sample_store, None, SINCE, UNTIL)
    charts = {c.proto.id: json.loads(c.proto.spec) for c in app.get("plotly_chart")}
    by_label = next(spec for spec in charts.values()
                    if {t["name"] for t in spec["data"]} == {s.key for s in
                                                             expected.counts.by_label})
    for trace in by_label["data"]:
        assert trace["x"] == ["2026-09", "2026-10", "2026-11"]


def test_themes_table_shows_terms_and_representative_documents(sample_app):
    app = story_app(sample_app)
    table = table_with(app, "theme", "terms", "representative")
    assert len(table) >= 2
    assert any("lotus" in terms for terms in table["terms"])
    assert all(len(docs) >= 1 for docs in table["representative"])
