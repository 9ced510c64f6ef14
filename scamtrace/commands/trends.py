"""``scamtrace trends``: what is new or growing in a date window."""

from __future__ import annotations

import json
from contextlib import ExitStack

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from graph.trends import (
    BASELINE_WEEKS,
    MAX_P_VALUE,
    MIN_COUNT,
    RECENT_WEEKS,
    TrendSettings,
    TrendsReport,
    parse_day,
    trends_report,
)
from scamtrace.cli_context import config_of, open_stores

ROWS_SHOWN = 15


@click.command()
@click.option("--since", metavar="YYYY-MM-DD", help="First day of the window (default: oldest "
              "relevant document).")
@click.option("--until", metavar="YYYY-MM-DD", help="Last day of the window (default: newest "
              "relevant document).")
@click.option("--recent-weeks", default=RECENT_WEEKS, show_default=True, type=click.IntRange(1),
              help="Weeks at the end of the window tested against the weeks before them.")
@click.option("--baseline-weeks", default=BASELINE_WEEKS, show_default=True,
              type=click.IntRange(1), help="Shortest baseline: a shorter window borrows the "
              "weeks before it.")
@click.option("--min-count", default=MIN_COUNT, show_default=True, type=click.IntRange(1),
              help="Fewest recent documents a burst needs.")
@click.option("--max-p", "max_p_value", default=MAX_P_VALUE, show_default=True,
              type=click.FloatRange(0, 1), help="Largest p-value reported as a burst.")
@click.option("--themes", "n_themes", type=click.IntRange(1), default=None,
              help="Number of themes (default: chosen from the number of documents).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
@click.pass_context
def trends(ctx: click.Context, since: str | None, until: str | None, recent_weeks: int,
           baseline_weeks: int, min_count: int, max_p_value: float, n_themes: int | None,
           as_json: bool) -> None:
    """What is new or growing between --since and --until, over relevant documents.

    \b
    Lists, each with the documents behind it:
      bursts         entities and relations whose documents in the last
                     --recent-weeks rise against their own earlier rate
                     (one-sided Poisson test; p-value, rate ratio)
      first seen     entities whose first mention ever is in the window
      new relations  links reported for the first time (e.g. recruiter -> platform)
      mode changes   routes reported with a mode (land, sea, air) new for that pair
      themes         topic clusters of the window's documents (TF-IDF + NMF)

    Example: scamtrace trends --since 2026-09-01 --until 2026-11-30 --json
    """
    parse_day(since, "--since"), parse_day(until, "--until")  # a bad date fails before any I/O
    config = config_of(ctx)
    settings = TrendSettings(recent_weeks=recent_weeks, baseline_weeks=baseline_weeks,
                             min_count=min_count,
                             max_p_value=max_p_value)
    with ExitStack() as stack:
        documents, graph = open_stores(stack, config, "documents", "graph")
        report = trends_report(graph, documents, since, until, settings=settings,
                               n_themes=n_themes)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print_report(report, Console())


def print_report(report: TrendsReport, console: Console) -> None:
    """A readable summary; source text is escaped so it cannot become rich markup."""
    console.print(
        f"[bold]Trends[/] {report.since} to {report.until}: {report.relevant_documents} "
        f"relevant documents; recent period from {report.recent_since}, baseline from "
        f"{report.baseline_since}")
    for note in report.notes:
        console.print(f"[dim]{escape(note)}[/]")

    table = _table("Bursts", "kind", "name", "label", "recent", "before", "rate ×", "p-value",
                   "documents")
    for b in report.bursts[:ROWS_SHOWN]:
        table.add_row(b.kind, escape(b.name), b.label, str(b.recent_count),
                      str(b.baseline_count), f"{b.rate_ratio:.1f}", f"{b.p_value:.2g}",
                      escape(_titles(b.documents)))
    console.print(table)

    table = _table("First seen", "name", "label", "first seen", "documents")
    for f in report.first_seen[:ROWS_SHOWN]:
        table.add_row(escape(f.name), f.label, f.first_seen, escape(_titles(f.documents)))
    console.print(table)

    table = _table("New relations", "relation", "source", "target", "mode", "first seen",
                   "documents")
    for r in report.new_relations[:ROWS_SHOWN]:
        table.add_row(r.type, escape(r.source), escape(r.target), ", ".join(r.modes),
                      r.first_seen, escape(_titles(r.documents)))
    console.print(table)

    table = _table("Route mode changes", "route", "new mode", "before", "first seen",
                   "documents")
    for c in report.mode_changes[:ROWS_SHOWN]:
        table.add_row(escape(f"{c.source} -> {c.target}"), c.mode, ", ".join(c.previous_modes),
                      c.first_seen, escape(_titles(c.documents)))
    console.print(table)

    sampled = next((t for t in report.themes if t.sampled), None)
    title = (f"Themes (in a sample of {sampled.clustered:,} of the {sampled.of:,} documents, "
             "spread over the weeks)" if sampled else "Themes")
    table = _table(title, "#", "terms", "documents", "per month", "most representative")
    for t in report.themes:
        table.add_row(str(t.number), escape(", ".join(t.terms[:6])), str(t.size),
                      " ".join(f"{m}:{n}" for m, n in t.months),
                      escape(" ".join(t.documents[0].title.split())))
    console.print(table)


def _titles(documents) -> str:
    """How many documents, and the first listed (the newest, or the first report)."""
    if not documents:
        return ""
    first = documents[0]
    return f"{len(documents)}: {first.date} {' '.join(first.title.split())}"


def _table(title: str, *columns: str) -> Table:
    """A table whose last column (document titles) is cut to one line."""
    table = Table(title=title)
    for column in columns[:-1]:
        # Names keep room to be read; a narrow terminal squeezes the titles instead.
        wide = column in ("name", "source", "target", "route", "terms")
        table.add_column(column, min_width=20 if wide else max(len(column), 9))
    table.add_column(columns[-1], no_wrap=True, overflow="ellipsis", min_width=12, max_width=40)
    return table


COMMANDS = [trends]
