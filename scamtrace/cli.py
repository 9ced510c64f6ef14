"""The ``scamtrace`` command line: thin commands over the stages.

Every command reads one Config (``--home``/``--config``, ``SCAMTRACE_*``
variables, TOML), opens the stores it needs, and turns the project's own
errors into a one-line message and a non-zero exit.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import subprocess
import sys
from contextlib import ExitStack, suppress
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingest.errors import ScamtraceError
from scamtrace import __version__
from scamtrace.cli_context import config_of, err_console, open_stores, progress_bars


class ScamtraceGroup(click.Group):
    """Turns ScamtraceError into a clear one-line message and exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ScamtraceError as exc:
            err_console.print(
                f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
            )
            sys.exit(1)


@click.group(cls=ScamtraceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="SCAMTRACE_HOME",
    help="Data directory holding every store (default: $SCAMTRACE_HOME, else "
    "~/.local/share/scamtrace).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="SCAMTRACE_CONFIG",
    help="TOML configuration file (default: HOME/scamtrace.toml if present; with none, "
    "the bundled sample feeds are used).",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(__version__, prog_name="scamtrace")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, config_file: Path | None, verbose: int) -> None:
    """scamtrace: a knowledge graph and NLP monitor for scam-centre and
    human-trafficking trends in Southeast Asia and the Asia-Pacific.

    \b
    Data flows one way:
      ingest   feeds, pages, PDFs  ->  documents     (HOME/documents.sqlite)
      extract  documents           ->  entities, relations (HOME/extractions.sqlite)
      build    extractions         ->  knowledge graph (embedded or Neo4j)
      dashboard                    ->  Streamlit on 127.0.0.1

    \b
    Start with:  scamtrace run && scamtrace dashboard
    """
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = {"home": home, "config_file": config_file}


def _summary(title: str, report: object) -> None:
    if report is None:
        return
    if hasattr(report, "summary"):
        text = report.summary()
    elif dataclasses.is_dataclass(report):
        fields = dataclasses.asdict(report).items()
        text = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in fields)
    else:
        text = str(report)
    err_console.print(f"[bold]{title}:[/] {escape(text)}", highlight=False, soft_wrap=True)


@cli.command()
@click.pass_context
def ingest(ctx: click.Context) -> None:
    """Fetch every configured feed, page, PDF or folder into the document store.

    Feeds are fetched with conditional requests, so an unchanged feed costs one
    request. A source that fails is recorded with its error (see `scamtrace
    status`) and the others go on.
    """
    from scamtrace import runner

    config = config_of(ctx)
    with runner.run_lock(config), ExitStack() as stack, progress_bars() as bars:
        (documents,) = open_stores(stack, config, "documents")
        report = runner.ingest_step(config, documents, progress=bars.for_step("ingest"))
    _summary("ingest", report)


@cli.command()
@click.pass_context
def extract(ctx: click.Context) -> None:
    """Run entity and relation extraction on documents not yet processed."""
    from scamtrace import runner

    config = config_of(ctx)
    with runner.run_lock(config), ExitStack() as stack, progress_bars() as bars:
        documents, extractions = open_stores(stack, config, "documents", "extractions")
        report = runner.extract_step(config, documents, extractions,
                                     progress=bars.for_step("extract"))
    _summary("extract", report)


@cli.command()
@click.option("--rebuild", is_flag=True,
              help="Recreate the graph from scratch from the extractions.")
@click.pass_context
def build(ctx: click.Context, rebuild: bool) -> None:
    """Bring the knowledge graph up to date with the stored extractions.

    Only extractions newer than the graph's high-water mark are written, so an
    interrupted build resumes where it stopped.
    """
    from scamtrace import runner

    config = config_of(ctx)
    with runner.run_lock(config), ExitStack() as stack, progress_bars() as bars:
        documents, extractions, graph = open_stores(
            stack, config, "documents", "extractions", "graph"
        )
        report = runner.build_step(documents, extractions, graph, rebuild=rebuild,
                                   progress=bars.for_step("build"), writer=config.graph.writer)
    _summary("build", report)


@cli.command()
@click.option("--serve", is_flag=True, help="Serve the dashboard when the run has finished.")
@click.pass_context
def run(ctx: click.Context, serve: bool) -> None:
    """Ingest, extract and build, each step incremental (safe to run again)."""
    from scamtrace import runner

    config = config_of(ctx)
    if config.using_sample_feeds:
        err_console.print("No feeds configured: using the bundled sample feeds.", style="dim")
    with runner.run_lock(config), ExitStack() as stack, progress_bars() as bars:
        documents, extractions, graph = open_stores(
            stack, config, "documents", "extractions", "graph"
        )
        reports = [
            ("ingest", runner.ingest_step(config, documents, progress=bars.for_step("ingest"))),
            ("extract", runner.extract_step(config, documents, extractions,
                                            progress=bars.for_step("extract"))),
            ("build", runner.build_step(documents, extractions, graph,
                                        progress=bars.for_step("build"),
                                        writer=config.graph.writer)),
            ("watchlist", runner.watchlist_step(config, documents, extractions, graph)),
        ]
    for title, report in reports:
        _summary(title, report)
    if serve:
        ctx.invoke(dashboard)


@cli.command()
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1, from config).")
@click.option("--port", default=None, type=int, help="Port (default 8501, from config).")
@click.pass_context
def dashboard(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the Streamlit dashboard (on 127.0.0.1 unless told otherwise).

    Once an account exists (`scamtrace user add`) every visitor must sign in.
    Any address other than a loopback one is refused while no account exists.
    """
    from importlib.util import find_spec

    from ingest.errors import ConfigError
    from scamtrace.accounts import accounts_path, count_accounts, is_exposed

    config = config_of(ctx)
    host = host or config.dashboard.host
    port = port or config.dashboard.port
    # Checked before anything binds: an exposed dashboard without accounts would be open to all.
    if is_exposed(host) and count_accounts(accounts_path(config.home)) == 0:
        raise ConfigError(
            f"dashboard on {host}: refusing to serve other machines with no account; add one "
            "with `scamtrace user add NAME --role analyst` or bind 127.0.0.1"
        )
    # Located, not imported: the Streamlit app runs in its own process.
    app = Path(find_spec("dashboard").origin).parent / "app.py"
    env = dict(os.environ, SCAMTRACE_HOME=str(config.home), SCAMTRACE_DASHBOARD_HOST=host)
    if config.config_file:
        env["SCAMTRACE_CONFIG"] = str(config.config_file)
    err_console.print(f"Dashboard on http://{host}:{port}  (Ctrl+C to stop)")
    cmd = [sys.executable, "-m", "streamlit", "run", str(app),
           "--server.address", host, "--server.port", str(port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with suppress(KeyboardInterrupt):
        sys.exit(subprocess.call(cmd, env=env))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Counts of documents, entities and relations, and the state of each feed."""
    config = config_of(ctx)
    with ExitStack() as stack:
        documents, extractions, graph = open_stores(
            stack, config, "documents", "extractions", "graph"
        )
        doc_counts = documents.counts()
        ext_counts = extractions.counts()
        graph_counts = graph.counts()
        feeds = documents.feed_status()
    result = {
        "home": str(config.home),
        "backend": config.graph.backend,
        "documents": {
            "total": doc_counts.get("total", 0),
            "relevant": ext_counts.get("relevant", 0),
            "duplicates": doc_counts.get("duplicates", 0) + doc_counts.get("near_duplicates", 0),
            "exact_duplicates": doc_counts.get("duplicates", 0),
            "near_duplicates": doc_counts.get("near_duplicates", 0),
            "non_english": doc_counts.get("non_english", 0),
            "extracted": ext_counts.get("documents", 0),
            "in_graph": graph_counts.get("documents", 0),
        },
        "entities": graph_counts.get("entities", {}),
        "relations": graph_counts.get("relations", {}),
        "feeds": feeds,
    }
    if as_json:
        click.echo(json.dumps(result, indent=2, default=str))
        return
    console = Console()
    console.print(f"[bold]scamtrace[/] home {result['home']}  graph backend {result['backend']}")
    d = result["documents"]
    console.print(
        f"documents {d['total']}  relevant {d['relevant']}  duplicates {d['duplicates']}  "
        f"non-English {d['non_english']}  extracted {d['extracted']}"
    )
    table = Table("label", "entities")
    for label, n in sorted(result["entities"].items()):
        table.add_row(label, str(n))
    console.print(table)
    table = Table("relation", "edges")
    for rel, n in sorted(result["relations"].items()):
        table.add_row(rel, str(n))
    console.print(table)
    table = Table("feed", "status", "last fetch", "documents", "error")
    for f in feeds:
        table.add_row(str(f.get("name")), str(f.get("status")), str(f.get("last_fetch") or ""),
                      str(f.get("documents", "")), str(f.get("error") or ""))
    console.print(table)


@cli.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--jsonl", is_flag=True, help="One JSON object per file, one per line.")
@click.pass_context
def analyze(ctx: click.Context, files: tuple[Path, ...], jsonl: bool) -> None:
    """Extract entities and routes from plain-text FILES; touches no stored state.

    Each result names the file (without extension) as "id" and lists the
    canonical names found per label, the routes and whether the text is
    relevant.
    """
    from nlp.analyze import analyze_record
    from nlp.extract import Extractor

    config = config_of(ctx)
    items = []
    for path in files:
        try:
            items.append((path.stem, path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            raise click.ClickException(f"{path}: not UTF-8 text") from None
    extractor = Extractor(config.nlp)
    for (doc_id, _), extraction in zip(items, extractor.extract(items), strict=True):
        record = analyze_record(doc_id, extraction)
        if jsonl:
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(json.dumps(record, ensure_ascii=False, indent=2))


def _register_command_modules() -> None:
    """Add every command defined in ``scamtrace/commands/`` (one module per command group)."""
    import importlib
    import pkgutil

    from scamtrace import commands

    for module in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        loaded = importlib.import_module(f"scamtrace.commands.{module.name}")
        for command in getattr(loaded, "COMMANDS", ()):
            cli.add_command(command)


_register_command_modules()


def main() -> None:
    cli(prog_name="scamtrace")


if __name__ == "__main__":
    main()
