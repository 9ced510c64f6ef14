"""CPU time of the themes of one dashboard window, without NLP.

Takes the first N on-topic articles of the synthetic corpus (benchmarks/corpus.py),
dates them evenly over 90 days (the dashboard's default window), stores them in
a real DocumentStore in a temporary directory and times ``themes_for_window``
on their summaries: CPU seconds per round and the median. With --whole it also
times clustering every document (no sample), as the themes did before sampling.
The last line is one JSON object of all figures.

    python benchmarks/themes.py [--n 25000] [--rounds 3] [--whole] [--quick] [--profile]

--quick is N=5,000. sklearn is imported before timing: a dashboard pays that
once per process, not per window. --profile also prints cProfile's top
functions of one (warm) call: where the time goes between reading the sample's
texts, counting terms, and NMF.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
WINDOW_DAYS = 90


def cpu_rounds(call, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.process_time()
        call()
        times.append(round(time.process_time() - start, 3))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, help="on-topic documents in the window (25,000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--whole", action="store_true",
                        help="also time clustering every document, without a sample")
    parser.add_argument("--quick", action="store_true", help="N=5,000")
    parser.add_argument("--profile", action="store_true",
                        help="print cProfile's top functions of one call")
    args = parser.parse_args()
    n = args.n or (5_000 if args.quick else 25_000)

    import sklearn.decomposition  # noqa: F401  (imported once per process, not timed)
    import sklearn.feature_extraction.text  # noqa: F401
    from corpus import ON_TOPIC, articles

    from graph.model import DocumentSummary
    from graph.themes import SAMPLE_SIZE, themes_for_window
    from ingest.records import Document
    from ingest.store import DocumentStore

    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    figures: dict = {"n": n, "rounds": args.rounds, "sample_size": SAMPLE_SIZE}
    first = date(2025, 1, 1)
    with tempfile.TemporaryDirectory() as tmp, DocumentStore(Path(tmp) / "d.sqlite") as store:
        start = time.process_time()
        summaries = []
        on_topic = (a for a in articles(n * 2, seed=1) if a.kind == ON_TOPIC)
        with store.transaction():
            for article in on_topic:
                if len(summaries) == n:
                    break
                published = (first + timedelta(days=len(summaries) * WINDOW_DAYS // n)).isoformat()
                doc_id = f"doc-{article.number:07d}"
                store.add(Document(id=doc_id, url=article.link, title=article.title,
                                   published=published, source=article.outlet, text=article.text,
                                   language="en", content_hash=doc_id))
                summaries.append(DocumentSummary(id=doc_id, title=article.title, url=article.link,
                                                 source=article.outlet, published=published,
                                                 relevant=True))
        figures["store_cpu_s"] = round(time.process_time() - start, 1)
        print(f"{n} documents over {WINDOW_DAYS} days stored in {figures['store_cpu_s']} CPU s")

        themes = themes_for_window(summaries, store)
        figures["themes"] = len(themes)
        figures["clustered"] = themes[0].clustered if themes else 0
        times = cpu_rounds(lambda: themes_for_window(summaries, store), args.rounds)
        figures["cpu_s"], figures["cpu_s_median"] = times, statistics.median(times)
        print(f"themes: {len(themes)} from {figures['clustered']} of {n} documents, CPU s "
              f"{times}, median {figures['cpu_s_median']}")
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(themes_for_window, summaries, store)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        if args.whole:
            times = cpu_rounds(lambda: themes_for_window(summaries, store, sample_size=n),
                               args.rounds)
            figures["whole_cpu_s"], figures["whole_cpu_s_median"] = times, statistics.median(times)
            print(f"themes of every document: CPU s {times}, median {statistics.median(times)}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
