"""Every export format, read back by its reference reader: networkx for GraphML
and GEXF, the csv and json modules, and the followthemoney model for FtM."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from followthemoney import model
from graph_world import AGENT, CAMBODIA, D2, DKBA, FACEBOOK, MYANMAR

import graph.export.graph
from graph.embedded import EmbeddedGraphStore
from graph.export import FORMATS, collect_graph, export_graph
from graph.export.ftm import CRIME_TOPICS, SCHEMA_OF_LABEL
from ingest.errors import ConfigError, StoreError
from nlp.taxonomy import CRIME, CRIME_TYPES, INVOLVES, ROUTE


@pytest.fixture(scope="module")
def sample_graph(sample_home, tmp_path_factory):
    """The session's sample graph, copied: opening a store may write WAL files."""
    folder = tmp_path_factory.mktemp("export_graph")
    shutil.copy(sample_home / "graph.sqlite", folder / "graph.sqlite")
    store = EmbeddedGraphStore(folder / "graph.sqlite")
    yield store
    store.close()


@pytest.fixture(scope="module")
def sample_truth(sample_graph):
    """What the store says directly, to compare each export with."""
    counts = sample_graph.counts()
    edges = sample_graph.edges()
    return {"entities": sum(counts["entities"].values()), "edges": edges,
            "by_id": {f"{e.type}|{e.source}|{e.target}|{e.mode}": e for e in edges}}


def test_collected_graph_holds_every_entity_and_edge_of_the_store(sample_graph, sample_truth):
    graph = collect_graph(sample_graph)
    assert len(graph.nodes) == sample_truth["entities"]
    assert len({n.key for n in graph.nodes}) == len(graph.nodes)
    assert len(graph.edges) == len(sample_truth["edges"])
    assert all(len(e.evidence) == e.weight for e in graph.edges)


def test_graphml_reads_back_with_every_node_edge_and_its_evidence(sample_graph, sample_truth,
                                                                   tmp_path):
    path = tmp_path / "graph.graphml"
    report = export_graph(sample_graph, "graphml", path)
    G = nx.read_graphml(path)
    assert G.number_of_nodes() == sample_truth["entities"] == report.nodes
    assert G.number_of_edges() == len(sample_truth["edges"]) == report.edges
    assert G.nodes["LOCATION:Myawaddy"]["type"] == "LOCATION"
    assert G.nodes["LOCATION:Myawaddy"]["name"] == "Myawaddy"
    for source, target, data in G.edges(data=True):
        stored = sample_truth["by_id"][data["id"]]
        assert (source, target, data["type"]) == (stored.source, stored.target, stored.type)
        assert data["weight"] == stored.weight
        evidence = json.loads(data["evidence"])
        assert [e["sentence"] for e in evidence] == [e.sentence for e in stored.evidence]
        assert data["evidence_1_sentence"] == stored.evidence[0].sentence
        assert data["evidence_1_url"] == stored.evidence[0].url
        assert data["evidence_1_doc_id"] == stored.evidence[0].doc_id
        assert data["evidence_1_date"] == stored.evidence[0].date


def test_graphml_with_documents_links_each_document_to_the_entities_it_mentions(
        sample_graph, tmp_path):
    path = tmp_path / "graph.graphml"
    report = export_graph(sample_graph, "graphml", path, documents=True)
    G = nx.read_graphml(path)
    documents = [n for n, d in G.nodes(data=True) if d["type"] == "DOCUMENT"]
    assert len(documents) == report.documents == sample_graph.counts()["relevant_documents"]
    first = sample_graph.documents(relevant_only=True, limit=1)[0]
    mentioned = {v for _, v, d in G.out_edges(f"DOCUMENT:{first.id}", data=True)
                 if d["type"] == "MENTIONS"}
    assert mentioned == set(first.entities)


def test_gexf_reads_back_with_relations_directions_and_a_timeline(sample_graph, sample_truth,
                                                                   tmp_path):
    path = tmp_path / "graph.gexf"
    export_graph(sample_graph, "gexf", path)
    G = nx.read_gexf(path)
    assert G.number_of_nodes() == sample_truth["entities"]
    assert G.number_of_edges() == len(sample_truth["edges"])
    route = next(e for e in sample_truth["edges"] if e.type == ROUTE)
    node = G.nodes[route.source]
    stored = sample_graph.entity(route.source)
    assert node["label"] == stored.name
    assert (node["start"], node["end"]) == (stored.first_seen, stored.last_seen)
    assert node["viz"]["color"]["b"] > 0  # LOCATION is blue
    data = next(d for _, _, d in G.edges(data=True) if d["id"] == "|".join(
        (route.type, route.source, route.target, route.mode)))
    assert data["relation"] == ROUTE and data["mode"] == route.mode
    assert data["weight"] == route.weight
    assert (data["start"], data["end"]) == (route.first_seen, route.last_seen)
    assert json.loads(data["evidence"])[0]["sentence"] == route.evidence[0].sentence
    co_occurs = [d for _, _, d in G.edges(data=True) if d["relation"] == "CO_OCCURS"]
    assert co_occurs and all(d["directed"] is False for d in co_occurs)


@pytest.mark.parametrize(("name", "read"), [("graphml", nx.read_graphml),
                                             ("gexf", nx.read_gexf)])
def test_xml_formats_written_in_small_pieces_read_back_as_written_whole(
        sample_graph, tmp_path, monkeypatch, name, read):
    # Pieces of 3 put attributes first met in a later piece, parallel relations and a
    # document's mentions across piece boundaries.
    whole = tmp_path / f"whole.{name}"
    export_graph(sample_graph, name, whole, documents=True)
    monkeypatch.setattr(graph.export.graph, "PIECE", 3)
    pieces = tmp_path / f"pieces.{name}"
    export_graph(sample_graph, name, pieces, documents=True)
    A, B = read(whole), read(pieces)
    assert A.number_of_nodes() > 3 * 10 and A.number_of_edges() > 3 * 10
    assert dict(A.nodes(data=True)) == dict(B.nodes(data=True))
    assert (sorted((u, v, sorted(d.items())) for u, v, d in A.edges(data=True))
            == sorted((u, v, sorted(d.items())) for u, v, d in B.edges(data=True)))
    assert A.graph == B.graph
    assert set(tmp_path.iterdir()) == {whole, pieces}  # the parts written on the way are gone


def test_csv_tables_hold_nodes_edges_and_one_row_per_evidence(sample_graph, sample_truth,
                                                              tmp_path):
    folder = tmp_path / "tables"
    export_graph(sample_graph, "csv", folder)

    def rows(name: str) -> list[dict]:
        with (folder / name).open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))

    nodes, edges, evidence = rows("nodes.csv"), rows("edges.csv"), rows("evidence.csv")
    assert len(nodes) == sample_truth["entities"]
    assert {"id", "label", "name", "type", "first_seen", "last_seen"} <= set(nodes[0])
    assert len(edges) == len(sample_truth["edges"])
    assert {"id", "source", "target", "type", "weight", "first_seen", "last_seen",
            "evidence_1_sentence", "evidence"} <= set(edges[0])
    node_ids = {n["id"] for n in nodes}
    assert all(e["source"] in node_ids and e["target"] in node_ids for e in edges)
    assert len(evidence) == sum(e.weight for e in sample_truth["edges"])
    for row in edges:
        stored = sample_truth["by_id"][row["id"]]
        assert int(row["weight"]) == stored.weight
        assert row["evidence_1_sentence"] == stored.evidence[0].sentence
    cited = {(r["edge_id"], r["doc_id"], r["sentence"]) for r in evidence}
    assert all((edge_id, ev.doc_id, ev.sentence) in cited
               for edge_id, e in sample_truth["by_id"].items() for ev in e.evidence)


def test_csv_export_refuses_a_file_as_its_folder(sample_graph, tmp_path):
    target = tmp_path / "edges.csv"
    target.write_text("not a folder")
    with pytest.raises(StoreError, match="must be a folder"):
        export_graph(sample_graph, "csv", target)


def test_json_is_cytoscape_elements_with_evidence_lists(sample_graph, sample_truth, tmp_path):
    path = tmp_path / "graph.json"
    export_graph(sample_graph, "json", path)
    data = json.loads(path.read_text(encoding="utf-8"))
    nodes, edges = data["elements"]["nodes"], data["elements"]["edges"]
    assert len(nodes) == sample_truth["entities"]
    assert len(edges) == len(sample_truth["edges"])
    node_ids = {n["data"]["id"] for n in nodes}
    assert len(node_ids) == len(nodes)
    assert not node_ids & {e["data"]["id"] for e in edges}
    for edge in edges:
        item = edge["data"]
        stored = sample_truth["by_id"][item["id"]]
        assert item["source"] in node_ids and item["target"] in node_ids
        assert [(e["doc_id"], e["sentence"], e["url"]) for e in item["evidence"]] == [
            (e.doc_id, e.sentence, e.url) for e in stored.evidence]


def _ftm_entities(path: Path) -> list:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [model.get_proxy(json.loads(line)) for line in lines]


def test_ftm_stream_is_valid_followthemoney_with_resolvable_references(
        sample_graph, sample_truth, tmp_path):
    path = tmp_path / "graph.ftm.json"
    export_graph(sample_graph, "ftm", path)
    proxies = _ftm_entities(path)
    ids = [p.id for p in proxies]
    assert len(ids) == len(set(ids)) and all(ids)
    known = set(ids)
    for proxy in proxies:
        assert not proxy.schema.abstract
        for required in proxy.schema.required:
            assert proxy.get(required), (proxy.schema.name, required)
        for prop, value in proxy.itervalues():
            if prop.type.name == "entity":
                assert value in known, (proxy.schema.name, prop.name)
                target = next(p for p in proxies if p.id == value)
                assert target.schema.is_a(prop.range), (proxy.schema.name, prop.name)

    by_schema: dict[str, list] = {}
    for proxy in proxies:
        by_schema.setdefault(proxy.schema.name, []).append(proxy)
    counts = sample_graph.counts()["entities"]
    assert len(by_schema["Address"]) == counts["LOCATION"]
    assert len(by_schema["Person"]) == counts["PERSON"]
    assert len(by_schema["Organization"]) == counts["ORG"] + counts["RECRUITER"] + counts[
        "PLATFORM"]
    involves = [e for e in sample_truth["edges"] if e.type == INVOLVES]
    assert len(by_schema["Note"]) == len(involves)
    crime_free = [e for e in sample_truth["edges"]
                  if CRIME not in (e.source.split(":")[0], e.target.split(":")[0])]
    assert len(by_schema["UnknownLink"]) == len(crime_free)
    assert len(by_schema["Article"]) == sample_graph.counts()["relevant_documents"]
    assert by_schema["Mention"]


def test_ftm_links_carry_the_evidence_and_cite_the_articles(sample_graph, sample_truth,
                                                            tmp_path):
    path = tmp_path / "graph.ftm.json"
    export_graph(sample_graph, "ftm", path)
    proxies = {p.id: p for p in _ftm_entities(path)}
    route = next(e for e in sample_truth["edges"] if e.type == ROUTE)
    link = next(p for p in proxies.values() if p.schema.name == "UnknownLink"
                and p.first("recordId") == f"{route.type}|{route.source}|{route.target}|"
                f"{route.mode}")
    assert proxies[link.first("subject")].first("name") == route.source.split(":", 1)[1]
    assert proxies[link.first("object")].first("name") == route.target.split(":", 1)[1]
    assert route.mode in link.first("role")
    assert all(e.sentence in link.first("description") for e in route.evidence)
    cited = {proxies[i].first("title") for i in link.get("proof")}
    assert cited == {e.title for e in route.evidence}
    assert link.first("startDate") == route.first_seen
    assert link.first("endDate") == route.last_seen


def test_ftm_gives_crimes_as_topics_of_the_entities_involved(sample_graph, sample_truth,
                                                             tmp_path):
    path = tmp_path / "graph.ftm.json"
    export_graph(sample_graph, "ftm", path)
    proxies = _ftm_entities(path)
    edge = next(e for e in sample_truth["edges"] if e.type == INVOLVES
                and e.source.split(":")[0] in SCHEMA_OF_LABEL)
    crime = edge.target.split(":", 1)[1]
    holder = next(p for p in proxies if p.schema.name != "Mention"
                  and p.first("name") == edge.source.split(":", 1)[1]
                  and p.schema.name == SCHEMA_OF_LABEL[edge.source.split(":")[0]])
    assert crime in holder.get("keywords")
    assert set(CRIME_TOPICS[crime]) <= set(holder.get("topics"))
    assert set(CRIME_TOPICS) == set(CRIME_TYPES)


def test_ftm_ids_are_the_same_on_every_export(sample_graph, tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    export_graph(sample_graph, "ftm", first)
    export_graph(sample_graph, "ftm", second)
    assert first.read_bytes() == second.read_bytes()


def test_window_keeps_only_evidence_and_mentions_dated_in_it(world, tmp_path):
    path = tmp_path / "window.json"
    export_graph(world, "json", path, since="2024-02-01", until="2024-02-28")
    elements = json.loads(path.read_text())["elements"]
    nodes = {n["data"]["id"]: n["data"] for n in elements["nodes"]}
    assert set(nodes) == {MYANMAR, CAMBODIA, FACEBOOK, AGENT}  # all mentioned in d2 only
    assert nodes[MYANMAR]["mentions"] == 1
    pair = next(e["data"] for e in elements["edges"]
                if {e["data"]["source"], e["data"]["target"]} == {CAMBODIA, MYANMAR})
    assert pair["weight"] == 1
    assert [e["doc_id"] for e in pair["evidence"]] == [D2]


def test_label_filter_keeps_those_entities_and_the_edges_between_them(world, tmp_path):
    path = tmp_path / "labels.graphml"
    export_graph(world, "graphml", path, labels=["RECRUITER", "PLATFORM"])
    G = nx.read_graphml(path)
    assert set(G.nodes) == {DKBA, AGENT, FACEBOOK}
    assert [(u, v, d["type"]) for u, v, d in G.edges(data=True)] == [
        (AGENT, FACEBOOK, "RECRUITS_VIA")]


def test_unknown_format_and_label_are_refused_by_name(world, tmp_path):
    with pytest.raises(ConfigError, match="'pdf'"):
        export_graph(world, "pdf", tmp_path / "x.pdf")
    with pytest.raises(ConfigError, match="BOAT"):
        export_graph(world, "json", tmp_path / "x.json", labels=["BOAT"])


def test_export_command_writes_each_format_from_the_data_directory(sample_home, tmp_path,
                                                                   scamtrace_env):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(sample_home / "graph.sqlite", home / "graph.sqlite")
    for name in FORMATS:
        output = tmp_path / f"out-{name}"
        result = subprocess.run(
            [sys.executable, "-m", "scamtrace.cli", "--home", str(home), "export",
             "--format", name, "--output", str(output), "--since", "2026-01-01",
             "--label", "LOCATION", "--label", "RECRUITER"],
            capture_output=True, text=True, env=scamtrace_env(), timeout=120)
        assert result.returncode == 0, result.stderr
        assert output.exists() and (output.is_dir() or output.stat().st_size > 0)
        assert "entities" in result.stderr
    G = nx.read_graphml(tmp_path / "out-graphml")
    assert {d["type"] for _, d in G.nodes(data=True)} == {"LOCATION", "RECRUITER"}


def test_xml_formats_drop_characters_xml_cannot_hold(tmp_path):
    from graph.model import DocumentRow, EntityRow, EvidenceRow, GraphBatch, MentionRow

    sentence = "Workers were moved\x0b from Mae Sot\x1f to Myawaddy\x00 by night."
    a, b = "LOCATION:Mae Sot\x08", "LOCATION:Myawaddy"
    store = EmbeddedGraphStore(tmp_path / "graph.sqlite")
    store.upsert(GraphBatch(
        documents=(DocumentRow(id="d\x0c1", title="Night \x1bcrossing", url="https://x.example/1",
                               source="Wire", published="2026-01-02", relevant=True),),
        entities=(EntityRow(key=a, label="LOCATION", name="Mae Sot\x08"),
                  EntityRow(key=b, label="LOCATION", name="Myawaddy")),
        mentions=(MentionRow("d\x0c1", a, 1, "2026-01-02"),
                  MentionRow("d\x0c1", b, 1, "2026-01-02")),
        evidence=(EvidenceRow("CO_OCCURS", a, b, "", (), "d\x0c1", 0, sentence, "2026-01-02"),),
    ))
    for name, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        path = tmp_path / f"graph.{name}"
        export_graph(store, name, path, documents=True)
        G = read(path)
        assert G.number_of_nodes() == 3 and G.number_of_edges() == 3
        (data,) = [d for _, _, d in G.edges(data=True) if "evidence" in d]
        cleaned = "Workers were moved from Mae Sot to Myawaddy by night."
        assert data["evidence_1_sentence"] == cleaned
        # JSON escapes them, so the evidence string keeps the sentence as stored.
        assert json.loads(data["evidence"])[0]["sentence"] == store.edges()[0].evidence[0].sentence
    store.close()
