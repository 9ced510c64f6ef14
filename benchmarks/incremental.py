"""What adding M documents costs when the store already holds N, per step.

Generates N + M synthetic articles (benchmarks/corpus.py): the first N go to
one folder, the next M (the same year's news continuing, syndicated copies
of earlier items included) to another. A base data directory is built from
the N. Then, for each round, the M are ingested, extracted and built into a
copy of the base and into an empty directory, through the ``scamtrace.runner``
steps with one shared extractor (model loading is not counted). Prints the
median CPU and wall seconds per step for both, and the ratio base/empty
(target: at most 1.5). The last line is one JSON object of all figures.

    python benchmarks/incremental.py --base N --add M [--quick] [--rounds R]
                                     [--from DIR]

--quick is N=1,000, M=100, one round. --from DIR starts from a store that
``pipeline_scale.py --keep DIR`` built (DIR/home from N articles of the same
seed) instead of building the base here: the M added are the articles that
follow the first N in the same generated stream.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from itertools import islice
from pathlib import Path

from corpus import articles, write_feeds
from pipeline_scale import STEPS, open_config, run_step

TARGET = 1.5


def run_all(home: Path, feeds: Path, extractor) -> dict[str, dict]:
    return {step: run_step(step, home, feeds, extractor) for step in STEPS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=int, default=None, help="documents already stored")
    parser.add_argument("--add", type=int, default=None, help="documents added")
    parser.add_argument("--quick", action="store_true", help="N=1,000, M=100, one round")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--from", dest="kept", type=Path, default=None,
                        help="a folder kept by pipeline_scale.py --keep (its home/ is the base)")
    args = parser.parse_args()
    base_n = args.base or (1_000 if args.quick else 20_000)
    add_n = args.add or (100 if args.quick else 1_000)
    rounds = args.rounds or (1 if args.quick else 3)

    from nlp.extract import Extractor

    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        stream = articles(base_n + add_n, args.seed)
        if args.kept is None:
            base = root / "base"
            write_feeds(islice(stream, base_n), root / "base-feeds")
        else:
            base = args.kept / "home"
            if not (base / "graph.sqlite").exists():
                raise SystemExit(f"--from {args.kept}: no built store in {base}")
            for _ in islice(stream, base_n):  # the base already holds these
                pass
        write_feeds(stream, root / "add-feeds", prefix="added")
        extractor = Extractor(open_config(base, root / "add-feeds").nlp)
        if args.kept is None:
            started = time.perf_counter()
            built = run_all(base, root / "base-feeds", extractor)
            print(f"base store: {base_n:,} articles built in {time.perf_counter() - started:.0f} s "
                  f"({built['build']['documents']:,} documents in the graph)", flush=True)
        else:
            size = sum(f.stat().st_size for f in base.glob("*.sqlite")) / 1e9
            print(f"base store: {base} ({size:.2f} GB), kept from {base_n:,} articles", flush=True)

        # Once into a throwaway store: lazy one-off costs (the geocoder's city
        # index, language models, imports) are paid here, not by the first side.
        run_all(root / "warm-up", root / "add-feeds", extractor)
        shutil.rmtree(root / "warm-up")

        spent: dict[str, dict[str, list[float]]] = {
            where: {f"{step}_{clock}": [] for step in STEPS for clock in ("cpu_s", "wall_s")}
            for where in ("onto_base", "onto_empty")}
        for round_number in range(1, rounds + 1):
            onto_base, onto_empty = root / f"base-{round_number}", root / f"empty-{round_number}"
            shutil.copytree(base, onto_base)
            # Alternate which goes first so a neighbour's burst does not favour one side.
            order = [("onto_base", onto_base), ("onto_empty", onto_empty)]
            for where, home in order if round_number % 2 else order[::-1]:
                figures = run_all(home, root / "add-feeds", extractor)
                for step in STEPS:
                    for clock in ("cpu_s", "wall_s"):
                        spent[where][f"{step}_{clock}"].append(figures[step][clock])
                print(f"round {round_number} {where:10} " + "  ".join(
                    f"{step} {figures[step]['documents']} docs {figures[step]['cpu_s']:.2f} CPU-s"
                    for step in STEPS), flush=True)
            shutil.rmtree(onto_base)
            shutil.rmtree(onto_empty)

    medians = {where: {k: round(statistics.median(v), 3) for k, v in figures.items()}
               for where, figures in spent.items()}
    ratios = {}
    print(f"\nadding {add_n:,} to {base_n:,} vs to an empty store ({rounds} rounds, medians)")
    print(f"{'step':8}{'onto base':>14}{'onto empty':>14}{'ratio':>8}   (CPU seconds)")
    for step in STEPS:
        on_base, on_empty = (medians[w][f"{step}_cpu_s"] for w in ("onto_base", "onto_empty"))
        ratios[step] = round(on_base / on_empty, 2) if on_empty else None
        flag = "" if ratios[step] is None or ratios[step] <= TARGET else f"  > {TARGET}"
        print(f"{step:8}{on_base:>14.2f}{on_empty:>14.2f}{ratios[step]:>8.2f}{flag}")
    total_base = sum(medians["onto_base"][f"{s}_cpu_s"] for s in STEPS)
    total_empty = sum(medians["onto_empty"][f"{s}_cpu_s"] for s in STEPS)
    ratios["total"] = round(total_base / total_empty, 2)
    print(f"{'total':8}{total_base:>14.2f}{total_empty:>14.2f}{ratios['total']:>8.2f}")
    print(json.dumps({"base": base_n, "add": add_n, "rounds": rounds, "target": TARGET,
                      **medians, "ratio_cpu": ratios}))


if __name__ == "__main__":
    main()
