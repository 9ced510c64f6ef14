"""Latency of every query the dashboard pages make, on a graph built from the corpus.

Generates N synthetic articles (benchmarks/corpus.py), runs ingest, extract
and build through ``scamtrace.runner`` into a fresh data directory, then
times the dashboard's queries (overview, top entities, search, profile,
neighbourhood, shortest path, documents, the map's routes, and the trends
report with its themes) on the embedded store and, when a server answers, on Neo4j loaded
from the same extractions. Prints p50/p95 side by side; the last line is
one JSON object of all figures.

    python benchmarks/queries.py --n N [--quick] [--rounds R] [--window-days D]
        [--home DIR] [--no-neo4j] [--neo4j-uri bolt://127.0.0.1:7687] [--neo4j-as-loaded]
        (password: $SCAMTRACE_NEO4J_PASSWORD)

--home DIR times an existing data directory instead (its graph.sqlite,
documents.sqlite and extractions.sqlite): nothing is generated, extracted or
built; Neo4j, unless --no-neo4j, is loaded from its extractions. Opening an
embedded store written by an older scamtrace adds its derived tables and
indexes once (that first open is not timed). --window-days is the window the
queries ask for, ending on the newest document (default 365; the dashboard's
default is 90). The Trends page's sections are timed one by one as the page
asks for them (each cached per data version and window by the dashboard),
then the whole report (the CLI's and the briefing's) without its themes.

Neo4j's database is cleared first (unless --neo4j-as-loaded, which times a
server loaded from the same --home before, as it is): point it at a server for
tests or benchmarks, used by nothing else meanwhile (its figures are discarded when
the document count changed under the run). --quick is N=500 and 10 rounds
(3 for the trends report).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from graph_backends import dashboard_queries, picks_from, timed
from pipeline_scale import generated_home, open_config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=None, help="articles in the corpus")
    parser.add_argument("--quick", action="store_true", help="N=500, 10 rounds")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--home", type=Path, default=None,
                        help="time this existing data directory (no generation, no NLP)")
    parser.add_argument("--window-days", type=int, default=365,
                        help="days in the queries' window, ending on the newest document")
    parser.add_argument("--no-neo4j", action="store_true",
                        help="embedded only: leave a shared Neo4j server alone")
    parser.add_argument("--neo4j-uri", default=os.environ.get("SCAMTRACE_NEO4J_URI",
                                                              "bolt://127.0.0.1:7687"))
    parser.add_argument("--neo4j-as-loaded", action="store_true",
                        help="time Neo4j as it is (loaded from this --home before), without "
                        "clearing and loading it: its document count must match")
    args = parser.parse_args()
    n = args.n or (500 if args.quick else 10_000)
    rounds = args.rounds or (10 if args.quick else 30)
    trend_rounds = max(3, rounds // 5)

    from graph.embedded import EmbeddedGraphStore
    from graph.sync import sync_graph
    from graph.trends import theme_section, trend_window
    from ingest.errors import StoreError
    from ingest.store import DocumentStore
    from nlp.store import ExtractionStore

    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    figures: dict = {"n": n, "rounds": rounds, "trend_rounds": trend_rounds,
                     "window_days": args.window_days}
    if args.home is not None:
        figures["home"] = str(args.home)
    with tempfile.TemporaryDirectory() as tmp:
        if args.home is not None:
            from scamtrace.config import load_config

            config = load_config(home=args.home, env={"HOME": str(args.home)})
            started = time.perf_counter()
            EmbeddedGraphStore(config.graph_path).close()  # migrate once, untimed
            print(f"opened {config.graph_path} in {time.perf_counter() - started:.1f} s",
                  flush=True)
        else:
            started = time.perf_counter()
            feeds, home = generated_home(Path(tmp), n, args.seed)
            config = open_config(home, feeds)
            print(f"built {n:,} articles in {time.perf_counter() - started:.0f} s", flush=True)

        stores: dict[str, Callable] = {"embedded": lambda: EmbeddedGraphStore(config.graph_path)}
        try:
            if args.no_neo4j:
                raise StoreError("--no-neo4j given")
            from graph.neo4j_store import Neo4jGraphStore

            def neo4j() -> Neo4jGraphStore:
                return Neo4jGraphStore(
                    uri=args.neo4j_uri, user=os.environ.get("SCAMTRACE_NEO4J_USER", "neo4j"),
                    password=os.environ.get("SCAMTRACE_NEO4J_PASSWORD", "scamtrace-dev"))

            neo4j().close()
            stores["neo4j"] = neo4j
        except StoreError as exc:
            print(f"neo4j skipped: {exc}")

        picks: dict = {}
        documents = DocumentStore(config.documents_path)
        extractions = ExtractionStore(config.extractions_path)
        try:
            for name, open_store in stores.items():
                store = open_store()
                try:
                    figures[name] = {}
                    if name == "embedded":
                        expected = store.counts()["documents"]
                    elif args.neo4j_as_loaded:  # a server loaded from this --home before
                        found = store.counts()["documents"]
                        if found != expected:
                            raise SystemExit(f"{name} holds {found} documents, the embedded "
                                             f"store {expected}: load it (drop --neo4j-as-loaded)")
                        report = SimpleNamespace(documents=found)
                    else:  # load the same extractions into it
                        started = time.perf_counter()
                        report = sync_graph(extractions, documents, store, rebuild=True)
                        figures[name]["load_s"] = round(time.perf_counter() - started, 2)
                        print(f"{name}: loaded {report.documents} documents in "
                              f"{figures[name]['load_s']} s", flush=True)
                    picks = picks or picks_from(store, args.window_days)
                    for query, call in dashboard_queries(store, picks):
                        figures[name][query] = timed(
                            call, trend_rounds if query == "trends_report" else rounds)
                        print(f"  {name} {query}: {figures[name][query]}", flush=True)
                    # The Trends page's themes section, as the page asks for it.
                    window = trend_window(store, picks["since"], picks["until"])
                    figures[name]["themes"] = timed(
                        lambda s=store, w=window: theme_section(s, w, documents), trend_rounds)
                    print(f"  {name} themes: {figures[name]['themes']}", flush=True)
                    loaded = store.counts().get("documents")
                    if name != "embedded" and loaded != report.documents:
                        # A shared server: another client cleared or wrote to it meanwhile.
                        note = (f"{name} figures discarded: the database held {loaded} "
                                f"documents after timing, not {report.documents}")
                        print(note)
                        figures[name] = {"discarded": note}
                        continue
                    print(f"{name}: {len(figures[name])} queries timed", flush=True)
                finally:
                    store.close()
        finally:
            extractions.close()
            documents.close()

    names = [name for name in stores if "discarded" not in figures.get(name, {"discarded": 1})]
    queries = [q for q in figures[names[0]] if q != "load_s"]
    what = args.home if args.home is not None else f"{n:,} articles"
    print(f"\n{what}, {args.window_days}-day window, p50 / p95 in ms, wall (CPU of this "
          f"process) ({rounds} rounds; trends and themes {trend_rounds})")
    print(f"{'':20}" + "".join(f"{name:>40}" for name in names))
    for query in queries:
        print(f"{query:20}" + "".join(
            f"{figures[name][query]['p50_ms']:>11.1f} /{figures[name][query]['p95_ms']:>8.1f} "
            f"({figures[name][query]['cpu_p50_ms']:.1f} / {figures[name][query]['cpu_p95_ms']:.1f})"
            for name in names))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
