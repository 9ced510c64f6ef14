"""How fast each graph backend loads and answers the dashboard's queries.

Generates one synthetic graph (entities from the gazetteers in
nlp/gazetteers/, with their aliases, plus synthetic people; documents that
mention a few of them and state relations between them, each with its
sentence as evidence), loads the same batches into the embedded store and
into Neo4j, then times every query the dashboard makes on both and prints
them side by side: load rate (relations/s, a relation being one piece of
evidence) and p50/p95 latency. The last line is one JSON object of all
figures.

    python benchmarks/graph_backends.py [--quick] [--relations N] [--rounds N]
        [--no-neo4j] [--store PATH] [--window-days D] [--profile QUERY]
        [--neo4j-uri bolt://127.0.0.1:7687]   (password: $SCAMTRACE_NEO4J_PASSWORD)

Neo4j's database is cleared first: point it at a server for tests or
benchmarks, not at one holding a graph you want. Without a reachable server,
or with --no-neo4j, only the embedded store is measured. --store PATH keeps
the embedded store in that file: a file already holding a graph is timed as
it is, without generating or loading anything (so ~100,000 documents /
~700,000 relations, ``--relations 700000``, are built once). --profile QUERY
prints cProfile's top functions of one query on the embedded store.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

from graph.batch import normalise_batch
from graph.embedded import EmbeddedGraphStore
from graph.model import DocumentRow, EntityRow, EvidenceRow, GraphBatch, GraphStore, MentionRow
from graph.trends import (
    burst_section,
    counts_section,
    emerging_entities,
    first_seen_section,
    mode_change_section,
    new_relation_section,
    trend_window,
    trends_report,
)
from ingest.errors import StoreError
from nlp.taxonomy import (
    CO_OCCURS,
    LOCATED_IN,
    LOCATION,
    OPERATES_IN,
    PERSON,
    PLATFORM,
    RECRUITER,
    RECRUITS_VIA,
    ROUTE,
    ROUTE_MODES,
)

ROOT = Path(__file__).resolve().parents[1]
GAZETTEERS = ROOT / "nlp" / "gazetteers"
DOCS_PER_BATCH = 200
SYLLABLES = ("an", "ba", "chai", "dao", "en", "hong", "kyaw", "lin", "min", "nga", "phon",
             "rith", "sok", "thu", "vann", "wai", "yin", "zaw")


def gazetteer_entities() -> dict[str, EntityRow]:
    """Canonical entities of the gazetteers, aliases being their other patterns."""
    aliases: dict[str, set[str]] = {}
    labels: dict[str, tuple[str, str]] = {}
    for path in sorted(GAZETTEERS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            entry = json.loads(line)
            if not isinstance(entry.get("pattern"), str) or not entry.get("id"):
                continue
            key = f"{entry['label']}:{entry['id']}"
            labels[key] = (entry["label"], entry["id"])
            if entry["pattern"] != entry["id"]:
                aliases.setdefault(key, set()).add(entry["pattern"])
    return {key: EntityRow(key=key, label=label, name=name,
                           aliases=tuple(sorted(aliases.get(key, ()))[:8]))
            for key, (label, name) in labels.items()}


def synthetic_world(relations: int, seed: int = 7) -> Iterator[GraphBatch]:
    """Batches of documents carrying about ``relations`` pieces of evidence,
    made one at a time (a large world does not fit in memory at once)."""
    rng = random.Random(seed)
    entities = gazetteer_entities()
    for i in range(max(200, relations // 40)):  # a long tail of people and brokers
        name = " ".join(rng.choice(SYLLABLES).title() + rng.choice(SYLLABLES) for _ in range(2))
        label = PERSON if i % 3 else RECRUITER
        entities.setdefault(f"{label}:{name}", EntityRow(key=f"{label}:{name}", label=label,
                                                         name=name))
    keys = sorted(entities)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(keys))]  # a few very popular
    rng.shuffle(weights)
    by_label = {label: [k for k in keys if entities[k].label == label]
                for label in {e.label for e in entities.values()}}
    typed = ((ROUTE, LOCATION, LOCATION), (LOCATED_IN, LOCATION, LOCATION),
             (RECRUITS_VIA, RECRUITER, PLATFORM), (OPERATES_IN, RECRUITER, LOCATION))
    documents, mentions, evidence, used = [], [], [], {}
    made, doc_number = 0, 0
    while made < relations:
        doc_id = f"doc{doc_number:07d}"
        day = doc_number % 730
        date = f"{2023 + day // 365}-{1 + day % 365 // 31:02d}-{1 + day % 31 % 28:02d}"
        relevant = doc_number % 5 != 4
        documents.append(DocumentRow(
            id=doc_id, title=f"Report {doc_number} on scam compounds and trafficking",
            url=f"https://example.org/{doc_id}", source=rng.choice(("Irrawaddy", "Frontier",
                                                                   "UNODC", "Khmer Times")),
            published=date, relevant=relevant))
        doc_number += 1
        if relevant:
            for sentence in range(rng.randint(2, 4)):
                named = sorted(set(rng.choices(keys, weights, k=rng.randint(2, 3))))
                for key in named:
                    used[key] = entities[key]
                    mentions.append(MentionRow(doc_id, key, 1, date))
                text = f"Sentence {sentence} of {doc_id} naming {', '.join(named)}."
                for a, b in combinations(named, 2):
                    evidence.append(EvidenceRow(CO_OCCURS, a, b, "", (), doc_id, sentence,
                                                text, date))
                type_, source_label, target_label = rng.choice(typed)
                source = rng.choice(by_label.get(source_label) or keys)
                target = rng.choice(by_label.get(target_label) or keys)
                if source != target:
                    used[source], used[target] = entities[source], entities[target]
                    mentions += [MentionRow(doc_id, source, 1, date),
                                 MentionRow(doc_id, target, 1, date)]
                    mode = rng.choice(ROUTE_MODES) if type_ == ROUTE else ""
                    via = (rng.choice(("Moei River", "Mekong", "Poipet")),) if mode else ()
                    evidence.append(EvidenceRow(type_, source, target, mode, via, doc_id,
                                                sentence, text, date))
        if len(documents) == DOCS_PER_BATCH:
            made += len(evidence)
            yield normalise_batch(GraphBatch(
                documents=tuple(documents), entities=tuple(used.values()),
                mentions=tuple(mentions), evidence=tuple(evidence),
                high_water_mark=doc_number))
            documents, mentions, evidence, used = [], [], [], {}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(call: Callable[[], object], rounds: int) -> dict[str, float]:
    """Wall-clock p50/p95, and the same of this process's CPU time (what the query
    costs when other processes share the machine; Neo4j's server time is not in it)."""
    call()  # warm caches, as a dashboard rerun would have them
    spent, cpu = [], []
    for _ in range(rounds):
        started, cpu_started = time.perf_counter(), time.process_time()
        call()
        spent.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return {"p50_ms": round(statistics.median(spent), 2),
            "p95_ms": round(percentile(spent, 0.95), 2),
            "cpu_p50_ms": round(statistics.median(cpu), 2),
            "cpu_p95_ms": round(percentile(cpu, 0.95), 2)}


def dashboard_queries(store: GraphStore, picks: dict) -> Iterator[tuple[str, Callable]]:
    top, pairs, since, until = picks["top"], picks["pairs"], picks["since"], picks["until"]
    cycle = {"i": 0}

    def next_of(items):
        cycle["i"] += 1
        return items[cycle["i"] % len(items)]

    yield "search", lambda: store.search_entities(next_of(("mya", "thai", "park", "a", "k.k")))
    yield "profile", lambda: store.entity_profile(next_of(top), since=since, until=until)
    yield "neighbourhood", lambda: store.neighbourhood(next_of(top), depth=1, since=since,
                                                       until=until, limit=150)
    yield "shortest_path", lambda: store.shortest_path(*next_of(pairs))
    # The Links page: every shortest path between two, each hop with its 3 newest statements.
    yield "paths", lambda: store.paths(*next_of(pairs), evidence_limit=3)
    yield "top_entities", lambda: store.top_entities(LOCATION, since=since, until=until)
    yield "documents", lambda: store.documents(query=next_of(("", "scam", "report 1")),
                                               since=since, until=until)
    yield "overview", lambda: store.overview(since=since, until=until)
    # The Map page: the window's 500 strongest routes, each with its 20 newest statements in
    # the window, and (when that cut some) how many routes the window states in all.
    yield "map_routes", lambda: store.edges((ROUTE,), since=since, until=until,
                                            evidence_limit=20, limit=500)
    yield "map_route_count", lambda: store.edge_count((ROUTE,), since=since, until=until)
    # The Trends page: each section as the page asks for it (the window resolved once),
    # then the whole report without its themes (the CLI and briefing; themes timed apart).
    window = trend_window(store, since, until)
    emerging = tuple(emerging_entities(burst_section(store, window),
                                       first_seen_section(store, window), window.settings))
    yield "trend_window", lambda: trend_window(store, since, until)
    yield "trend_bursts", lambda: burst_section(store, window)
    yield "trend_first_seen", lambda: first_seen_section(store, window)
    yield "trend_counts", lambda: counts_section(store, window, emerging)
    yield "trend_new_relations", lambda: new_relation_section(store, window)
    yield "trend_mode_changes", lambda: mode_change_section(store, window)
    yield "trends_report", lambda: trends_report(store, None, since, until)


def load(store: GraphStore, batches: Iterable[GraphBatch]) -> dict[str, float]:
    store.clear()
    relations = 0
    started = time.perf_counter()
    for batch in batches:
        store.upsert(batch)
        relations += len(batch.evidence)
    seconds = time.perf_counter() - started
    return {"relations": relations, "seconds": round(seconds, 2),
            "relations_per_s": round(relations / seconds, 1)}


def picks_from(store: GraphStore, window_days: int = 365) -> dict:
    """The same entities, pairs and window (the ``window_days`` ending on the
    newest document) for every backend."""
    newest = store.documents(limit=1)[0].published
    since = (date.fromisoformat(newest[:10]) - timedelta(days=window_days - 1)).isoformat()
    top = [n.key for n in store.overview(limit=20).top_entities]
    tail = [n.key for n in store.search_entities("", limit=400)[200:]]
    rng = random.Random(3)
    return {"top": top, "since": since, "until": newest[:10],
            "pairs": [(rng.choice(tail or top), rng.choice(top + tail)) for _ in range(20)]}


def profile_query(store: GraphStore, picks: dict, query: str, top: int = 25) -> None:
    """cProfile's top functions (cumulative time) of one dashboard query, warm."""
    import cProfile
    import pstats

    calls = dict(dashboard_queries(store, picks))
    calls[query]()
    profiler = cProfile.Profile()
    profiler.runcall(calls[query])
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 relations, 10 rounds")
    parser.add_argument("--relations", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--no-neo4j", action="store_true", help="the embedded store only")
    parser.add_argument("--store", type=Path, default=None,
                        help="embedded store file to keep (one holding a graph is reused)")
    parser.add_argument("--window-days", type=int, default=365,
                        help="the window the queries ask for, ending on the newest document "
                             "(the dashboard's default is 90)")
    parser.add_argument("--profile", default=None, metavar="QUERY",
                        help="print a cProfile of this query on the embedded store")
    parser.add_argument("--neo4j-uri", default=os.environ.get("SCAMTRACE_NEO4J_URI",
                                                              "bolt://127.0.0.1:7687"))
    args = parser.parse_args()
    relations = args.relations or (10_000 if args.quick else 100_000)
    rounds = args.rounds or (10 if args.quick else 30)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")

    stores: dict[str, Callable[[], GraphStore]] = {}
    tmp = tempfile.TemporaryDirectory()
    embedded_path = args.store or Path(tmp.name) / "graph.sqlite"
    stores["embedded"] = lambda: EmbeddedGraphStore(embedded_path)
    try:
        if args.no_neo4j or args.profile:
            raise StoreError("--no-neo4j given")
        from graph.neo4j_store import Neo4jGraphStore

        Neo4jGraphStore(uri=args.neo4j_uri, user=os.environ.get("SCAMTRACE_NEO4J_USER", "neo4j"),
                        password=os.environ.get("SCAMTRACE_NEO4J_PASSWORD", "scamtrace-dev")
                        ).close()
        stores["neo4j"] = lambda: Neo4jGraphStore(
            uri=args.neo4j_uri, user=os.environ.get("SCAMTRACE_NEO4J_USER", "neo4j"),
            password=os.environ.get("SCAMTRACE_NEO4J_PASSWORD", "scamtrace-dev"))
    except StoreError as exc:
        print(f"neo4j skipped: {exc}")

    figures: dict[str, dict] = {}
    picks: dict = {}
    for name, open_store in stores.items():
        store = open_store()
        try:
            if name == "embedded" and store.high_water_mark() > 0:
                figures[name] = {"load": {"reused": str(embedded_path)}}
            else:
                figures[name] = {"load": load(store, synthetic_world(relations))}
            counts = store.counts()
            print(f"{name}: {figures[name]['load']}; {counts['documents']:,} documents, "
                  f"{sum(counts['relations'].values()):,} edges", flush=True)
            picks = picks or picks_from(store, args.window_days)
            if args.profile:
                profile_query(store, picks, args.profile)
                return
            for query, call in dashboard_queries(store, picks):
                figures[name][query] = timed(call, rounds)
                print(f"  {query}: {figures[name][query]}", flush=True)
        finally:
            store.close()

    names = list(figures)
    print(f"\n{'':20}" + "".join(f"{n:>24}" for n in names))
    print(f"{'load rel/s':20}" + "".join(
        f"{figures[n]['load'].get('relations_per_s', 0):>24,.0f}" for n in names))
    for query in [q for q in figures[names[0]] if q != "load"]:
        print(f"{query:20}" + "".join(
            f"{figures[n][query]['p50_ms']:>11.1f} /{figures[n][query]['p95_ms']:>8.1f} ms"
            f"  (cpu {figures[n][query]['cpu_p50_ms']:.1f} / {figures[n][query]['cpu_p95_ms']:.1f})"
            for n in names))
    print("(query columns: wall p50 / p95, then this process's CPU p50 / p95)")
    print(json.dumps({"relations": relations, "rounds": rounds, **figures}))
    tmp.cleanup()


if __name__ == "__main__":
    main()
