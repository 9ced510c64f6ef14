"""The trends page over the sample: counts over time, emerging items with the
documents behind them, themes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from graph.embedded import EmbeddedGraphStore
from graph.model import DocumentRow, EvidenceRow, GraphBatch, MentionRow
from graph.trends import trends_report

from .conftest import no_exceptions, open_app, table_with

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
    assert shown["Bursts"] == expected.burst_count
    assert shown["First seen"] == expected.first_seen_count
    assert shown["New relations"] == expected.new_relation_count
    assert shown["Route mode changes"] == expected.mode_change_count


def test_emerging_table_lists_golden_lotus_park_with_its_documents_and_links(sample_app):
    app = story_app(sample_app)
    table = table_with(app, "kind", "score", "rate ratio", "first seen", "documents")
    burst = table[(table["name"] == "Golden Lotus Park") & table["kind"].str.startswith("burst")]
    assert len(burst) == 1
    row = burst.iloc[0]
    assert row["p-value"] <= 0.05 and row["rate ratio"] > 1
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


def test_picking_an_item_lists_every_document_behind_it(sample_app, sample_store):
    app = story_app(sample_app)
    expected = trends_report(sample_store, None, SINCE, UNTIL)
    burst = next(b for b in expected.bursts if b.name == "Golden Lotus Park")
    app.selectbox(key="trends-item").select(f"burst:{burst.key}").run()
    assert no_exceptions(app)
    table = table_with(app, "date", "title", "evidence", "link")
    assert list(table["title"]) == [d.title for d in burst.documents]
    assert list(table["link"]) == [d.url for d in burst.documents]


# -- source text that tries to be markup ---------------------------------------
HOSTILE_TITLE = "<img src=x onerror=alert(1)> **Raid** :red[Ranong]"
HOSTILE_SENTENCE = "Boats <script>alert(2)</script> left [Ranong](javascript:alert(3))."
HOSTILE_NAME = "<b>Lotus</b> $x$ Crest"


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("hostile_trends_home")
    recruiter, signal = f"RECRUITER:{HOSTILE_NAME}", "PLATFORM:Signal"
    days = [f"2026-10-{d:02d}" for d in range(1, 29, 3)]
    store = EmbeddedGraphStore(home / "graph.sqlite")
    try:
        store.upsert(GraphBatch(
            documents=tuple(
                DocumentRow(f"h{i}", HOSTILE_TITLE, "javascript:alert(4)" if i == 0
                            else f"https://news.example/h{i}", "<i>Wire</i>", day, True)
                for i, day in enumerate(days)),
            mentions=tuple(MentionRow(f"h{i}", key, 1, day) for i, day in enumerate(days)
                           for key in (recruiter, signal) if i >= len(days) - 4 or
                           key == signal),
            evidence=tuple(EvidenceRow("RECRUITS_VIA", recruiter, signal, "", (), f"h{i}", 0,
                                       HOSTILE_SENTENCE, day)
                           for i, day in enumerate(days) if i >= len(days) - 4),
            high_water_mark=1,
        ))
    finally:
        store.close()
    return home


def test_hostile_titles_names_and_sentences_stay_text_on_the_trends_page(
        hostile_home, point_dashboard_at):
    point_dashboard_at(hostile_home)
    app = open_app(PAGE)
    assert no_exceptions(app)
    app.selectbox(key="trends-item").select(
        f"first:RECRUITER:{HOSTILE_NAME}").run()
    shown_markdown = " ".join(m.value for m in app.markdown)
    assert "<script>" not in shown_markdown and "<img" not in shown_markdown
    documents = table_with(app, "date", "title", "evidence", "link")
    assert set(documents["title"]) == {HOSTILE_TITLE}
    assert all(link is None or link.startswith("https://") for link in documents["link"])
    emerging = table_with(app, "kind", "score", "documents")
    assert HOSTILE_NAME in set(emerging["name"])
    for chart in app.get("plotly_chart"):
        assert "<b>Lotus</b>" not in chart.proto.spec
