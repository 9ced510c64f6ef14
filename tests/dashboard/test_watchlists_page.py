"""The Watchlists page and the Overview's alerts: analysts add and remove
watches through ``graph.watchlist`` (audited with the user), match them against
the graph, and everyone signed in sees the newest alerts on the Overview.
Each test works on its own copy of the sample data directory."""

from __future__ import annotations

from dashboard.safe_text import escape_markdown
from graph.watchlist import ENTITY, TERM, WATCHLIST_FILE, Watchlist, record_new_matches
from scamtrace import stores
from scamtrace.audit import WATCHLIST
from scamtrace.config import load_config

from .conftest import (
    ANALYST_USER,
    VIEWER_USER,
    audit_events_of,
    no_exceptions,
    open_signed_in,
    refused_for_role,
    run_page_as_viewer,
    scamtrace_env,
)

PAGE = "views/watchlists.py"
MYAWADDY = "LOCATION:Myawaddy"


def watches_in(home) -> list:
    with Watchlist(home / WATCHLIST_FILE) as watchlist:
        return [(w.kind, w.value) for w in watchlist.watches()]


def watched_table(app):
    return next(f.value for f in app.dataframe if "watching" in f.value.columns)


def relevant_documents_naming(store, key: str) -> set[str]:
    return {d.id for d in store.documents(entity=key, relevant_only=True, limit=10_000)}


def test_viewer_is_refused_the_watchlists_page():
    app = run_page_as_viewer(PAGE)
    assert refused_for_role(app)
    assert len(app.get("button")) == 0


def test_analyst_watches_a_term_and_it_is_listed_and_audited(own_home):
    app = open_signed_in(PAGE)
    assert no_exceptions(app)
    before = len(audit_events_of(own_home))
    app.text_input(key="watchlists-term").input("  KK   Park ").run()
    app.button(key="watchlists-add-term").click().run()
    assert no_exceptions(app)
    assert watches_in(own_home) == [(TERM, "KK Park")]
    assert list(watched_table(app)["watching"]) == ["KK Park"]
    assert app.text_input(key="watchlists-term-1").value == ""  # ready for the next one
    new = audit_events_of(own_home)[before:]
    assert [(e.event, e.user) for e in new] == [(WATCHLIST, ANALYST_USER)]
    assert "KK Park" in new[0].detail


def test_entity_watch_with_backfill_raises_an_alert_per_document_naming_it(
        own_home, sample_store):
    app = open_signed_in(PAGE)
    app.text_input(key="watchlists-entity-query").input("Myawaddy").run()
    app.selectbox(key="watchlists-entity-pick").set_value(MYAWADDY).run()
    app.checkbox(key="watchlists-entity-backfill").check().run()
    app.button(key="watchlists-add-entity").click().run()
    assert watches_in(own_home) == [(ENTITY, MYAWADDY)]
    assert any(c.value == "No alerts yet." for c in app.caption)  # not matched yet

    before = len(audit_events_of(own_home))
    app.button(key="watchlists-match").click().run()
    assert no_exceptions(app)
    expected = relevant_documents_naming(sample_store, MYAWADDY)
    assert list(watched_table(app)["alerts"]) == [len(expected)]
    with Watchlist(own_home / WATCHLIST_FILE) as watchlist:
        alerts = watchlist.alerts()
    assert {a.doc_id for a in alerts} == expected
    shown = [m.value for m in app.markdown]
    newest = alerts[0]
    assert f"**{escape_markdown(newest.value)}** · {escape_markdown(newest.title)}" in shown
    assert f"> {escape_markdown(newest.evidence[0])}" in shown
    new = audit_events_of(own_home)[before:]
    assert [(e.event, e.user) for e in new] == [(WATCHLIST, ANALYST_USER)]
    assert new[0].detail.startswith("matched now")


def test_removing_a_watch_takes_it_off_the_list_and_is_audited(own_home):
    app = open_signed_in(PAGE)
    app.text_input(key="watchlists-term").input("Huione").run()
    app.button(key="watchlists-add-term").click().run()
    [(_, value)] = watches_in(own_home)
    [watch_id] = list(watched_table(app)["id"])
    before = len(audit_events_of(own_home))
    app.selectbox(key="watchlists-remove-pick").set_value(watch_id).run()
    app.button(key="watchlists-remove").click().run()
    assert no_exceptions(app)
    assert watches_in(own_home) == []
    assert any("Nothing watched yet" in c.value for c in app.caption)
    new = audit_events_of(own_home)[before:]
    assert [(e.event, e.user) for e in new] == [(WATCHLIST, ANALYST_USER)]
    assert new[0].detail.startswith("no longer watching term 'Huione'")


def alerts_for_myawaddy(home) -> list:
    """Watch Myawaddy from the start and match it, as `scamtrace watchlist` would."""
    config = load_config(home=home, env=scamtrace_env(home))
    with Watchlist(home / WATCHLIST_FILE) as watchlist:
        watchlist.add(ENTITY, MYAWADDY, start_seq=0)
    with stores.open_document_store(config) as documents, \
            stores.open_extraction_store(config) as extractions:
        record_new_matches(home, extractions, documents)
    with Watchlist(home / WATCHLIST_FILE) as watchlist:
        return watchlist.alerts()


def test_overview_shows_the_newest_alerts_to_a_viewer(own_home):
    alerts = alerts_for_myawaddy(own_home)
    assert len(alerts) > 5
    app = open_signed_in("views/overview.py", username=VIEWER_USER)
    assert no_exceptions(app)
    assert any(s.value == "Newest watchlist alerts" for s in app.subheader)
    shown = [m.value for m in app.markdown if m.value.startswith("**")]
    for alert in alerts[:5]:
        assert f"**{escape_markdown(alert.value)}** · {escape_markdown(alert.title)}" in shown
    assert not any(link.proto.page.endswith("watchlists") for link in app.get("page_link"))


def test_overview_without_a_watchlist_has_no_alerts_section(sample_app, sample_home):
    assert not (sample_home / WATCHLIST_FILE).exists()
    app = sample_app()
    assert not any("alerts" in s.value for s in app.subheader)
    assert not (sample_home / WATCHLIST_FILE).exists()
