"""The graph explorer: the neighbourhood network, and its way to the Links page's paths."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from dashboard.style import LABEL_COLOURS
from nlp.taxonomy import ENTITY_RELATION_TYPES

from .conftest import no_exceptions
from .test_overview_page import ninety_days_to_newest

PAGE = "views/explorer.py"
MYAWADDY = "LOCATION:Myawaddy"


def network_spec(app) -> dict:
    [chart] = [c for c in app.get("plotly_chart") if "explorer-network" in c.proto.id]
    return json.loads(chart.proto.spec)


def drawn_nodes(app) -> int:
    return sum(len(t["x"]) for t in network_spec(app)["data"] if t.get("legendgroup") == "labels")


def test_explorer_draws_the_neighbourhood_as_a_plotly_network(sample_app, sample_store):
    app = sample_app(PAGE, {"entity": MYAWADDY})
    assert no_exceptions(app)
    since, until = ninety_days_to_newest(sample_store)
    expected = sample_store.neighbourhood(MYAWADDY, depth=1, since=since, until=until, limit=150)
    figure = network_spec(app)
    node_traces = [t for t in figure["data"] if t.get("legendgroup") == "labels"]
    assert {t["name"] for t in node_traces} == {n.label for n in expected.nodes}
    assert all(t["marker"]["color"] == LABEL_COLOURS[t["name"]] for t in node_traces)
    assert sum(len(t["x"]) for t in node_traces) == len(expected.nodes)


def test_edge_hover_names_relation_weight_and_evidence(sample_app):
    app = sample_app(PAGE, {"entity": MYAWADDY})
    [edge_points] = [t for t in network_spec(app)["data"] if t["name"] == "edge details"]
    assert edge_points["hovertext"]
    assert all("weight" in text and "“" in text for text in edge_points["hovertext"])


def test_more_hops_reach_more_entities(sample_app):
    app = sample_app(PAGE, {"entity": MYAWADDY})
    one_hop = drawn_nodes(app)
    app.slider(key="explorer-depth").set_value(2).run()
    assert drawn_nodes(app) > one_hop


def test_label_filter_keeps_the_centre_and_the_labels_chosen(sample_app):
    app = sample_app(PAGE, {"entity": MYAWADDY})
    app.multiselect(key="explorer-labels").set_value(["LOCATION"]).run()
    names = {t["name"] for t in network_spec(app)["data"] if t.get("legendgroup") == "labels"}
    assert names == {"LOCATION"}


def two_hops_apart(store) -> tuple[str, str]:
    """Myawaddy and an entity two hops away from it (all dates)."""
    profile = store.entity_profile(MYAWADDY, neighbour_limit=500)
    direct = {node.key for node, _ in profile.neighbours}
    for middle in sorted(direct):
        for node, _ in store.entity_profile(middle, neighbour_limit=500).neighbours:
            if node.key != MYAWADDY and node.key not in direct:
                return MYAWADDY, node.key
    raise AssertionError("the sample graph should have an entity two hops from Myawaddy")


def test_explorer_sends_paths_to_the_links_page_starting_from_its_centre(sample_app):
    app = sample_app(PAGE, {"entity": MYAWADDY})
    assert no_exceptions(app)
    [link] = app.get("page_link")
    assert link.proto.page.endswith("links")
    assert parse_qs(link.proto.query_string) == {"from": [MYAWADDY]}


def test_explorer_has_no_path_finder_of_its_own(sample_app, sample_store):
    source, target = two_hops_apart(sample_store)
    app = sample_app(PAGE, {"entity": source, "from": source, "to": target})
    assert no_exceptions(app)
    assert not [s for s in app.success if "hop" in s.value]
    assert "path-max-hops" not in [s.key for s in app.slider]


def test_leaving_out_co_occurrence_shows_only_stated_relations(sample_app):
    app = sample_app(PAGE, {"entity": MYAWADDY})
    stated = [t for t in ENTITY_RELATION_TYPES if t != "CO_OCCURS"]
    app.multiselect(key="explorer-relations").set_value(stated).run()
    assert no_exceptions(app)
    drawn = {t["name"] for t in network_spec(app)["data"] if t.get("legendgroup") == "relations"}
    assert drawn and "CO_OCCURS" not in drawn
