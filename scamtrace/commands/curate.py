"""``scamtrace curate ...``: correct the extractor's entities by hand.

Rules are kept in HOME/curation.json (see ``graph.curation``) and applied on
every build, so they survive re-extraction and ``scamtrace build --rebuild``.
A command that changes the rules rebuilds the graph at once (``--no-rebuild``
leaves that to the next ``scamtrace build --rebuild``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from graph.curation import Curation, curation_path, load_curation, save_curation
from scamtrace.audit import CURATION, record_cli
from scamtrace.cli_context import config_of, err_console, open_stores, progress_bars

_NOTE = click.option("--note", default="", help="Why (kept with the rule).")
_NO_REBUILD = click.option(
    "--no-rebuild", is_flag=True,
    help="Only record the rule; run `scamtrace build --rebuild` later to apply it.",
)


def _change(ctx: click.Context, make: Callable[[Curation], Curation], no_rebuild: bool,
            added: bool = True) -> None:
    from scamtrace import runner

    config = config_of(ctx)
    path = curation_path(config.extractions_path.parent)
    with runner.run_lock(config):
        before = load_curation(path)
        curation: Curation = make(before)
        save_curation(path, curation)
        if not added:
            removed = {r.id for r in before.rules} - {r.id for r in curation.rules}
            record_cli(config.home, CURATION, f"removed rule(s) {sorted(removed)}")
        rule = curation.rules[-1] if curation.rules else None
        if rule is not None and added:
            record_cli(config.home, CURATION, f"rule {rule.id}: {_describe(rule)}")
            err_console.print(f"rule {rule.id}: {escape(_describe(rule))}", highlight=False)
        if no_rebuild:
            err_console.print("Recorded. Run `scamtrace build --rebuild` to apply it to the graph.")
            return
        with ExitStack() as stack, progress_bars() as bars:
            documents, extractions, graph = open_stores(
                stack, config, "documents", "extractions", "graph")
            report = runner.build_step(documents, extractions, graph, rebuild=True,
                                       progress=bars.for_step("build"),
                                       writer=config.graph.writer)
    err_console.print(f"[bold]build:[/] {escape(report.summary())}", highlight=False)


def _describe(rule) -> str:
    if rule.action == "split":
        return f"split {rule.entity}: mentions written {rule.alias!r} -> {rule.into}"
    return f"{rule.action} {rule.entity} -> {rule.into}"


@click.group()
def curate() -> None:
    """Merge, split or rename entities; the rules apply on every build.

    Entities are named by key, LABEL:name, as the dashboard and exports show
    them (e.g. "LOCATION:Myawaddy").
    """


@curate.command()
@click.argument("entity")
@click.argument("into")
@_NOTE
@_NO_REBUILD
@click.pass_context
def merge(ctx: click.Context, entity: str, into: str, note: str, no_rebuild: bool) -> None:
    """Count every mention of ENTITY as INTO (ENTITY's spellings become aliases).

    Example: scamtrace curate merge "LOCATION:Myawadi town" "LOCATION:Myawaddy"
    """
    def make(c: Curation) -> Curation:
        return c.merge(entity, into, note=note)
    _change(ctx, make, no_rebuild)


@curate.command()
@click.argument("entity")
@click.argument("alias")
@click.argument("into")
@_NOTE
@_NO_REBUILD
@click.pass_context
def split(ctx: click.Context, entity: str, alias: str, into: str, note: str,
          no_rebuild: bool) -> None:
    """Move the mentions of ENTITY written ALIAS to the entity INTO.

    Example: scamtrace curate split "LOCATION:Mongla" "Mongla port" "LOCATION:Mongla Port"
    """
    def make(c: Curation) -> Curation:
        return c.split(entity, alias, into, note=note)
    _change(ctx, make, no_rebuild)


@curate.command()
@click.argument("entity")
@click.argument("new_name")
@_NOTE
@_NO_REBUILD
@click.pass_context
def rename(ctx: click.Context, entity: str, new_name: str, note: str, no_rebuild: bool) -> None:
    """Give ENTITY the canonical name NEW_NAME (its label stays).

    Example: scamtrace curate rename "ORG:Royal Thai police" "Royal Thai Police"
    """
    def make(c: Curation) -> Curation:
        return c.rename(entity, new_name, note=note)
    _change(ctx, make, no_rebuild)


@curate.command()
@click.argument("rule_id", type=int)
@_NO_REBUILD
@click.pass_context
def remove(ctx: click.Context, rule_id: int, no_rebuild: bool) -> None:
    """Delete rule RULE_ID (see `scamtrace curate list`); the graph is rebuilt without it."""
    def make(c: Curation) -> Curation:
        return c.without(rule_id)
    _change(ctx, make, no_rebuild, added=False)


@curate.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON.")
@click.pass_context
def list_rules(ctx: click.Context, as_json: bool) -> None:
    """Show the curation rules in the order they apply."""
    config = config_of(ctx)
    path = curation_path(config.extractions_path.parent)
    curation = load_curation(path)
    if as_json:
        click.echo(json.dumps({"file": str(path), "rules": [asdict(r) for r in curation.rules]},
                              ensure_ascii=False, indent=2))
        return
    if not curation.rules:
        click.echo(f"No curation rules ({path}).")
        return
    table = Table(title=f"Curation rules ({escape(str(path))})")
    for column in ("id", "action", "entity", "spelling", "becomes", "note", "created"):
        table.add_column(column)
    for r in curation.rules:
        table.add_row(str(r.id), r.action, escape(r.entity), escape(r.alias), escape(r.into),
                      escape(r.note), r.created)
    Console().print(table)


COMMANDS = [curate]
