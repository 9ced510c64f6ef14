"""End to end on a generated corpus: ingest, extract and build at scale.

Writes N synthetic articles (benchmarks/corpus.py) as RSS files, then runs
the three pipeline steps of ``scamtrace.runner`` in a fresh data directory,
each step in its own process so that its peak memory (ru_maxrss) is its
own. Prints documents per second (wall and CPU) and peak memory per step,
and the store's size on disk. Then, on the same stored texts, it runs the
extractor beside the bare spaCy model (``spacy.load(model).pipe``) and the
extractor with ``n_process=2``, in rounds whose order rotates, and prints
the medians' ratios. The last line is one JSON object of all figures.

    python benchmarks/pipeline_scale.py --n N [--quick] [--seed 1] [--sample K]
                                        [--rounds R] [--n-process P] [--keep DIR]
                                        [--compare-again]

--quick is N=1,000 and a 200-text comparison sample, one round (default 3).
--compare-again redoes the comparison of a kept run (the earlier one is kept
under "superseded"). --n-process sets the
extract step's spaCy processes (default 1). --keep DIR writes the feeds and
the data directory under DIR and leaves them there, so the incremental and
query benchmarks can start from the same store (``--from DIR``).

A long run can be stopped and resumed: with --keep, the figures so far are
saved in DIR/figures.json after every step, and the running step's pid is in
DIR/step.pid. ``kill -TERM $(cat DIR/step.pid)`` ends that step after its
current batch; its figures are saved as one segment and the script exits.
Running the same command again (same --keep DIR) skips finished steps and
resumes the unfinished one from its high-water mark; a step's figures are
the sum of its segments.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import articles, write_feeds

HERE = Path(__file__).resolve().parent
STEPS = ("ingest", "extract", "build")


def open_config(home: Path, feeds: Path, n_process: int = 1):
    from scamtrace.config import load_config

    return load_config(home=home, env={"SCAMTRACE_FEEDS": str(feeds), "HOME": str(home),
                                       "SCAMTRACE_NLP_N_PROCESS": str(n_process)})


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (spaCy's workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # Linux: kilobytes


def run_step(step: str, home: Path, feeds: Path, extractor=None, n_process: int = 1) -> dict:
    """Run one pipeline step through scamtrace.runner; its counts and times."""
    from graph.embedded import EmbeddedGraphStore
    from ingest.store import DocumentStore
    from nlp.store import ExtractionStore
    from scamtrace import runner

    config = open_config(home, feeds, n_process)
    wall, cpu = time.perf_counter(), cpu_seconds()
    with DocumentStore(config.documents_path) as documents:
        if step == "ingest":
            report = runner.ingest_step(config, documents)
            counts = {"documents": sum(s.new + s.near_duplicates + s.duplicates
                                       + s.unchanged for s in report.sources),
                      "new": sum(s.new for s in report.sources),
                      "near_duplicates": sum(s.near_duplicates for s in report.sources),
                      "errors": len(report.errors)}
        else:
            extractions = ExtractionStore(config.extractions_path)
            try:
                if step == "extract":
                    report = runner.extract_step(config, documents, extractions, extractor)
                    counts = {"documents": report.documents, "extracted": report.extracted,
                              "duplicates": report.duplicates}
                else:
                    graph = EmbeddedGraphStore(config.graph_path)
                    try:
                        report = runner.build_step(documents, extractions, graph)
                    finally:
                        graph.close()
                    counts = {"documents": report.extractions,
                              "relevant": report.relevant}
            finally:
                extractions.close()
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    return {**counts, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "docs_per_s": round(counts["documents"] / wall, 1) if wall else None,
            "docs_per_cpu_s": round(counts["documents"] / cpu, 1) if cpu else None}


def generated_home(root: Path, n: int, seed: int = 1) -> tuple[Path, Path]:
    """(feeds, home) under ``root``: ``n`` generated articles written as feeds and run
    through every step (the --quick runs of the other benchmarks)."""
    feeds, home = root / "feeds", root / "home"
    write_feeds(articles(n, seed), feeds)
    for step in STEPS:
        run_step(step, home, feeds)
    return feeds, home


class Interrupted(Exception):
    """SIGTERM arrived: the step stops after its last committed batch."""


def _interrupt(signum, frame) -> None:
    # spaCy's pipe joins its workers while unwinding, and a worker blocked on
    # writing a finished batch nobody will read never exits: end them first.
    import multiprocessing

    for worker in multiprocessing.active_children():
        worker.kill()
    raise Interrupted


def step_mark(step: str, home: Path) -> int:
    """How far a resumable step has got: its store's high-water mark."""
    path, sql = {
        "extract": ("extractions.sqlite",
                    "SELECT value FROM meta WHERE key = 'document_high_water_mark'"),
        "build": ("graph.sqlite", "SELECT value FROM meta WHERE key = 'high_water_mark'"),
    }[step]
    if not (home / path).exists():
        return 0
    with sqlite3.connect(f"file:{home / path}?mode=ro", uri=True) as db:
        try:
            row = db.execute(sql).fetchone()
        except sqlite3.OperationalError:  # no meta table yet
            return 0
    return int(row[0]) if row else 0


def documents_between(step: str, home: Path, after: int, upto: int) -> int:
    """Documents a step handled between two of its marks."""
    path, table = {"extract": ("documents.sqlite", "documents"),
                   "build": ("extractions.sqlite", "extractions")}[step]
    with sqlite3.connect(f"file:{home / path}?mode=ro", uri=True) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table} WHERE seq > ? AND seq <= ?",
                          (after, upto)).fetchone()[0]


def run_step_until_stopped(step: str, home: Path, feeds: Path, n_process: int) -> dict:
    """run_step, but SIGTERM ends it cleanly with the figures of what it did."""
    signal.signal(signal.SIGTERM, _interrupt)
    before = step_mark(step, home) if step in ("extract", "build") else None
    wall, cpu = time.perf_counter(), cpu_seconds()
    try:
        return {**run_step(step, home, feeds, n_process=n_process), "complete": True}
    except Interrupted:
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        done = (documents_between(step, home, before, step_mark(step, home))
                if before is not None else 0)
        return {"documents": done, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                "docs_per_s": round(done / wall, 1) if wall else None,
                "docs_per_cpu_s": round(done / cpu, 1) if cpu else None, "complete": False}


def combine(segments: list[dict]) -> dict:
    """One step's figures from the segments it ran in (sums, and the highest peaks)."""
    if len(segments) == 1:
        return {**segments[0], "segments": 1}
    documents = sum(s["documents"] for s in segments)
    wall = sum(s["wall_s"] for s in segments)
    cpu = sum(s["cpu_s"] for s in segments)
    return {"documents": documents, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "docs_per_s": round(documents / wall, 1) if wall else None,
            "docs_per_cpu_s": round(documents / cpu, 1) if cpu else None,
            "max_rss_mb": max(s.get("max_rss_mb", 0) for s in segments),
            "children_max_rss_mb": max(s.get("children_max_rss_mb", 0) for s in segments),
            "complete": segments[-1]["complete"], "segments": len(segments)}


def compare_extraction(home: Path, feeds: Path, sample: int, rounds: int) -> dict:
    """Extractor beside bare nlp.pipe (same model, same texts), and with n_process=2:
    ``rounds`` rounds, the order rotated each round so that a neighbour's burst does not
    favour one side; medians. The two-process figure includes starting the workers."""
    import spacy

    from ingest.store import DocumentStore
    from nlp.extract import Extractor
    from nlp.run import document_text

    config = open_config(home, feeds)
    with DocumentStore(config.documents_path) as documents:
        texts = [document_text(d) for _, d in documents.iter_documents()
                 if d.duplicate_of is None][:sample]
    items = [(str(i), t) for i, t in enumerate(texts)]
    words = sum(len(t.split()) for t in texts)
    bare = spacy.load(config.nlp.model)
    ours = Extractor(config.nlp)
    two = Extractor(open_config(home, feeds, n_process=2).nlp)
    list(bare.pipe(texts[:8]))
    list(ours.extract(items[:8]))
    batch = config.nlp.batch_size
    runs = {"bare_pipe": lambda: list(bare.pipe(texts, batch_size=batch)),
            "extractor": lambda: list(ours.extract(items)),
            "extractor_n_process_2": lambda: list(two.extract(items))}
    spent: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    names = list(runs)
    for round_number in range(rounds):
        for name in names[round_number % 3:] + names[:round_number % 3]:
            wall, cpu = time.perf_counter(), time.process_time()
            runs[name]()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            spent[name].append((wall, cpu))
            print(f"  round {round_number + 1} {name:22} {len(texts) / wall:8.1f} docs/s wall "
                  f"(parent CPU {cpu:.1f} s, load {os.getloadavg()[0]:.1f})", flush=True)
    figures: dict[str, dict] = {}
    for name, times in spent.items():
        wall = statistics.median(w for w, _ in times)
        cpu = statistics.median(c for _, c in times)
        figures[name] = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                         "docs_per_s": round(len(texts) / wall, 1),
                         "words_per_s": round(words / wall)}
        print(f"  median {name:22} {len(texts) / wall:8.1f} docs/s wall, {words / wall:9,.0f} "
              f"words/s", flush=True)
    return {"texts": len(texts), "words": words, "rounds": rounds, **figures,
            "extractor_vs_bare": round(figures["extractor"]["wall_s"]
                                       / figures["bare_pipe"]["wall_s"], 2),
            "n_process_2_speedup": round(figures["extractor"]["wall_s"]
                                         / figures["extractor_n_process_2"]["wall_s"], 2)}


def in_child(args: list[str], pid_file: Path | None = None) -> dict:
    """Run this script on one step in a new process; its last stdout line is JSON."""
    child = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), *args],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if pid_file is not None:
        pid_file.write_text(f"{child.pid}\n")
    stdout, stderr = child.communicate()
    if pid_file is not None:
        pid_file.unlink(missing_ok=True)
    if child.returncode != 0:
        raise SystemExit(f"step {args} failed:\n{stderr[-3000:]}")
    lines = stdout.rstrip().splitlines()
    for line in lines[:-1]:
        print(line)
    return json.loads(lines[-1])


def store_bytes(home: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in sorted(home.glob("*.sqlite*"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=None, help="articles in the corpus")
    parser.add_argument("--quick", action="store_true", help="N=1,000, 200-text comparison")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=None,
                        help="texts in the extraction comparison (default 1,000; quick 200)")
    parser.add_argument("--n-process", type=int, default=1,
                        help="spaCy processes for the extract step (default 1)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="write feeds and data directory under DIR and keep them")
    parser.add_argument("--rounds", type=int, default=None,
                        help="rounds of the extraction comparison (default 3; quick 1)")
    parser.add_argument("--compare-again", action="store_true",
                        help="redo the extraction comparison of a kept run")
    parser.add_argument("--step", choices=(*STEPS, "compare"), help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--feeds", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.step:  # child process: one step, one JSON line
        if args.step == "compare":
            result = compare_extraction(args.home, args.feeds, args.sample, args.rounds)
            result["max_rss_mb"] = peak_rss_mb()
            result["children_max_rss_mb"] = peak_rss_mb(resource.RUSAGE_CHILDREN)
        else:
            result = {**run_step_until_stopped(args.step, args.home, args.feeds, args.n_process),
                      "max_rss_mb": peak_rss_mb(), "children_max_rss_mb":
                      peak_rss_mb(resource.RUSAGE_CHILDREN)}
        print(json.dumps(result))
        return

    n = args.n or (1_000 if args.quick else 10_000)
    sample = args.sample or (200 if args.quick else 1_000)
    rounds = args.rounds or (1 if args.quick else 3)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    state = args.keep / "figures.json" if args.keep is not None else None
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep if args.keep is not None else Path(tmp)
        feeds, home = root / "feeds", root / "home"
        if state is not None and state.exists():
            figures = json.loads(state.read_text())
            if (figures["n"], figures["seed"]) != (n, args.seed):
                raise SystemExit(f"--keep {root}: holds a run with --n {figures['n']} "
                                 f"--seed {figures['seed']}; give the same to resume it")
            print(f"resuming the run kept in {root}")
        elif args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
            raise SystemExit(f"--keep {args.keep}: folder is not empty and holds no figures.json")
        else:
            started = time.perf_counter()
            files = write_feeds(articles(n, args.seed), feeds)
            generated = time.perf_counter() - started
            print(f"corpus: {n:,} articles in {len(files)} files, "
                  f"{sum(f.stat().st_size for f in files) / 1e6:.1f} MB, {generated:.1f} s")
            figures = {"n": n, "seed": args.seed, "n_process": args.n_process,
                       "corpus_s": round(generated, 2), "segments": {}}

        def save() -> None:
            if state is not None:
                state.write_text(json.dumps(figures, indent=1) + "\n")

        save()
        for step in STEPS:
            if figures.get(step, {}).get("complete"):
                print(f"{step:8} done in an earlier run")
                continue
            segment = in_child(["--step", step, "--home", str(home), "--feeds", str(feeds),
                                "--n-process", str(args.n_process)],
                               root / "step.pid" if args.keep is not None else None)
            figures["segments"].setdefault(step, []).append(segment)
            figures[step] = f = combine(figures["segments"][step])
            save()
            print(f"{step:8} {f['documents']:>7,} docs  {f['docs_per_s']:>8.1f} docs/s wall  "
                  f"{f['docs_per_cpu_s']:>8.1f} docs/CPU-s  peak {f['max_rss_mb']:>6.0f} MB"
                  f" (worker processes {f['children_max_rss_mb']:.0f} MB)"
                  + ("" if f["segments"] == 1 else f", {f['segments']} segments"), flush=True)
            if not segment["complete"]:
                raise SystemExit(f"{step} stopped by SIGTERM; figures so far in {state}. "
                                 "Run the same command again to resume.")
        sizes = store_bytes(home)
        figures["store_bytes"] = sizes
        total = sum(sizes.values())
        print(f"store on disk: {total / 1e6:.1f} MB ({total / n / 1e3:.1f} kB per article): "
              + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items()))
        if "compare" not in figures or args.compare_again:
            print(f"extraction on {sample} stored texts, {rounds} rounds:")
            if "compare" in figures:
                figures.setdefault("superseded", {}).setdefault("compare", []).append(
                    figures["compare"])
            figures["compare"] = in_child(["--step", "compare", "--home", str(home),
                                           "--feeds", str(feeds), "--sample", str(sample),
                                           "--rounds", str(rounds)])
            save()
        c = figures["compare"]
        print(f"extractor / bare pipe wall time: {c['extractor_vs_bare']:.2f}x; "
              f"n_process=2 speed-up: {c['n_process_2_speedup']:.2f}x")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
