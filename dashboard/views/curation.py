"""Curation: correct the extractor's entities by hand (merge, rename, split).

The rules are the ones ``scamtrace curate`` keeps in ``HOME/curation.json``
(``graph.curation``); saving one rebuilds the graph the way the command does
(``runner.build_step(..., rebuild=True)`` under the run lock), so the page and
the command never disagree. Every change is audited with the signed-in user.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard.accounts import ANALYST, require_role, session_username
from dashboard.components import entity_picker
from dashboard.network import entity_name
from dashboard.queries import DashboardData, dashboard_data_or_stop, forget_cached_queries
from dashboard.safe_text import escape_markdown, one_line
from graph.curation import MERGE, SPLIT, Curation, Rule, curation_path, load_curation, save_curation
from graph.model import EntityNode
from ingest.errors import ConfigError, ScamtraceError
from nlp.taxonomy import ENTITY_LABELS
from scamtrace.audit import CURATION, record
from scamtrace.config import Config, load_config

require_role(ANALYST)  # curation changes the graph everyone reads

FLASH_KEY = "curation-flash"  # what the last save did, shown after the rerun it causes
SAVES_KEY = "curation-saves"  # saves so far: part of the new-rule widgets' keys


def describe_rule(rule: Rule) -> str:
    """A rule in one line of plain text (as the audit log and the table say it)."""
    if rule.action == SPLIT:
        return f"split {rule.entity}: mentions written {rule.alias!r} -> {rule.into}"
    return f"{rule.action} {rule.entity} -> {rule.into}"


def _rebuild(config: Config, data: DashboardData) -> str:
    """Rebuild the graph from the extractions with the rules now saved, as
    ``scamtrace curate`` does; returns the build's summary."""
    from scamtrace import runner, stores

    with stores.open_document_store(config) as documents, \
            stores.open_extraction_store(config) as extractions:
        report = runner.build_step(documents, extractions, data.store, rebuild=True,
                                   writer=config.graph.writer)
    return report.summary()


def _change(config: Config, data: DashboardData, make: Callable[[Curation], Curation],
            rebuild: bool) -> None:
    """Apply ``make`` to the saved rules under the run lock, audit it, rebuild,
    and rerun the page with a message saying what happened."""
    from scamtrace import runner

    path = curation_path(config.extractions_path.parent)
    saved, summary, failure = False, "", ""
    try:
        with runner.run_lock(config):
            before = load_curation(path)
            after = make(before)
            save_curation(path, after)
            saved = True
            added = [r for r in after.rules if r.id not in {b.id for b in before.rules}]
            removed = [r for r in before.rules if r.id not in {a.id for a in after.rules}]
            for rule in added:
                record(CURATION, session_username(), f"rule {rule.id}: {describe_rule(rule)}",
                       home=config.home)
            for rule in removed:
                record(CURATION, session_username(),
                       f"removed rule {rule.id}: {describe_rule(rule)}", home=config.home)
            if rebuild:
                summary = _rebuild(config, data)
    except ScamtraceError as exc:
        if not saved:
            st.error(f"Not saved: {escape_markdown(str(exc))}", icon=":material/error:")
            return
        failure = str(exc)  # the rule stands; the graph still needs a rebuild
    forget_cached_queries()  # same high-water mark, different graph
    # New keys give the new-rule forms fresh, empty widgets (a merged entity is gone).
    st.session_state[SAVES_KEY] = st.session_state.get(SAVES_KEY, 0) + 1
    done = "; ".join([*(f"rule {r.id} added: {describe_rule(r)}" for r in added),
                      *(f"rule {r.id} removed" for r in removed)])
    if failure:
        st.session_state[FLASH_KEY] = ("error", f"{done}, but the rebuild failed ({failure}); "
                                       "run `scamtrace build --rebuild` to apply it.")
    elif rebuild:
        st.session_state[FLASH_KEY] = ("success", f"{done}. The graph was rebuilt with the "
                                       f"rules ({summary}).")
    else:
        st.session_state[FLASH_KEY] = ("info", f"{done}. Not applied yet: the next "
                                       "`scamtrace build --rebuild` applies it.")
    st.rerun()


def _figures(node: EntityNode | None, key: str) -> str:
    if node is None:
        return f"**{escape_markdown(entity_name(key))}** (not in the graph yet)"
    return (f"**{escape_markdown(node.name)}** ({node.label}, {node.mentions} mentions in "
            f"{node.documents} documents)")


def _proposal(make: Callable[[], Curation]) -> Curation | None:
    """The rules with the proposed one added, or None (and why) when the library refuses it."""
    try:
        return make()
    except ConfigError as exc:
        st.warning(escape_markdown(str(exc)), icon=":material/block:")
        return None


def _save_controls(config: Config, data: DashboardData, proposed: Curation | None,
                   key: str) -> None:
    rebuild = st.checkbox(
        "Rebuild the graph now", value=True, key=f"{key}-rebuild",
        help="Off: only record the rule; `scamtrace build --rebuild` applies it later.")
    if st.button("Save rule", key=f"{key}-save", type="primary", icon=":material/save:",
                 disabled=proposed is None):
        rule = proposed.rules[-1]

        def make(saved: Curation) -> Curation:
            # Re-made on the rules as saved now, in case they changed since the preview.
            if rule.action == MERGE:
                return saved.merge(rule.entity, rule.into, note=rule.note)
            if rule.action == SPLIT:
                return saved.split(rule.entity, rule.alias, rule.into, note=rule.note)
            return saved.rename(rule.entity, entity_name(rule.into), note=rule.note)

        _change(config, data, make, rebuild)


# -- the page --------------------------------------------------------------------

data = dashboard_data_or_stop()
config = load_config()
rules_path = curation_path(config.extractions_path.parent)
try:
    curation = load_curation(rules_path)
except ConfigError as exc:
    st.error(escape_markdown(str(exc)))
    st.stop()

st.title("Curation")
st.caption("Correct the extractor's entities: merge two names of one entity, give an entity a "
           "better name, or split a spelling off into an entity of its own. The rules apply on "
           "every build, so they survive re-extraction.")
flash = st.session_state.pop(FLASH_KEY, None)
if flash is not None:
    kind, message = flash
    {"success": st.success, "error": st.error}.get(kind, st.info)(escape_markdown(message))

st.subheader("Rules in force")
if not curation.rules:
    st.caption(f"No rules yet ({escape_markdown(str(rules_path))}).")
else:
    st.dataframe(
        pd.DataFrame({
            "id": [r.id for r in curation.rules],
            "action": [r.action for r in curation.rules],
            "entity": [one_line(r.entity) for r in curation.rules],
            "spelling": [one_line(r.alias) for r in curation.rules],
            "becomes": [one_line(r.into) for r in curation.rules],
            "note": [one_line(r.note) for r in curation.rules],
            "created": [r.created for r in curation.rules],
        }),
        hide_index=True, key="curation-rules",
    )
    st.caption(f"Applied in this order, from {escape_markdown(str(rules_path))}.")
    by_id = {r.id: r for r in curation.rules}
    pick_col, remove_col = st.columns([4, 1], vertical_alignment="bottom")
    doomed = pick_col.selectbox(
        "Remove a rule", list(by_id), index=len(by_id) - 1, key="curation-remove-pick",
        format_func=lambda i: f"{i}: {one_line(describe_rule(by_id[i]))}")
    if remove_col.button("Remove rule", key="curation-remove", icon=":material/delete:"):
        _change(config, data, lambda saved: saved.without(doomed), rebuild=True)

st.subheader("New rule")
saves = st.session_state.get(SAVES_KEY, 0)
fresh = f"-{saves}" if saves else ""
merge_tab, rename_tab, split_tab = st.tabs(["Merge", "Rename", "Split"])

with merge_tab:
    st.caption("Two keys are one real-world entity: every mention of the first counts for "
               "the second, and its spellings become aliases.")
    from_col, into_col = st.columns(2)
    with from_col:
        merged = entity_picker(data, f"curation-merge-from{fresh}", title="Entity to merge away")
    with into_col:
        target = entity_picker(data, f"curation-merge-into{fresh}", title="Merge into")
    note = st.text_input("Note (why)", key=f"curation-merge-note{fresh}", max_chars=300)
    if merged and target:
        proposed = _proposal(lambda: curation.merge(merged, target, note=note))
        if proposed is not None:
            rule = proposed.rules[-1]
            a, b = data.entity(rule.entity), data.entity(rule.into)
            total = (a.mentions if a else 0) + (b.mentions if b else 0)
            spellings = ", ".join(escape_markdown(s) for s in (a.aliases if a else ()))
            st.info(
                f"{_figures(a, rule.entity)} will count as {_figures(b, rule.into)}. After the "
                f"rebuild {escape_markdown(entity_name(rule.into))} has {total} mentions and "
                f"{escape_markdown(entity_name(rule.entity))} is gone"
                + (f"; its spellings ({spellings}) become aliases." if spellings else "."),
                icon=":material/merge:")
        _save_controls(config, data, proposed, f"curation-merge{fresh}")
    else:
        st.caption("Pick both entities to see what the merge changes.")

with rename_tab:
    st.caption("Give an entity a better canonical name; its label stays.")
    renamed = entity_picker(data, f"curation-rename-entity{fresh}", title="Entity to rename")
    new_name = st.text_input("New name", key=f"curation-rename-name{fresh}", max_chars=200)
    note = st.text_input("Note (why)", key=f"curation-rename-note{fresh}", max_chars=300)
    if renamed and new_name.strip():
        proposed = _proposal(lambda: curation.rename(renamed, new_name, note=note))
        if proposed is not None:
            rule = proposed.rules[-1]
            existing = data.entity(rule.into)
            st.info(
                f"{_figures(data.entity(rule.entity), rule.entity)} becomes "
                f"**{escape_markdown(rule.into)}**"
                + (f", which already exists ({existing.mentions} mentions): the two become "
                   "one entity." if existing else "."),
                icon=":material/edit:")
        _save_controls(config, data, proposed, f"curation-rename{fresh}")
    else:
        st.caption("Pick an entity and type its new name to see the change.")

with split_tab:
    st.caption("The extractor (or an earlier merge) put two entities under one name: the "
               "mentions written one way move to another entity.")
    split_from = entity_picker(data, f"curation-split-entity{fresh}", title="Entity to split")
    node = data.entity(split_from) if split_from else None
    if node is None:
        st.caption("Pick an entity to choose the spelling that moves.")
    elif not node.aliases:
        st.info(f"{_figures(node, node.key)} is only ever written one way; there is no "
                "spelling to split off.", icon=":material/call_split:")
    else:
        spelling = st.selectbox("Spelling whose mentions move", node.aliases,
                                key=f"curation-split-alias{fresh}")
        label_col, name_col = st.columns([1, 3])
        label = label_col.selectbox("New entity's label", ENTITY_LABELS,
                                    index=ENTITY_LABELS.index(node.label),
                                    key=f"curation-split-label{fresh}")
        name = name_col.text_input("New entity's name", value=spelling or "",
                                   key=f"curation-split-name{fresh}-{spelling}", max_chars=200)
        note = st.text_input("Note (why)", key=f"curation-split-note{fresh}", max_chars=300)
        proposed = None
        if spelling and name.strip():
            into = f"{label}:{name}"
            proposed = _proposal(lambda: curation.split(node.key, spelling, into, note=note))
            if proposed is not None:
                rule = proposed.rules[-1]
                existing = data.entity(rule.into)
                st.info(
                    f"Mentions of {_figures(node, node.key)} written "
                    f"“{escape_markdown(rule.alias)}” move to "
                    f"**{escape_markdown(rule.into)}**"
                    + (f" (already in the graph, {existing.mentions} mentions)." if existing
                       else " (a new entity)."),
                    icon=":material/call_split:")
        _save_controls(config, data, proposed, f"curation-split{fresh}")
