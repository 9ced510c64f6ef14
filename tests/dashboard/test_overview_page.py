"""The overview page: what is new in the date window."""

from __future__ import annotations

import json
from datetime import date, timedelta

from dashboard.style import LABEL_COLOURS

from .conftest import no_exceptions, table_with


def ninety_days_to_newest(store) -> tuple[str, str]:
    newest = date.fromisoformat(store.documents(limit=1)[0].published)
    return (newest - timedelta(days=89)).isoformat(), newest.isoformat()


def metric_values(app) -> dict[str, int]:
    return {m.label: int(m.value) for m in app.metric}


def test_default_window_is_the_ninety_days_ending_at_the_newest_document(sample_app, sample_store):
    app = sample_app()
    since, until = ninety_days_to_newest(sample_store)
    chosen = tuple(d.isoformat() for d in app.session_state["date_window"])
    assert chosen == (since, until)


def test_overview_metrics_count_the_default_window(sample_app, sample_store):
    app = sample_app()
    assert no_exceptions(app)
    expected = sample_store.overview(*ninety_days_to_newest(sample_store))
    shown = metric_values(app)
    assert shown == {
        "Documents": expected.documents,
        "Relevant documents": expected.relevant_documents,
        "Entities": expected.entities,
        "Relations": expected.relations,
    }
    assert all(value > 0 for value in shown.values())


def test_overview_lists_the_newest_relevant_documents(sample_app, sample_store):
    app = sample_app()
    expected = sample_store.overview(*ninety_days_to_newest(sample_store), limit=15)
    table = table_with(app, "title", "relevance")
    assert list(table["title"]) == [d.title for d in expected.newest_documents]
    assert set(table["relevance"]) == {"relevant"}
    assert all(link.startswith(("http://", "https://")) for link in table["link"].dropna())


def test_overview_chart_colours_top_entities_by_label(sample_app, sample_store):
    app = sample_app()
    expected = sample_store.overview(*ninety_days_to_newest(sample_store), limit=15)
    [chart] = app.get("plotly_chart")
    figure = json.loads(chart.proto.spec)
    traces = {trace["name"]: trace for trace in figure["data"]}
    assert set(traces) == {n.label for n in expected.top_entities}
    for label, trace in traces.items():
        assert trace["marker"]["color"] == LABEL_COLOURS[label]
    assert sum(len(t["x"]) for t in traces.values()) == len(expected.top_entities)


def test_overview_lists_entities_first_seen_in_the_window(sample_app, sample_store):
    app = sample_app()
    since, until = ninety_days_to_newest(sample_store)
    table = table_with(app, "first seen")
    assert len(table) > 0
    assert all(since <= seen <= until for seen in table["first seen"])


def test_narrowing_the_window_recounts_the_metrics(sample_app, sample_store):
    app = sample_app()
    _, until = ninety_days_to_newest(sample_store)
    last_week = date.fromisoformat(until) - timedelta(days=6), date.fromisoformat(until)
    app.date_input(key="date_window").set_value(last_week).run()
    expected = sample_store.overview(last_week[0].isoformat(), until)
    assert metric_values(app)["Documents"] == expected.documents
    assert metric_values(app)["Entities"] == expected.entities


def test_opening_a_profile_from_the_overview_links_to_it(sample_app, sample_store):
    app = sample_app()
    top = sample_store.overview(*ninety_days_to_newest(sample_store), limit=15).top_entities[0]
    app.selectbox(key="overview-open").select(top.key).run()
    app.button(key="overview-open-profile").click().run()
    assert no_exceptions(app)
    assert app.query_params["entity"] == top.key
    assert [m.label for m in app.metric][:2] == ["Mentions", "Documents"]


def test_reset_button_restores_the_ninety_day_window(sample_app, sample_store):
    app = sample_app()
    since, until = ninety_days_to_newest(sample_store)
    earlier = date.fromisoformat(since) - timedelta(days=365)
    app.date_input(key="date_window").set_value((earlier, earlier + timedelta(days=30))).run()
    assert app.session_state["date_window"][0] == earlier
    app.button(key="window-reset").click().run()
    chosen = tuple(d.isoformat() for d in app.session_state["date_window"])
    assert chosen == (since, until)
