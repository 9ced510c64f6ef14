"""Map: places sized by their mentions in the window, and the routes between
them coloured by mode, each with the sentences that state it.

The map is a plotly ``scattergeo``. Plotly fetches coastlines and borders
from cdn.plot.ly in the browser, so they are drawn only when asked for (the
toggle): without them the map needs no network at all and still shows every
place by name on a latitude/longitude grid.
"""

from __future__ import annotations

import math
from collections import defaultdict

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.components import show_evidence
from dashboard.network import entity_name
from dashboard.queries import DashboardData, dashboard_data_or_stop
from dashboard.safe_text import escape_markdown, one_line, plotly_text, shorten
from dashboard.style import label_colour
from dashboard.window import current_window, describe_window
from graph.model import Edge, EntityNode, GraphStore
from nlp.taxonomy import LOCATION, ROUTE

UNKNOWN_MODE = "unknown"
MODE_COLOURS = {  # Okabe-Ito, as the rest of the dashboard
    "sea": "#0072B2",
    "land": "#D55E00",
    "air": "#009E73",
    UNKNOWN_MODE: "#7F7F7F",
}
PLACE_COLOUR = label_colour(LOCATION)
MAX_PLACE_SIZE = 40
# Statements read per route: a busy route of a year's news has hundreds, and reading them
# all for every route made the map's query the slowest of the page.
ROUTE_EVIDENCE = 20
# Routes read at first: a 90-day window of 100,000 documents states ~16,000, more than
# anyone reads on one map or table, and reading them all cost the page ~0.7 s.
MAP_ROUTES = 500
Point = tuple[float, float]  # (lat, lon)


@st.cache_data(show_spinner=False, max_entries=64)
def _routes(_store: GraphStore, identity: str, version: int, since: str | None,
            until: str | None, limit: int) -> list[Edge]:
    return _store.edges((ROUTE,), since=since, until=until, evidence_limit=ROUTE_EVIDENCE,
                        limit=limit)


@st.cache_data(show_spinner=False, max_entries=64)
def _route_count(_store: GraphStore, identity: str, version: int, since: str | None,
                 until: str | None) -> int:
    return _store.edge_count((ROUTE,), since=since, until=until)


def route_mode(edge: Edge) -> str:
    return edge.mode if edge.mode in MODE_COLOURS else UNKNOWN_MODE


def place_size(mentions: int) -> float:
    return min(6 + 3 * math.sqrt(max(mentions, 0)), MAX_PLACE_SIZE)


def placed(node: EntityNode | None) -> Point | None:
    if node is None or node.lat is None or node.lon is None:
        return None
    return (node.lat, node.lon)


def route_hover(edge: Edge) -> str:
    lines = [
        f"<b>{plotly_text(entity_name(edge.source))} → {plotly_text(entity_name(edge.target))}"
        "</b>",
        f"{plotly_text(route_mode(edge))} · {edge.weight} statement"
        f"{'s' if edge.weight != 1 else ''} · {edge.first_seen or '?'} to {edge.last_seen or '?'}",
    ]
    if edge.via:
        lines.append("via " + plotly_text(", ".join(edge.via)))
    if edge.evidence:
        first = edge.evidence[0]
        lines.append("“" + plotly_text(shorten(first.sentence, 300), width=70) + "”")
        origin = " · ".join(p for p in (first.title, first.source, first.date) if p)
        if origin:
            lines.append("— " + plotly_text(shorten(origin, 120), width=70))
    return "<br>".join(lines)


def map_figure(places: list[EntityNode], routes: list[Edge], points: dict[str, Point],
               base_map: bool, height: int = 640) -> go.Figure:
    """Places as circles sized by mentions; each route a line from origin to
    destination in its mode's colour, a marker near the destination showing the
    direction and carrying the hover text."""
    figure = go.Figure()
    segments: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    heads: dict[str, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
    for edge in routes:
        mode = route_mode(edge)
        (lat0, lon0), (lat1, lon1) = points[edge.source], points[edge.target]
        lats, lons = segments[mode]
        lats.extend((lat0, lat1, None))
        lons.extend((lon0, lon1, None))
        head_lats, head_lons, texts = heads[mode]
        # Three quarters of the way: the marker shows which end is the destination.
        head_lats.append(lat0 + 0.75 * (lat1 - lat0))
        head_lons.append(lon0 + 0.75 * (lon1 - lon0))
        texts.append(route_hover(edge))
    for mode in MODE_COLOURS:
        if mode not in segments:
            continue
        lats, lons = segments[mode]
        figure.add_trace(go.Scattergeo(
            lat=lats, lon=lons, mode="lines", name=f"{mode} route", legendgroup=mode,
            line={"color": MODE_COLOURS[mode], "width": 2}, hoverinfo="skip",
        ))
        head_lats, head_lons, texts = heads[mode]
        figure.add_trace(go.Scattergeo(
            lat=head_lats, lon=head_lons, mode="markers", name=f"{mode} route details",
            legendgroup=mode, showlegend=False, hovertext=texts, hoverinfo="text",
            marker={"symbol": "triangle-up", "size": 9, "color": MODE_COLOURS[mode]},
        ))
    if places:
        figure.add_trace(go.Scattergeo(
            lat=[n.lat for n in places], lon=[n.lon for n in places],
            mode="markers+text" if len(places) <= 80 else "markers",
            text=[plotly_text(shorten(n.name, 24)) for n in places], textposition="top center",
            textfont={"size": 11, "color": "#333333"},
            hovertext=[f"<b>{plotly_text(n.name)}</b><br>{n.mentions} mentions in "
                       f"{n.documents} documents" for n in places],
            hoverinfo="text", name="places",
            marker={"size": [place_size(n.mentions) for n in places], "color": PLACE_COLOUR,
                    "opacity": 0.7, "line": {"color": "#FFFFFF", "width": 1}},
        ))
    figure.update_geos(
        projection_type="natural earth", fitbounds="locations" if places or routes else False,
        # Any show<layer> makes plotly fetch its topojson from the network.
        showland=base_map, showcountries=base_map, showcoastlines=base_map,
        showocean=base_map, showframe=False,
        landcolor="#F2F2F2", oceancolor="#EAF2F8", countrycolor="#BBBBBB",
        lataxis={"showgrid": not base_map, "gridcolor": "#E5E5E5", "dtick": 5},
        lonaxis={"showgrid": not base_map, "gridcolor": "#E5E5E5", "dtick": 5},
    )
    figure.update_layout(height=height, margin={"l": 0, "r": 0, "t": 0, "b": 0},
                         legend={"itemsizing": "constant"})
    return figure


def route_ends(data: DashboardData, routes: list[Edge], nodes: dict[str, EntityNode]
               ) -> dict[str, Point]:
    """Coordinates of every route end that has them (ends outside the window's
    top places are looked up one by one)."""
    points: dict[str, Point] = {}
    for key in sorted({k for e in routes for k in (e.source, e.target)}):
        point = placed(nodes.get(key) or data.entity(key))
        if point is not None:
            points[key] = point
    return points


data = dashboard_data_or_stop()
since, until = current_window(data.newest_date())

st.title("Map")
st.caption(f"Places named {describe_window(since, until)}, sized by their mentions, and the "
           "routes people were moved along, coloured by mode.")
limit_col, routes_col, modes_col, base_col = st.columns([1, 1, 3, 1])
limit = int(limit_col.number_input("Max places", min_value=10, max_value=1000, value=300,
                                   step=10, key="map-limit"))
route_limit = int(routes_col.number_input(
    "Max routes", min_value=10, max_value=5000, value=MAP_ROUTES, step=50,
    key="map-route-limit",
    help="The routes stated most often in the window come first (then by origin, destination "
         "and mode)."))
modes = modes_col.multiselect("Route modes", list(MODE_COLOURS), default=list(MODE_COLOURS),
                              key="map-modes")
base_map = base_col.toggle(
    "Coastlines and borders", value=False, key="map-base",
    help="Drawn by your browser from cdn.plot.ly, so only when it can reach the internet.",
)

locations = data.top_entities(LOCATION, since, until, limit=limit)
places = [n for n in locations if placed(n) is not None]
strongest = _routes(data.store, data.identity, data.version, since, until, route_limit)
# Fewer than asked means none was left out; as many may mean more are stated.
all_routes = (_route_count(data.store, data.identity, data.version, since, until)
              if len(strongest) >= route_limit else len(strongest))
routes = [e for e in strongest if route_mode(e) in modes]
points = route_ends(data, routes, {n.key: n for n in locations})
drawn = [e for e in routes if e.source in points and e.target in points]

if not places and not routes:
    st.info(f"No place with known coordinates is named {describe_window(since, until)}. "
            "Widen the date window.", icon=":material/map:")
    st.stop()

unplaced = len(locations) - len(places)
st.caption(
    f"{len(places)} places and {len(drawn)} routes on the map"
    + (f"; {unplaced} places have no known coordinates" if unplaced else "")
    + (f"; {len(routes) - len(drawn)} routes have an end without coordinates and are only "
       "listed below" if len(routes) > len(drawn) else "")
    + ". Hover a ▲ for the route and its first sentence."
    + (f" Of the {all_routes:,} routes stated {describe_window(since, until)}, only the "
       f"{len(strongest):,} stated most often are read; raise Max routes to see more."
       if all_routes > len(strongest) else "")
)
st.plotly_chart(map_figure(places, drawn, points, base_map), key="map-figure",
                config={"scrollZoom": True, "displaylogo": False})

st.subheader("Routes")
if not routes:
    st.caption(f"No route is stated {describe_window(since, until)} in the modes chosen.")
    st.stop()
st.caption("Pick a row to read the sentences that state the route.")
table = pd.DataFrame({
    "origin": [one_line(entity_name(e.source)) for e in routes],
    "destination": [one_line(entity_name(e.target)) for e in routes],
    "mode": [route_mode(e) for e in routes],
    "via": [", ".join(one_line(v) for v in e.via) for e in routes],
    "statements": [e.weight for e in routes],
    "first seen": [e.first_seen for e in routes],
    "last seen": [e.last_seen for e in routes],
    "on map": [e in drawn for e in routes],
})
picked = st.dataframe(table, hide_index=True, key="map-routes", on_select="rerun",
                      selection_mode="single-row")
rows = picked.selection.rows if picked is not None else []
if rows:
    edge = routes[rows[0]]
    st.markdown(f"**{escape_markdown(entity_name(edge.source))} → "
                f"{escape_markdown(entity_name(edge.target))}** · {route_mode(edge)}")
    if edge.weight > len(edge.evidence):
        st.caption(f"The {len(edge.evidence)} newest of its {edge.weight} statements.")
    show_evidence(edge.evidence, key="map-evidence")
