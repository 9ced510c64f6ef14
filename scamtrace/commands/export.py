"""``scamtrace export``: the graph in a format other tools read."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import date
from pathlib import Path

import click
from rich.markup import escape

from scamtrace.cli_context import config_of, err_console, open_stores


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-07-31") from None


@click.command()
@click.option("--format", "format_", required=True,
              type=click.Choice(["graphml", "gexf", "csv", "json", "ftm"]),
              help="graphml (yEd, Cytoscape), gexf (Gephi), csv (a folder of tables for i2 "
              "and Maltego), json (Cytoscape.js), ftm (FollowTheMoney lines for Aleph).")
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path),
              help="File to write (for csv: a folder, given nodes.csv, edges.csv, evidence.csv).")
@click.option("--since", callback=_iso_date, help="Only evidence and mentions dated on or "
              "after this day (YYYY-MM-DD).")
@click.option("--until", callback=_iso_date, help="Only evidence and mentions dated on or "
              "before this day (YYYY-MM-DD).")
@click.option("--label", "labels", multiple=True,
              type=click.Choice(["LOCATION", "PLATFORM", "RECRUITER", "ORG", "PERSON", "CRIME"]),
              help="Only entities with this label (repeat for several); default all.")
@click.option("--documents/--no-documents", default=None,
              help="Include the relevant documents and what they mention (default: only "
              "for ftm).")
@click.pass_context
def export(ctx: click.Context, format_: str, output: Path, since: str | None,
           until: str | None, labels: tuple[str, ...], documents: bool | None) -> None:
    """Export the knowledge graph for Gephi, yEd, Cytoscape, i2, Maltego or Aleph.

    Every relation carries its evidence: the sentence, the document's id, title,
    link and date. Example:

    \b
      scamtrace export --format gexf --output scams.gexf --since 2026-01-01
    """
    from graph.export import export_graph
    from scamtrace.audit import EXPORT, record_cli

    config = config_of(ctx)
    with ExitStack() as stack:
        (graph,) = open_stores(stack, config, "graph")
        report = export_graph(graph, format_, output, since=since, until=until,
                              labels=labels or None, documents=documents)
    record_cli(config.home, EXPORT, f"{format_} -> {output}: {report.summary()}")
    err_console.print(f"[bold]export:[/] {escape(report.summary())}", highlight=False,
                      soft_wrap=True)


COMMANDS = (export,)
