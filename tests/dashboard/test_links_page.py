"""The Links page: a ranked neighbourhood and every shortest path between two."""

from __future__ import annotations

import json

from dashboard.network import entity_name
from dashboard.safe_text import escape_markdown, one_line
from graph.links import all_shortest_paths, keep_types, paths_between, rank_entities
from nlp.taxonomy import CO_OCCURS, ENTITY_RELATION_TYPES

from .conftest import no_exceptions, table_with
from .test_explorer_page import two_hops_apart
from .test_overview_page import ninety_days_to_newest

PAGE = "views/links.py"
MYAWADDY = "LOCATION:Myawaddy"


def test_ranking_table_is_the_neighbourhood_ranked_by_pagerank(sample_app, sample_store):
    app = sample_app(PAGE, {"entity": MYAWADDY})
    assert no_exceptions(app)
    since, until = ninety_days_to_newest(sample_store)
    subgraph = sample_store.neighbourhood(MYAWADDY, depth=2, since=since, until=until,
                                          limit=300)
    expected = rank_entities(keep_types(subgraph, {e.type for e in subgraph.edges}, MYAWADDY))
    table = table_with(app, "entity", "pagerank", "betweenness", "community")
    assert list(table["entity"]) == [r.name for r in expected]
    assert list(table["degree"]) == [r.degree for r in expected]
    assert list(table["pagerank"]) == sorted(table["pagerank"], reverse=True)
    assert table["pagerank"].sum() > 0.99


def test_network_is_drawn_beside_the_ranking(sample_app):
    app = sample_app(PAGE, {"entity": MYAWADDY})
    [chart] = [c for c in app.get("plotly_chart") if "links-network" in c.proto.id]
    spec = json.loads(chart.proto.spec)
    assert any(t.get("legendgroup") == "labels" for t in spec["data"])


def test_links_of_the_centre_are_listed_with_their_evidence(sample_app, sample_store):
    app = sample_app(PAGE, {"entity": MYAWADDY})
    assert any(s.value.startswith("Links of Myawaddy") for s in app.subheader)
    quotes = [md.value for md in app.markdown if md.value.startswith("> ")]
    profile = sample_store.entity_profile(MYAWADDY, *ninety_days_to_newest(sample_store),
                                          neighbour_limit=300, evidence_limit=3)
    strongest = profile.neighbours[0][1]
    assert f"> {escape_markdown(strongest.evidence[0].sentence)}" in quotes


def test_every_shortest_path_is_listed_with_the_evidence_of_each_hop(sample_app, sample_store):
    source, target = two_hops_apart(sample_store)
    paths = paths_between(sample_store, source, target)
    assert paths and all(p.hops == 2 for p in paths)
    app = sample_app(PAGE, {"from": source, "to": target})
    assert no_exceptions(app)
    assert f"{len(paths)}" in app.success[0].value and "2 hops" in app.success[0].value
    titles = [e.label for e in app.expander]
    assert len([t for t in titles if t[:1].isdigit()]) == len(paths)
    quotes = {md.value for md in app.markdown if md.value.startswith("> ")}
    for edge in paths[0].edges:
        assert f"> {escape_markdown(edge.evidence[0].sentence)}" in quotes


def test_no_path_short_enough_is_said(sample_app, sample_store):
    source, target = two_hops_apart(sample_store)
    app = sample_app(PAGE, {"from": source, "to": target})
    app.slider(key="links-max-hops").set_value(1).run()
    assert no_exceptions(app)
    assert "No path within 1 hops" in app.warning[0].value


def test_hostile_names_and_sentences_stay_text(tmp_path, point_dashboard_at):
    from markdown_it import MarkdownIt

    from graph.embedded import EmbeddedGraphStore
    from graph.model import DocumentRow, EntityRow, EvidenceRow, GraphBatch, MentionRow

    from .conftest import open_app

    person = "PERSON:<b>Ko</b> $x$"
    sentence = "Workers <script>alert(3)</script> met *Ko* in [Myawaddy](http://evil.example)."
    store = EmbeddedGraphStore(tmp_path / "graph.sqlite")
    try:
        store.upsert(GraphBatch(
            documents=(DocumentRow("h1", "t", "https://news.example/h1", "Wire", "2026-10-01",
                                   True),),
            entities=(EntityRow(person, "PERSON", "<b>Ko</b> $x$"),),
            mentions=(MentionRow("h1", MYAWADDY, 1, "2026-10-01"),
                      MentionRow("h1", person, 1, "2026-10-01")),
            evidence=(EvidenceRow("CO_OCCURS", MYAWADDY, person, "", (), "h1", 0, sentence,
                                  "2026-10-01"),),
            high_water_mark=1,
        ))
    finally:
        store.close()
    point_dashboard_at(tmp_path)
    app = open_app(PAGE, {"entity": person, "from": person, "to": MYAWADDY})
    assert no_exceptions(app)
    html = "".join(MarkdownIt("commonmark").render(md.value)
                   for md in [*app.markdown, *app.subheader])
    assert "<b>" not in html and "<script>" not in html
    assert 'href="http://evil.example"' not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;Ko&lt;/b&gt;" in html


def stated_paths_differ(store) -> tuple[str, str, tuple[str, ...]]:
    """Myawaddy, an entity it reaches through stated relations (all dates), and those
    relation types, chosen so that leaving out co-occurrence changes the paths."""
    stated = tuple(t for t in ENTITY_RELATION_TYPES if t != CO_OCCURS)
    every, only_stated = store.edges(), store.edges(stated)
    for target in sorted({k for e in only_stated for k in (e.source, e.target)}):
        paths = all_shortest_paths(only_stated, MYAWADDY, target)
        if paths and paths != all_shortest_paths(every, MYAWADDY, target):
            return MYAWADDY, target, stated
    raise AssertionError("the sample graph should have stated paths from Myawaddy that "
                         "co-occurrence shortens or adds to")


def test_paths_walk_only_the_relations_chosen(sample_app, sample_store):
    source, target, stated = stated_paths_differ(sample_store)
    expected = paths_between(sample_store, source, target, types=stated)
    app = sample_app(PAGE, {"from": source, "to": target})
    app.multiselect(key="links-path-relations").set_value(list(stated)).run()
    assert no_exceptions(app)
    assert app.success[0].value.startswith(f"{len(expected)} shortest path")
    assert f"of {expected[0].hops} hop" in app.success[0].value
    titles = [e.label for e in app.expander if e.label[:1].isdigit()]
    assert titles == [f"{n}. " + " → ".join(one_line(entity_name(k)) for k in p.nodes)
                      for n, p in enumerate(expected, start=1)]
    hops = [md.value for md in app.markdown if md.value.startswith("**1. ")]
    assert hops and not any(f"`{CO_OCCURS}`" in h for h in hops)
