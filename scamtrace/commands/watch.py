"""``scamtrace watchlist``, ``alerts`` and ``watch``: follow entities and terms, and run
the pipeline on a schedule so new matches arrive by themselves."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import threading
import time
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingest.errors import ConfigError, LockedError, ScamtraceError
from scamtrace.cli_context import config_of, err_console, open_stores
from scamtrace.config import Config

log = logging.getLogger("scamtrace.watch")

STATUS_FILE = "watch-status.json"
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
INTERVAL = re.compile(r"(?:(\d+)([smhd]))+")


def parse_interval(text: str) -> float:
    """Seconds in an interval like ``30s``, ``30m``, ``2h``, ``1d`` or ``1h30m``."""
    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned or not INTERVAL.fullmatch(cleaned):
        hint = " (a unit is needed)" if cleaned.isdigit() else ""
        raise ConfigError(f"interval {text!r}: not understood{hint}; give a number and a unit, "
                          "e.g. 30s, 30m, 2h, 1d or 1h30m")
    seconds = sum(int(n) * UNIT_SECONDS[u] for n, u in re.findall(r"(\d+)([smhd])", cleaned))
    if seconds <= 0:
        raise ConfigError(f"interval {text!r}: must be longer than zero")
    return float(seconds)


def _interval(ctx: click.Context, param: click.Parameter, value: str) -> float:
    try:
        return parse_interval(value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc)) from None


def _since(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        if "T" in value:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC)
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date (2026-07-31) or UTC date-time (2026-07-31T08:00:00Z)"
        ) from None


def _watchlist_path(config: Config) -> Path:
    from graph.watchlist import WATCHLIST_FILE

    return config.home / WATCHLIST_FILE


# -- watchlist ---------------------------------------------------------------------

@click.group()
def watchlist() -> None:
    """Entities and terms to watch; new documents matching them become alerts.

    Matching runs after every `scamtrace run` and `scamtrace watch` cycle (or
    `scamtrace watchlist check`). The list is plain SQLite in
    HOME/watchlist.sqlite; alerts are listed by `scamtrace alerts` and written to
    the Atom feed HOME/alerts.atom.
    """


@watchlist.command("add")
@click.argument("term", required=False)
@click.option("--entity", "entity", metavar="KEY",
              help="Watch an entity by key (LOCATION:KK Park) or by its exact name.")
@click.option("--relevant-only", is_flag=True,
              help="A term matches only relevant documents (entities always do).")
@click.option("--backfill", is_flag=True,
              help="Also match documents already extracted (default: only new ones).")
@click.pass_context
def watchlist_add(ctx: click.Context, term: str | None, entity: str | None,
                  relevant_only: bool, backfill: bool) -> None:
    """Watch a TERM (a word or phrase, matched in titles and text) or an --entity.

    \b
      scamtrace watchlist add "Huione"
      scamtrace watchlist add --entity "LOCATION:KK Park"
      scamtrace watchlist add --entity "Prince Group" --backfill
    """
    from graph.watchlist import ENTITY, TERM, Watchlist

    if (term is None) == (entity is None):
        raise click.UsageError("give either a TERM or --entity KEY")
    config = config_of(ctx)
    with ExitStack() as stack:
        extractions, graph = open_stores(stack, config, "extractions", "graph")
        start = 0 if backfill else extractions.max_seq()
        if entity is not None:
            key = _entity_key(graph, entity)
            if graph.entity(key) is None:
                err_console.print(f"note: {escape(key)} is not in the graph yet; it will be "
                                  "matched when a document names it", style="dim")
            kind, value = ENTITY, key
        else:
            kind, value = TERM, term or ""
        with Watchlist(_watchlist_path(config)) as store:
            watch = store.add(kind, value, start_seq=start, relevant_only=relevant_only)
    click.echo(f"watching {watch.kind} {watch.value!r} (id {watch.id})")


def _entity_key(graph, text: str) -> str:
    """A key as given (LABEL:name), or the one entity whose name or alias is exactly ``text``."""
    from graph.batch import fold
    from graph.watchlist import check_entity_key
    from nlp.taxonomy import ENTITY_LABELS

    prefix = text.partition(":")[0]
    if prefix in ENTITY_LABELS or (":" in text and prefix.isupper()):
        return check_entity_key(text)
    exact = [n for n in graph.search_entities(text, limit=50)
             if fold(text) in {fold(n.name), *(fold(a) for a in n.aliases)}]
    if len(exact) == 1:
        return exact[0].key
    if not exact:
        raise ConfigError(f"entity {text!r}: no entity has this name; give a key like "
                          "LOCATION:KK Park or see `scamtrace export` for the names")
    raise ConfigError(f"entity {text!r}: several entities have this name "
                      f"({', '.join(n.key for n in exact)}); give the key")


@watchlist.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def watchlist_list(ctx: click.Context, as_json: bool) -> None:
    """Show what is watched, with each watch's id and alert count."""
    from graph.watchlist import Watchlist

    config = config_of(ctx)
    path = _watchlist_path(config)
    watches, counts = [], {}
    if path.exists():
        with Watchlist(path) as store:
            watches = store.watches()
            for alert in store.alerts():
                counts[alert.watch_id] = counts.get(alert.watch_id, 0) + 1
    rows = [{"id": w.id, "kind": w.kind, "value": w.value, "relevant_only": w.relevant_only,
             "added": w.added, "alerts": counts.get(w.id, 0)} for w in watches]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("Nothing watched yet: scamtrace watchlist add TERM | --entity KEY")
        return
    table = Table("id", "kind", "watching", "alerts", "added")
    for row in rows:
        table.add_row(str(row["id"]), row["kind"], escape(row["value"]), str(row["alerts"]),
                      row["added"])
    Console().print(table)


@watchlist.command("remove")
@click.argument("watch")
@click.pass_context
def watchlist_remove(ctx: click.Context, watch: str) -> None:
    """Stop watching WATCH (its id, entity key or term); its alerts are removed too."""
    from graph.watchlist import ATOM_FILE, Watchlist, write_atom

    config = config_of(ctx)
    path = _watchlist_path(config)
    if not path.exists():
        raise ConfigError(f"watch {watch!r}: the watchlist is empty")
    with Watchlist(path) as store:
        removed = store.remove(watch)
        write_atom(store, config.home / ATOM_FILE)
    click.echo(f"no longer watching {removed.kind} {removed.value!r}")


@watchlist.command("check")
@click.pass_context
def watchlist_check(ctx: click.Context) -> None:
    """Match the watchlist now against what the graph holds (no fetching)."""
    from scamtrace import runner

    config = config_of(ctx)
    with runner.run_lock(config), ExitStack() as stack:
        documents, extractions, graph = open_stores(
            stack, config, "documents", "extractions", "graph")
        report = runner.watchlist_step(config, documents, extractions, graph)
    err_console.print(f"[bold]watchlist:[/] {escape(report.summary())}", highlight=False)


# -- alerts ------------------------------------------------------------------------

@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.option("--since", callback=_since,
              help="Only alerts recorded on or after this date or UTC date-time.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many.")
@click.pass_context
def alerts(ctx: click.Context, as_json: bool, since: str | None, limit: int | None) -> None:
    """Documents that matched the watchlist, newest first.

    The same alerts are in the Atom feed HOME/alerts.atom for a feed reader.
    """
    from graph.watchlist import Watchlist

    config = config_of(ctx)
    path = _watchlist_path(config)
    found = []
    if path.exists():
        with Watchlist(path) as store:
            found = store.alerts(since=since, limit=limit)
    if as_json:
        click.echo(json.dumps([a.as_dict() for a in found], indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("No alerts.")
        return
    console = Console()
    for alert in found:
        console.print(f"[bold]{escape(alert.value)}[/]  {alert.published}  "
                      f"{escape(alert.title)}", highlight=False)
        if alert.url:
            console.print(f"  {escape(alert.url)}", style="dim", highlight=False)
        for sentence in alert.evidence:
            console.print(f"  \u201c{escape(sentence)}\u201d", highlight=False)


# -- watch -------------------------------------------------------------------------

class StopFlag:
    """Set by SIGINT/SIGTERM: the current step finishes, then the loop ends. A second
    signal stops at once (the stores roll back their open transaction)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signal_name = ""

    def install(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._handle)

    def _handle(self, signum: int, frame: object) -> None:
        if self.event.is_set():
            raise KeyboardInterrupt
        self.signal_name = signal.Signals(signum).name
        log.warning("%s received: finishing the current step, then stopping",
                    self.signal_name)
        err_console.print(f"{self.signal_name}: finishing the current step, then stopping "
                          "(again to stop at once)", style="yellow")
        self.event.set()

    @property
    def stopped(self) -> bool:
        return self.event.is_set()

    def sleep(self, seconds: float) -> bool:
        """Sleep unless stopped; True when woken by a stop."""
        return self.event.wait(seconds)


def _timestamp(moment: float | None = None) -> str:
    when = datetime.fromtimestamp(time.time() if moment is None else moment, UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_status(path: Path, status: dict) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(status, indent=2), encoding="utf-8")
    os.replace(partial, path)


def _summary(report: object) -> str:
    return report.summary() if hasattr(report, "summary") else str(report)


class PipelineCycle:
    """One ingest -> extract -> build -> watchlist pass, under the run lock. The spaCy
    pipeline is loaded once, when a cycle first has documents to extract, and kept."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.extractor = None

    def _extract(self, documents, extractions) -> object:
        from nlp.extract import Extractor
        from scamtrace import runner

        if documents.count_after(extractions.document_high_water_mark()) == 0:
            return "no new documents"
        if self.extractor is None:
            self.extractor = Extractor(self.config.nlp)
        return runner.extract_step(self.config, documents, extractions, extractor=self.extractor)

    def run(self, stop: StopFlag, on_step) -> dict[str, str]:
        """Run the steps in order, stopping between steps once ``stop`` is set; returns each
        finished step's summary."""
        from scamtrace import runner

        config = self.config
        done: dict[str, str] = {}
        with runner.run_lock(config), ExitStack() as stack:
            documents, extractions, graph = open_stores(
                stack, config, "documents", "extractions", "graph")
            steps = (
                ("ingest", lambda: runner.ingest_step(config, documents)),
                ("extract", lambda: self._extract(documents, extractions)),
                ("build", lambda: runner.build_step(documents, extractions, graph,
                                                    writer=config.graph.writer)),
                ("watchlist", lambda: runner.watchlist_step(config, documents, extractions, graph)),
            )
            for name, step in steps:
                if stop.stopped:
                    break
                on_step(name)
                done[name] = _summary(step())
                log.info("watch: %s: %s", name, done[name])
        return done


@click.command()
@click.option("--interval", default="30m", show_default=True, callback=_interval,
              help="Time from the end of one cycle to the start of the next: 30s, 30m, 2h, 1d.")
@click.pass_context
def watch(ctx: click.Context, interval: float) -> None:
    """Run ingest, extract, build and the watchlist on a schedule until stopped.

    Ctrl+C or SIGTERM lets the current step finish (every step is resumable),
    then exits 0; a second signal stops at once. While a cycle cannot get the
    data directory's lock (another run holds it) the cycle is skipped.
    Progress is in HOME/watch-status.json:

    \b
      {"state": "running" | "sleeping" | "stopped", "cycle": 3, "step": "extract",
       "last_cycle": {"started", "finished", "steps": {...}, "error"}, "next_run": ...}
    """
    config = config_of(ctx)
    config.home.mkdir(parents=True, exist_ok=True)
    status_path = config.home / STATUS_FILE
    cycle = PipelineCycle(config)
    stop = StopFlag()
    stop.install()
    status: dict = {"pid": os.getpid(), "state": "starting", "cycle": 0, "step": None,
                    "interval_s": interval, "started": _timestamp(), "last_cycle": None,
                    "next_run": None}
    _write_status(status_path, status)
    err_console.print(f"Watching {config.home}: a cycle every {timedelta(seconds=interval)} "
                      "(Ctrl+C to stop)", style="dim")

    def on_step(name: str) -> None:
        status.update(state="running", step=name)
        _write_status(status_path, status)

    while not stop.stopped:
        status["cycle"] += 1
        started = _timestamp()
        status.update(state="running", step=None, next_run=None)
        _write_status(status_path, status)
        error = None
        steps: dict[str, str] = {}
        try:
            steps = cycle.run(stop, on_step)
        except LockedError as exc:
            error = str(exc)
            log.warning("watch: cycle %d skipped: %s", status["cycle"], exc)
        except ScamtraceError as exc:  # a feed server or Neo4j down: try again next cycle
            error = str(exc)
            log.error("watch: cycle %d failed: %s", status["cycle"], exc)
            err_console.print(f"[bold red]cycle {status['cycle']} failed:[/] {escape(error)}",
                              highlight=False)
        status["last_cycle"] = {"started": started, "finished": _timestamp(), "steps": steps,
                                "error": error, "complete": "watchlist" in steps}
        err_console.print(f"cycle {status['cycle']} finished: "
                          + "; ".join(f"{k}: {v}" for k, v in steps.items()), highlight=False,
                          soft_wrap=True)
        if stop.stopped:
            break
        status.update(state="sleeping", step=None, next_run=_timestamp(time.time() + interval))
        _write_status(status_path, status)
        stop.sleep(interval)
    status.update(state="stopped", step=None, next_run=None, stopped=_timestamp(),
                  signal=stop.signal_name)
    _write_status(status_path, status)
    err_console.print("watch stopped", style="dim")


COMMANDS = (watchlist, alerts, watch)
