"""Latency of every query the dashboard pages make, on a graph built from the corpus.

Generates N synthetic articles (benchmarks/corpus.py), runs ingest, extract
and build through ``scamtrace.runner`` into a fresh data directory, then
times the dashboard's queries (overview, top entities, search, profile,
neighbourhood, shortest path, documents, and the trends report with its
themes) on the embedded store and, when a server answers, on Neo4j loaded
from the same extractions. Prints p50/p95 side by side; the last line is
one JSON object of all figures.

    python benchmarks/queries.py --n N [--quick] [--rounds R]
        [--no-neo4j] [--neo4j-uri bolt://127.0.0.1:7687]   (password: $SCAMTRACE_NEO4J_PASSWORD)

Neo4j's database is cleared first: point it at a server for tests or
benchmarks, used by nothing else meanwhile (its figures are discarded when
the document count changed under the run). --quick is N=500 and 10 rounds
(3 for the trends report).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from corpus import articles, write_feeds
from graph_backends import dashboard_queries, timed
from pipeline_scale import STEPS, open_config, run_step


def picks_from(store) -> dict:
    """The same entities, pairs and one-year window for every backend."""
    newest = store.documents(limit=1)[0].published
    top = [n.key for n in store.overview(limit=20).top_entities]
    tail = [n.key for n in store.search_entities("", limit=400)[200:]]
    rng = random.Random(3)
    return {"top": top, "since": f"{int(newest[:4]) - 1}{newest[4:]}", "until": newest,
            "pairs": [(rng.choice(tail or top), rng.choice(top + tail)) for _ in range(20)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=None, help="articles in the corpus")
    parser.add_argument("--quick", action="store_true", help="N=500, 10 rounds")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-neo4j", action="store_true",
                        help="embedded only: leave a shared Neo4j server alone")
    parser.add_argument("--neo4j-uri", default=os.environ.get("SCAMTRACE_NEO4J_URI",
                                                              "bolt://127.0.0.1:7687"))
    args = parser.parse_args()
    n = args.n or (500 if args.quick else 10_000)
    rounds = args.rounds or (10 if args.quick else 30)
    trend_rounds = max(3, rounds // 5)

    from graph.embedded import EmbeddedGraphStore
    from graph.sync import sync_graph
    from graph.trends import trends_report
    from ingest.errors import StoreError
    from ingest.store import DocumentStore
    from nlp.store import ExtractionStore

    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    figures: dict = {"n": n, "rounds": rounds, "trend_rounds": trend_rounds}
    with tempfile.TemporaryDirectory() as tmp:
        feeds, home = Path(tmp) / "feeds", Path(tmp) / "home"
        write_feeds(articles(n, args.seed), feeds)
        started = time.perf_counter()
        for step in STEPS:
            run_step(step, home, feeds)
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
                    if name != "embedded":  # load the same extractions into it
                        started = time.perf_counter()
                        report = sync_graph(extractions, documents, store, rebuild=True)
                        figures[name]["load_s"] = round(time.perf_counter() - started, 2)
                        print(f"{name}: loaded {report.documents} documents in "
                              f"{figures[name]['load_s']} s", flush=True)
                    picks = picks or picks_from(store)
                    for query, call in dashboard_queries(store, picks):
                        figures[name][query] = timed(call, rounds)
                    figures[name]["trends_report"] = timed(
                        lambda s=store, w=(picks["since"], picks["until"]): trends_report(
                            s, documents, *w), trend_rounds)
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
    print(f"\n{n:,} articles, p50 / p95 in ms ({rounds} rounds; trends {trend_rounds})")
    print(f"{'':16}" + "".join(f"{name:>24}" for name in names))
    for query in queries:
        print(f"{query:16}" + "".join(
            f"{figures[name][query]['p50_ms']:>11.1f} /{figures[name][query]['p95_ms']:>8.1f} ms"
            for name in names))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
