"""The entities page: search, label filter and a linkable profile."""

from __future__ import annotations

from .conftest import no_exceptions, table_with
from .test_overview_page import ninety_days_to_newest

PAGE = "views/entities.py"
MYAWADDY = "LOCATION:Myawaddy"


def test_searching_myawaddy_offers_the_location(sample_app):
    app = sample_app(PAGE)
    app.text_input(key="entities-query").input("Myawaddy").run()
    assert no_exceptions(app)
    picker = app.selectbox(key="entities-pick")
    assert picker.options[0].startswith("Myawaddy · LOCATION ·")


def test_label_filter_keeps_only_that_label(sample_app, sample_store):
    app = sample_app(PAGE)
    app.selectbox(key="entities-label").select("PLATFORM").run()
    app.text_input(key="entities-query").input("e").run()
    options = app.selectbox(key="entities-pick").options
    expected = sample_store.search_entities("e", label="PLATFORM", limit=25)
    assert len(options) == len(expected) > 0
    assert all(" · PLATFORM · " in option for option in options)


def test_picking_a_match_opens_its_profile_and_link(sample_app):
    app = sample_app(PAGE)
    app.text_input(key="entities-query").input("Myawaddy").run()
    app.selectbox(key="entities-pick").select(MYAWADDY).run()
    assert no_exceptions(app)
    assert app.query_params["entity"] == MYAWADDY
    assert app.header[0].value == "Myawaddy"


def test_profile_link_shows_mentions_chart_links_and_evidence(sample_app, sample_store):
    app = sample_app(PAGE, {"entity": MYAWADDY})
    assert no_exceptions(app)
    since, until = ninety_days_to_newest(sample_store)
    expected = sample_store.entity_profile(MYAWADDY, since, until)
    assert expected.entity.mentions > 0, "the sample data should mention Myawaddy in the window"

    shown = {m.label: m.value for m in app.metric}
    assert int(shown["Mentions"]) == expected.entity.mentions
    assert int(shown["Documents"]) == expected.entity.documents
    assert app.get("plotly_chart"), "mentions-over-time chart"

    links = table_with(app, "relation", "weight")
    assert list(links.columns) == ["name", "label", "relation", "weight", "last seen"]
    assert list(links["name"]) == [node.name for node, _ in expected.neighbours]

    quotes = [md.value for md in app.markdown if md.value.startswith("> ")]
    assert len(quotes) >= min(len(expected.neighbours), 1)
    sources = [b for b in app.get("link_button")]
    assert sources, "each evidence sentence links to its source"


def test_profile_covers_all_dates_when_the_window_is_switched_off(sample_app, sample_store):
    app = sample_app(PAGE, {"entity": MYAWADDY})
    app.toggle(key="entities-in-window").set_value(False).run()
    assert int(app.metric[0].value) == sample_store.entity(MYAWADDY).mentions


def test_linked_entity_opens_its_own_profile(sample_app, sample_store):
    since, until = ninety_days_to_newest(sample_store)
    neighbour = sample_store.entity_profile(MYAWADDY, since, until).neighbours[0][0]
    app = sample_app(PAGE, {"entity": neighbour.key})
    assert no_exceptions(app)
    assert app.header[0].value.replace("\\", "") == neighbour.name


def test_unknown_entity_in_a_link_is_reported(sample_app):
    app = sample_app(PAGE, {"entity": "LOCATION:Atlantis"})
    assert no_exceptions(app)
    assert "No entity" in app.warning[0].value
    assert not app.metric
