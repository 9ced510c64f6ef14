"""Wall time and peak memory of the commands that read the whole store.

Runs each ``scamtrace`` command as a user would, in its own process, over a data
directory: the trends report, the briefing in each format, and every export
format over the 90 days ending on the newest document and over all time with
documents. Peak memory is the command's own high-water mark (``wait4``'s
``ru_maxrss``, taken by a small launcher), set against the 4 GiB every command
must stay under at 100,000 documents. Prints a table and, last, one JSON object.

    python benchmarks/commands.py --home DIR [--only brief,export-gexf-all]
    python benchmarks/commands.py --quick        (500 generated articles, built first)

Outputs go to a temporary folder: a whole-graph export at 100,000 documents
writes up to 2 GB there.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from pipeline_scale import generated_home  # noqa: E402

LIMIT_MB = 4 * 1024  # the ceiling for any command at 100,000 documents
EXPORTS = ("graphml", "gexf", "csv", "json", "ftm")


def window(home: Path, days: int = 90) -> tuple[str, str]:
    """The ``days`` ending on the newest document."""
    from graph.embedded import EmbeddedGraphStore
    from scamtrace.config import load_config

    with EmbeddedGraphStore(load_config(home=home, env={"HOME": str(home)}).graph_path) as store:
        newest = store.documents(limit=1)[0].published[:10]
    return (date.fromisoformat(newest) - timedelta(days=days - 1)).isoformat(), newest


def commands(since: str, until: str, out: Path) -> dict[str, list[str]]:
    """Name -> arguments of ``scamtrace``."""
    dated = ["--since", since, "--until", until]
    found = {"trends": ["trends", *dated, "--json"]}
    for fmt in ("md", "docx", "pdf"):
        found[f"brief-{fmt}"] = ["brief", *dated, "-o", str(out / f"briefing.{fmt}")]
    for fmt in EXPORTS:
        target = out / f"export-{fmt}" if fmt == "csv" else out / f"export.{fmt}"
        found[f"export-{fmt}-90d"] = ["export", "--format", fmt, *dated, "-o", str(target)]
        found[f"export-{fmt}-all"] = ["export", "--format", fmt, "--documents", "-o",
                                      str(target)]
    return found


# A child's peak memory counts what it inherited at the fork, so each command is
# started from this small launcher rather than from the benchmark (which holds spaCy
# after --quick built its store): LAUNCHER FIGURES_FILE ARGUMENTS...
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "scamtrace.cli", *sys.argv[2:]])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def run(arguments: list[str], home: Path, scratch: Path) -> dict:
    """Run ``scamtrace ARGUMENTS`` on ``home``: wall seconds, the command's peak MB."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCAMTRACE_")}
    env["SCAMTRACE_HOME"] = str(home)
    figures = scratch / "figures.txt"
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe the command could fill
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", LAUNCHER, str(figures), *arguments], env=env,
                       stdout=subprocess.DEVNULL, stderr=errors, check=False)
        wall = time.perf_counter() - started
        code, peak_kb = (int(x) for x in figures.read_text().split())
        if code != 0:
            errors.seek(0)
            raise SystemExit(f"scamtrace {' '.join(arguments)} failed ({code}): "
                             f"{errors.read().decode(errors='replace').strip()[-500:]}")
    return {"wall_s": round(wall, 2), "peak_mb": round(peak_kb / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="an existing data directory")
    parser.add_argument("--quick", action="store_true", help="500 generated articles")
    parser.add_argument("--only", default="", help="comma-separated command names "
                        "(trends, brief-md, export-gexf-all, ...; default: all)")
    args = parser.parse_args()
    if (args.home is None) == (not args.quick):
        parser.error("give --home DIR or --quick")

    with tempfile.TemporaryDirectory() as tmp:
        home = args.home
        if home is None:
            _, home = generated_home(Path(tmp), 500)
        out = Path(tmp) / "out"
        out.mkdir()
        since, until = window(home)
        chosen = commands(since, until, out)
        wanted = [c.strip() for c in args.only.split(",") if c.strip()] or list(chosen)
        unknown = [c for c in wanted if c not in chosen]
        if unknown:
            parser.error(f"unknown commands {unknown}: choose from {', '.join(chosen)}")
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
              f"data: {home}; window {since} to {until}", flush=True)
        figures = {}
        for name in wanted:
            figures[name] = run(chosen[name], home, Path(tmp))
            print(f"  {name}: {figures[name]}", flush=True)

    print(f"\n{'command':22}{'wall s':>9}{'peak MB':>10}  under {LIMIT_MB} MB")
    for name, f in figures.items():
        print(f"{name:22}{f['wall_s']:>9.2f}{f['peak_mb']:>10}  "
              f"{'yes' if f['peak_mb'] < LIMIT_MB else 'NO'}")
    print(json.dumps({"home": str(args.home or "generated 500"), "since": since,
                      "until": until, "commands": figures}))


if __name__ == "__main__":
    main()
