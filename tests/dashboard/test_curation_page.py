"""The Curation page: analysts merge, rename and split entities through
``graph.curation``; the rule is saved beside the extractions, the graph is
rebuilt with it, and the change is audited with the user. Each test works on
its own copy of the sample data directory."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.safe_text import escape_markdown
from graph.curation import curation_path, load_curation
from scamtrace.audit import CURATION
from scamtrace.config import load_config
from scamtrace.stores import open_graph_store

from .conftest import (
    ANALYST_USER,
    audit_events_of,
    no_exceptions,
    open_signed_in,
    refused_for_role,
    run_page_as_viewer,
    scamtrace_env,
)

PAGE = "views/curation.py"


def graph_of(home):
    return open_graph_store(load_config(home=home, env=scamtrace_env(home)))


def rules_of(home) -> tuple:
    return load_curation(curation_path(home)).rules


def pick(app: AppTest, picker: str, key: str, name: str) -> AppTest:
    """Search ``picker`` for ``name`` and choose the entity ``key``, as a user would."""
    app.text_input(key=f"{picker}-query").input(name).run()
    return app.selectbox(key=f"{picker}-pick").set_value(key).run()


@pytest.fixture(scope="module")
def two_locations(sample_store):
    """Two locations with mentions of their own: the one merged away, and its target."""
    merged, target = sample_store.top_entities("LOCATION", None, None, limit=6)[4:6]
    return merged, target


def test_viewer_is_refused_the_curation_page():
    app = run_page_as_viewer(PAGE)
    assert refused_for_role(app)
    assert len(app.get("button")) == 0


def test_merge_preview_states_the_combined_mentions_before_anything_is_saved(
        own_home, two_locations):
    merged, target = two_locations
    app = open_signed_in(PAGE)
    pick(app, "curation-merge-from", merged.key, merged.name)
    pick(app, "curation-merge-into", target.key, target.name)
    assert no_exceptions(app)
    preview = next(i.value for i in app.info if "will count as" in i.value)
    assert f"has {merged.mentions + target.mentions} mentions" in preview
    assert rules_of(own_home) == ()


def test_merge_is_saved_rebuilt_and_audited(own_home, two_locations):
    merged, target = two_locations
    app = open_signed_in(PAGE)
    pick(app, "curation-merge-from", merged.key, merged.name)
    pick(app, "curation-merge-into", target.key, target.name)
    app.text_input(key="curation-merge-note").input("one town, two spellings").run()
    before = len(audit_events_of(own_home))
    app.button(key="curation-merge-save").click().run()
    assert no_exceptions(app)

    [rule] = rules_of(own_home)
    assert (rule.action, rule.entity, rule.into, rule.note) == (
        "merge", merged.key, target.key, "one town, two spellings")
    graph = graph_of(own_home)
    try:
        assert graph.entity(merged.key) is None
        assert graph.entity(target.key).mentions == merged.mentions + target.mentions
    finally:
        graph.close()
    new = audit_events_of(own_home)[before:]
    assert [(e.event, e.user) for e in new] == [(CURATION, ANALYST_USER)]
    assert merged.key in new[0].detail and target.key in new[0].detail
    assert any("rebuilt" in s.value for s in app.success)
    # The page's own queries see the rebuilt graph, not a cached one.
    rules_table = next(f.value for f in app.dataframe if "becomes" in f.value.columns)
    assert list(rules_table["becomes"]) == [target.key]
    # A fresh, empty form: a search there no longer finds the merged entity.
    assert app.text_input(key="curation-merge-from-1-query").value == ""
    app.text_input(key="curation-merge-from-1-query").input(merged.name).run()
    offered = app.selectbox(key="curation-merge-from-1-pick").options
    assert not [o for o in offered if o.startswith(f"{merged.name} · LOCATION")]


def test_rename_gives_the_entity_its_new_key(own_home, two_locations):
    _, target = two_locations
    app = open_signed_in(PAGE)
    pick(app, "curation-rename-entity", target.key, target.name)
    app.text_input(key="curation-rename-name").input(f"{target.name} District").run()
    new_key = escape_markdown(f"LOCATION:{target.name} District")
    assert any(f"becomes **{new_key}**" in i.value for i in app.info)
    app.button(key="curation-rename-save").click().run()
    assert no_exceptions(app)
    graph = graph_of(own_home)
    try:
        renamed = graph.entity(f"LOCATION:{target.name} District")
        assert graph.entity(target.key) is None
        assert renamed is not None and renamed.mentions == target.mentions
    finally:
        graph.close()


def test_removing_the_rule_restores_the_graph_and_is_audited(own_home, two_locations):
    merged, target = two_locations
    app = open_signed_in(PAGE)
    pick(app, "curation-merge-from", merged.key, merged.name)
    pick(app, "curation-merge-into", target.key, target.name)
    app.button(key="curation-merge-save").click().run()
    before = len(audit_events_of(own_home))
    app.button(key="curation-remove").click().run()
    assert no_exceptions(app)
    assert rules_of(own_home) == ()
    graph = graph_of(own_home)
    try:
        assert graph.entity(merged.key).mentions == merged.mentions
        assert graph.entity(target.key).mentions == target.mentions
    finally:
        graph.close()
    new = audit_events_of(own_home)[before:]
    assert [(e.event, e.user) for e in new] == [(CURATION, ANALYST_USER)]
    assert new[0].detail.startswith("removed rule 1")


def test_merging_an_entity_into_itself_is_refused_before_saving(own_home, two_locations):
    _, target = two_locations
    app = open_signed_in(PAGE)
    pick(app, "curation-merge-from", target.key, target.name)
    pick(app, "curation-merge-into", target.key, target.name)
    assert any("into itself" in w.value for w in app.warning)
    assert app.button(key="curation-merge-save").disabled
    assert rules_of(own_home) == ()


def test_split_moves_one_spellings_mentions_to_a_new_entity(own_home, sample_store):
    entity = next(n for n in sample_store.top_entities("LOCATION", None, None, limit=50)
                  if n.aliases and n.mentions > 1)
    spelling = entity.aliases[0]
    app = open_signed_in(PAGE)
    pick(app, "curation-split-entity", entity.key, entity.name)
    app.selectbox(key="curation-split-alias").set_value(spelling).run()
    assert any("move to" in i.value for i in app.info)
    app.button(key="curation-split-save").click().run()
    assert no_exceptions(app)
    [rule] = rules_of(own_home)
    assert (rule.action, rule.entity, rule.alias, rule.into) == (
        "split", entity.key, spelling, f"LOCATION:{spelling}")
    graph = graph_of(own_home)
    try:
        moved, kept = graph.entity(rule.into), graph.entity(entity.key)
    finally:
        graph.close()
    assert moved is not None and moved.mentions > 0
    assert moved.mentions + (kept.mentions if kept else 0) == entity.mentions


def test_a_rule_saved_by_the_command_line_gives_the_cached_queries_a_new_identity(own_home):
    from dashboard.queries import open_dashboard_data
    from graph.curation import Curation, save_curation

    before = open_dashboard_data()
    save_curation(curation_path(own_home),
                  Curation().rename("LOCATION:Myawaddy", "Myawaddy Town"))
    after = open_dashboard_data()
    # A rebuild keeps the high-water mark, so the mark alone would serve the old graph.
    assert after.version == before.version
    assert after.identity != before.identity


def test_while_a_pipeline_run_holds_the_lock_nothing_is_saved(own_home, two_locations):
    from scamtrace import runner

    merged, target = two_locations
    app = open_signed_in(PAGE)
    pick(app, "curation-merge-from", merged.key, merged.name)
    pick(app, "curation-merge-into", target.key, target.name)
    before = len(audit_events_of(own_home))
    with runner.run_lock(load_config(home=own_home, env=scamtrace_env(own_home))):
        app.button(key="curation-merge-save").click().run()
    assert any(e.value.startswith("Not saved") and "another scamtrace run" in e.value
               for e in app.error)
    assert rules_of(own_home) == ()
    assert len(audit_events_of(own_home)) == before
