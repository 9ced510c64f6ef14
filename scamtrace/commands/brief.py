"""``scamtrace brief``: a dated, cited situation briefing as Markdown, Word or PDF."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import click

from graph.briefing import briefing_window, build_briefing
from graph.briefing.markdown import load_template
from graph.briefing.render import chart_folder_for, check_format, render_briefing
from ingest.errors import ConfigError
from scamtrace.audit import BRIEFING, record_cli
from scamtrace.cli_context import config_of, err_console, open_stores


@click.command()
@click.option("--since", metavar="YYYY-MM-DD", help="First day of the window (default: oldest "
              "relevant document).")
@click.option("--until", metavar="YYYY-MM-DD", help="Last day of the window (default: newest "
              "relevant document).")
@click.option("--format", "fmt", metavar="md|docx|pdf", default=None,
              help="Output format (default: from the --output file's suffix).")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write. A Markdown briefing puts its chart images in "
              "<name>_charts/ beside it.")
@click.option("--title", default="Situation briefing", show_default=True,
              help="The briefing's title.")
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Your own copy of the Markdown/Jinja2 template (the bundled one is "
              "graph/briefing/templates/briefing.md.j2); it drives all three formats.")
@click.pass_context
def brief(ctx: click.Context, since: str | None, until: str | None, fmt: str | None,
          output: Path, title: str, template: Path | None) -> None:
    """Write a situation briefing for --since .. --until for a meeting of member states.

    \b
    Sections (worded by the template):
      headline figures   relevant documents, entities, relations, per label
      what is emerging   bursts and first-seen entities
      new routes         first-reported routes with their mode, mode changes
      new platforms and recruiters
      main themes        topic clusters of the window's documents
      key documents      the documents behind the most emerging items
      sources            every citation [n]: title, publisher, date, link

    Every statement carries numbered citations to its source documents.

    Example: scamtrace brief --since 2026-09-01 --until 2026-11-30 -o brief.pdf
    """
    # Everything the user typed is checked before any store is opened.
    briefing_window(since, until)
    if fmt is None:
        if not output.suffix:
            raise ConfigError(f"--output {output}: give --format (md, docx or pdf) or a suffix")
        fmt = output.suffix
    fmt = check_format(fmt)
    template_text = load_template(template) if template is not None else None
    config = config_of(ctx)
    with ExitStack() as stack:
        documents, graph = open_stores(stack, config, "documents", "graph")
        briefing = build_briefing(graph, documents, since, until, title=title)
    folder = chart_folder_for(output)
    rendered = render_briefing(briefing, fmt, template_text,
                               chart_folder=folder.name if fmt == "md" else None,
                               template_name=str(template or "template"))
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(rendered.content)
        if fmt == "md" and rendered.charts:
            folder.mkdir(exist_ok=True)
            for key, png in rendered.charts.items():
                (folder / f"{key}.png").write_bytes(png)
    except OSError as exc:
        raise ConfigError(f"--output {output}: cannot be written ({exc.strerror})") from None
    record_cli(config.home, BRIEFING, f"{fmt} {briefing.since}..{briefing.until} -> {output}")
    err_console.print(
        f"Wrote {output} ({fmt}): {briefing.relevant_documents} relevant documents, "
        f"{sum(len(s.statements) for s in briefing.sections)} statements, "
        f"{len(briefing.citations)} sources, {briefing.since} to {briefing.until}.",
        highlight=False, markup=False, soft_wrap=True)


COMMANDS = [brief]
