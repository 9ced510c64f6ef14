"""The Exports page: the graph in each format, through the same exporters as
``scamtrace export``, offered as one download that is audited with the user."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import networkx as nx
import pytest

from graph.export.csv import NODE_COLUMNS
from scamtrace.audit import EXPORT

from .conftest import (
    ANALYST_USER,
    audit_events_of,
    no_exceptions,
    open_signed_in,
    refused_for_role,
    run_page_as_viewer,
)

PAGE = "views/exports.py"


def test_viewer_is_refused_the_exports_page():
    app = run_page_as_viewer(PAGE)
    assert refused_for_role(app)
    assert len(app.get("download_button")) == 0


def test_graphml_download_is_the_whole_graph_and_parses(own_home, downloads, sample_store):
    app = open_signed_in(PAGE)
    assert no_exceptions(app)
    app.toggle(key="export-in-window").set_value(False).run()
    graph = nx.read_graphml(io.BytesIO(downloads(app, "export-download")))
    counts = sample_store.counts()
    assert graph.number_of_nodes() == sum(counts["entities"].values())
    assert graph.number_of_edges() == sum(counts["relations"].values())
    assert "LOCATION:Myawaddy" in graph


def test_date_window_narrows_the_export(own_home, downloads):
    app = open_signed_in(PAGE)
    app.radio(key="export-format").set_value("json").run()
    windowed = json.loads(downloads(app, "export-download"))
    app.toggle(key="export-in-window").set_value(False).run()
    everything = json.loads(downloads(app, "export-download"))
    assert 0 < len(windowed["elements"]["nodes"]) < len(everything["elements"]["nodes"])


def test_csv_download_is_a_zip_of_the_three_tables(own_home, downloads):
    app = open_signed_in(PAGE)
    app.radio(key="export-format").set_value("csv").run()
    [button] = app.get("download_button")
    assert button.proto.label.endswith(".csv.zip")
    with zipfile.ZipFile(io.BytesIO(downloads(app, "export-download"))) as archive:
        names = sorted(name.rsplit("/", 1)[-1] for name in archive.namelist())
        assert names == ["edges.csv", "evidence.csv", "nodes.csv"]
        nodes = archive.read(next(n for n in archive.namelist() if n.endswith("nodes.csv")))
    rows = list(csv.DictReader(io.StringIO(nodes.decode("utf-8-sig"))))
    assert rows and tuple(rows[0]) == NODE_COLUMNS


@pytest.mark.parametrize("format, parse", [
    ("gexf", lambda data: nx.read_gexf(io.BytesIO(data)).number_of_nodes()),
    ("ftm", lambda data: len([json.loads(line) for line in data.splitlines()])),
])
def test_other_formats_parse_with_their_readers(own_home, downloads, format, parse):
    app = open_signed_in(PAGE)
    app.radio(key="export-format").set_value(format).run()
    assert no_exceptions(app)
    assert parse(downloads(app, "export-download")) > 0


def test_download_is_audited_with_the_signed_in_user(own_home):
    app = open_signed_in(PAGE)
    before = len(audit_events_of(own_home))
    app.download_button(key="export-download").click().run()
    new = audit_events_of(own_home)[before:]
    assert [(e.event, e.user) for e in new] == [(EXPORT, ANALYST_USER)]
    assert new[0].detail.startswith("graphml") and ".graphml" in new[0].detail
