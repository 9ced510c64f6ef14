"""Titles, sentences and links from sources reach the page as text, never markup.

The store is a real embedded graph written with a hand-made batch whose text
tries HTML, Markdown, Streamlit directives and a javascript: link.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from graph.embedded import EmbeddedGraphStore
from graph.model import DocumentRow, EntityRow, EvidenceRow, GraphBatch, MentionRow

from .conftest import no_exceptions, open_app, table_with

TITLE = "<img src=x onerror=alert(1)> **Raid** [in](javascript:alert(2)) :red[Myawaddy]"
SENTENCE = "Workers <script>alert(3)</script> were moved from *Mae Sot* to [Myawaddy](http://evil.example)."
PERSON = "PERSON:<b>Ko</b> $x$"
MYAWADDY = "LOCATION:Myawaddy"


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("hostile_home")
    store = EmbeddedGraphStore(home / "graph.sqlite")
    try:
        store.upsert(GraphBatch(
            documents=(
                DocumentRow("h1", TITLE, "javascript:alert(4)", "<i>Wire</i>", "2026-10-01", True),
                DocumentRow("h2", "Second report", "https://news.example/h2", "Wire",
                            "2026-10-02", True),
            ),
            entities=(EntityRow(MYAWADDY, "LOCATION", "Myawaddy"),
                      EntityRow(PERSON, "PERSON", "<b>Ko</b> $x$")),
            mentions=(MentionRow("h1", MYAWADDY, 2, "2026-10-01"),
                      MentionRow("h1", PERSON, 1, "2026-10-01"),
                      MentionRow("h2", MYAWADDY, 1, "2026-10-02"),
                      MentionRow("h2", PERSON, 1, "2026-10-02")),
            evidence=(
                EvidenceRow("CO_OCCURS", MYAWADDY, PERSON, "", (), "h1", 0, SENTENCE,
                            "2026-10-01"),
                EvidenceRow("CO_OCCURS", MYAWADDY, PERSON, "", (), "h2", 0, "Plain words.",
                            "2026-10-02"),
            ),
            high_water_mark=2,
        ))
    finally:
        store.close()
    return home


def rendered_html(markdown: str) -> str:
    return MarkdownIt("commonmark").render(markdown)


def test_hostile_title_is_a_plain_cell_and_its_bad_link_is_dropped(
    hostile_home, point_dashboard_at
):
    point_dashboard_at(hostile_home)
    app = open_app("views/documents.py")
    assert no_exceptions(app)
    rows = table_with(app, "title", "link")
    hostile = rows[rows["title"] == TITLE]
    assert len(hostile) == 1
    assert hostile["link"].isna().all()
    assert set(rows["link"].dropna()) == {"https://news.example/h2"}


def test_hostile_evidence_renders_as_the_same_characters(hostile_home, point_dashboard_at):
    point_dashboard_at(hostile_home)
    app = open_app("views/entities.py", {"entity": MYAWADDY})
    assert no_exceptions(app)
    quotes = [md.value for md in app.markdown if md.value.startswith("> ")]
    hostile = [q for q in quotes if "script" in q]
    assert len(hostile) == 1
    html = rendered_html(hostile[0])
    assert "<script" not in html and "<a " not in html and "<em>" not in html
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html
    captions = " ".join(c.value for c in app.caption)
    assert "<img" not in rendered_html(captions) and "<i>" not in rendered_html(captions)
    # Only the http(s) source gets a link button; the javascript: one gets none.
    assert [b.proto.url for b in app.get("link_button")] == ["https://news.example/h2"]


def test_hostile_entity_name_is_escaped_in_charts_and_headers(hostile_home, point_dashboard_at):
    point_dashboard_at(hostile_home)
    app = open_app("views/entities.py", {"entity": PERSON})
    assert no_exceptions(app)
    assert "<b>" not in rendered_html(app.header[0].value)
    app = open_app("views/explorer.py", {"entity": MYAWADDY})
    [chart] = app.get("plotly_chart")
    spec = json.dumps(json.loads(chart.proto.spec)["data"])
    assert "<b>Ko</b>" not in spec and "&lt;b&gt;Ko&lt;/b&gt;" in spec
