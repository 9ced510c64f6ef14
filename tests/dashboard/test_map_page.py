"""The Map page: places with coordinates sized by mentions, routes by mode."""

from __future__ import annotations

import json
import math

from .conftest import no_exceptions, table_with
from .test_overview_page import ninety_days_to_newest

PAGE = "views/map.py"


def map_spec(app) -> dict:
    [chart] = [c for c in app.get("plotly_chart") if "map-figure" in c.proto.id]
    return json.loads(chart.proto.spec)


def open_map_on(batch, tmp_path, point_dashboard_at):
    """The Map page over a store in ``tmp_path`` holding only ``batch``."""
    from graph.embedded import EmbeddedGraphStore

    from .conftest import open_app

    with EmbeddedGraphStore(tmp_path / "graph.sqlite") as store:
        store.upsert(batch)
    point_dashboard_at(tmp_path)
    return open_app(PAGE)


def traces(app, name: str) -> list[dict]:
    return [t for t in map_spec(app)["data"] if t.get("name") == name]


def test_places_are_the_window_s_locations_with_coordinates_sized_by_mentions(
        sample_app, sample_store):
    app = sample_app(PAGE)
    assert no_exceptions(app)
    since, until = ninety_days_to_newest(sample_store)
    expected = [n for n in sample_store.top_entities("LOCATION", since, until, limit=300)
                if n.lat is not None]
    assert expected, "the sample graph should have geocoded places"
    [places] = traces(app, "places")
    assert places["lat"] == [n.lat for n in expected]
    assert places["lon"] == [n.lon for n in expected]
    sizes = places["marker"]["size"]
    biggest = max(range(len(expected)), key=lambda i: (expected[i].mentions, -i))
    assert sizes[biggest] == max(sizes)
    assert sizes[biggest] == min(6 + 3 * math.sqrt(expected[biggest].mentions), 40)


def test_routes_are_drawn_as_lines_coloured_by_mode_with_evidence_on_hover(
        sample_app, sample_store):
    app = sample_app(PAGE)
    since, until = ninety_days_to_newest(sample_store)
    routes = sample_store.edges(("ROUTE",), since, until)
    assert routes, "the sample graph should state routes in the default window"
    placed = {e for e in routes
              if all(sample_store.entity(k).lat is not None for k in (e.source, e.target))}
    line_traces = [t for t in map_spec(app)["data"] if t["name"].endswith(" route")]
    # Each route is one segment: two points and a break.
    assert sum(len(t["lat"]) for t in line_traces) == 3 * len(placed)
    colours = {t["name"]: t["line"]["color"] for t in line_traces}
    assert len(set(colours.values())) == len(colours)
    modes = {(e.mode if e.mode in ("sea", "land", "air") else "unknown") for e in placed}
    assert set(colours) == {f"{mode} route" for mode in modes}
    hover = [text for t in map_spec(app)["data"] if t["name"].endswith("route details")
             for text in t["hovertext"]]
    assert len(hover) == len(placed)
    assert all("“" in text for text in hover)


def test_routes_table_lists_every_route_of_the_window(sample_app, sample_store):
    app = sample_app(PAGE)
    since, until = ninety_days_to_newest(sample_store)
    routes = sample_store.edges(("ROUTE",), since, until)
    table = table_with(app, "origin", "destination", "mode")
    assert list(table["origin"]) == [e.source.split(":", 1)[1] for e in routes]
    assert list(table["statements"]) == [e.weight for e in routes]


def test_leaving_out_a_mode_removes_its_routes(sample_app, sample_store):
    app = sample_app(PAGE)
    drawn = {t["name"] for t in map_spec(app)["data"] if t["name"].endswith(" route")}
    assert drawn
    left_out = sorted(drawn)[0].removesuffix(" route")
    keep = [m for m in ("sea", "land", "air", "unknown") if m != left_out]
    app.multiselect(key="map-modes").set_value(keep).run()
    assert no_exceptions(app)
    now = {t["name"] for t in map_spec(app)["data"] if t["name"].endswith(" route")}
    assert now == drawn - {f"{left_out} route"}
    assert left_out not in set(table_with(app, "origin", "mode")["mode"])


def test_base_map_is_off_by_default_so_the_map_needs_no_network(sample_app):
    app = sample_app(PAGE)
    geo = map_spec(app)["layout"]["geo"]
    assert not any(geo.get(f"show{layer}") for layer in ("land", "countries", "coastlines",
                                                          "ocean", "lakes", "rivers"))
    app.toggle(key="map-base").set_value(True).run()
    assert map_spec(app)["layout"]["geo"]["showcountries"] is True


def test_an_empty_window_says_so_instead_of_drawing(sample_app):
    from datetime import date

    from dashboard.window import WINDOW_KEY

    app = sample_app(PAGE)
    app.session_state[WINDOW_KEY] = (date(1990, 1, 1), date(1990, 1, 2))
    app.run()
    assert no_exceptions(app)
    assert not [c for c in app.get("plotly_chart") if "map-figure" in c.proto.id]
    assert "No place with known coordinates" in app.info[0].value


HOSTILE_PLACE = "LOCATION:<b>Ko</b> [x](javascript:alert(1))"
HOSTILE_SENTENCE = "Moved <script>alert(3)</script> from *A* to [B](http://evil.example)."


def test_hostile_names_and_sentences_reach_the_map_escaped(tmp_path, point_dashboard_at):
    from graph.model import DocumentRow, EntityRow, EvidenceRow, GraphBatch, MentionRow

    mae_sot = "LOCATION:Mae Sot"
    app = open_map_on(GraphBatch(
        documents=(DocumentRow("h1", "<i>t</i>", "https://news.example/h1", "Wire",
                               "2026-10-01", True),),
        entities=(EntityRow(HOSTILE_PLACE, "LOCATION", HOSTILE_PLACE.split(":", 1)[1],
                            lat=16.5, lon=98.6),
                  EntityRow(mae_sot, "LOCATION", "Mae Sot", lat=16.71, lon=98.57)),
        mentions=(MentionRow("h1", HOSTILE_PLACE, 2, "2026-10-01"),
                  MentionRow("h1", mae_sot, 1, "2026-10-01")),
        evidence=(EvidenceRow("ROUTE", mae_sot, HOSTILE_PLACE, "land", (), "h1", 0,
                              HOSTILE_SENTENCE, "2026-10-01"),),
        high_water_mark=1,
    ), tmp_path, point_dashboard_at)
    assert no_exceptions(app)
    spec = json.dumps(map_spec(app)["data"])
    assert "<b>Ko</b>" not in spec and "<script>" not in spec
    assert "&lt;b&gt;Ko&lt;/b&gt;" in spec and "&lt;script&gt;" in spec
    assert list(table_with(app, "origin", "destination")["destination"]) == [
        HOSTILE_PLACE.split(":", 1)[1]]


def test_past_max_routes_the_strongest_are_read_and_the_caption_counts_the_rest(
        tmp_path, point_dashboard_at):
    from graph.model import DocumentRow, EntityRow, EvidenceRow, GraphBatch, MentionRow

    # Twelve routes into Mae Sot from towns 0..11, route i stated i + 1 times.
    towns = [f"LOCATION:Town {i:02d}" for i in range(12)]
    mae_sot = "LOCATION:Mae Sot"
    app = open_map_on(GraphBatch(
        documents=(DocumentRow("r1", "Routes", "https://news.example/r1", "Wire",
                               "2026-10-01", True),),
        entities=(EntityRow(mae_sot, "LOCATION", "Mae Sot", lat=16.71, lon=98.57),
                  *(EntityRow(k, "LOCATION", k.split(":", 1)[1], lat=10.0 + i, lon=100.0)
                    for i, k in enumerate(towns))),
        mentions=tuple(MentionRow("r1", k, 1, "2026-10-01") for k in (mae_sot, *towns)),
        evidence=tuple(EvidenceRow("ROUTE", town, mae_sot, "land", (), "r1", 100 * i + n,
                                   f"Moved from {town} to Mae Sot ({n}).", "2026-10-01")
                       for i, town in enumerate(towns) for n in range(i + 1)),
        high_water_mark=1,
    ), tmp_path, point_dashboard_at)
    assert no_exceptions(app)
    assert len(table_with(app, "origin", "destination")) == 12
    assert not any("routes stated" in c.value for c in app.caption)
    app.number_input(key="map-route-limit").set_value(10).run()
    assert no_exceptions(app)
    # The two stated least (Town 00 once, Town 01 twice) are left out.
    assert list(table_with(app, "origin", "destination")["origin"]) == [
        k.split(":", 1)[1] for k in towns[2:]]
    assert any("Of the 12 routes stated" in c.value and "only the 10 stated most often" in
               c.value for c in app.caption)
