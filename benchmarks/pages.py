"""Wall time and memory of each dashboard page, as a user opens it.

Runs the real app (``dashboard/app.py``) with Streamlit's AppTest over a data
directory and opens each page with its defaults (the 90 days ending on the
newest document): the first view, where every query the page makes is worked
out, then a rerun, where they come from the cache keyed by the data version
(what a user's every click costs). Pages are opened in the order given, in
one process, as one user would: a page after the Graph explorer finds its
analysis graph built (the app is run once first, its cached results then
dropped, so the first page does not pay for importing the app). Prints a
table and, last, one JSON object.

    python benchmarks/pages.py --home DIR [--pages overview,trends,...] [--reruns 3]
    python benchmarks/pages.py --quick        (500 generated articles, built first)

The resident memory after each page is the process's (``/proc/self/statm``);
the high-water mark is ``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from pipeline_scale import generated_home  # noqa: E402

PAGES = {"overview": "views/overview.py", "entities": "views/entities.py",
         "explorer": "views/explorer.py", "documents": "views/documents.py",
         "trends": "views/trends.py", "map": "views/map.py", "links": "views/links.py"}
TIMEOUT_S = 600
SHOWN = {"dataframe", "table", "plotly_chart", "metric", "deckgl_json_chart", "graphviz_chart",
         "expander"}


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def query_params(home: Path) -> dict[str, dict[str, str]]:
    """What each page is opened on: the window's most mentioned entity, and for the
    Links page a path between two entities (the queries benchmark's first pair)."""
    from graph_backends import picks_from

    from graph.embedded import EmbeddedGraphStore
    from scamtrace.config import load_config

    with EmbeddedGraphStore(load_config(home=home, env={"HOME": str(home)}).graph_path) as store:
        picks = picks_from(store, 90)
    top, (source, target) = picks["top"][0], picks["pairs"][0]
    return {"entities": {"entity": top}, "explorer": {"entity": top},
            "documents": {"entity": top}, "links": {"from": source, "to": target}}


def shown(app) -> int:
    """Tables, charts and figures on the page: a page that shows nothing was not timed."""
    def count(node) -> int:
        return sum((getattr(child, "type", "") in SHOWN) + count(child)
                   for child in getattr(node, "children", {}).values())

    return count(app.main)


def warm_up() -> None:
    """Run the app once, then forget its cached results: the first page timed pays for
    its queries, not for importing Streamlit, plotly and the app's modules."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=TIMEOUT_S).run()
    st.cache_data.clear()


def visit(page: str, params: dict[str, str], reruns: int) -> dict:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=TIMEOUT_S)
    app.switch_page(PAGES[page])  # before the first run: the default page is not run first
    app.query_params.update(params)
    started = time.perf_counter()
    app.run()
    first = time.perf_counter() - started
    if app.exception:
        raise SystemExit(f"{page}: the page failed: {app.exception[0].value}")
    again = []
    for _ in range(reruns):
        started = time.perf_counter()
        app.run()
        again.append(time.perf_counter() - started)
    return {"first_s": round(first, 3), "rerun_s": round(statistics.median(again), 3),
            "elements": shown(app),
            "resident_mb": round(resident_mb()), "peak_mb": round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="an existing data directory")
    parser.add_argument("--quick", action="store_true", help="500 generated articles")
    parser.add_argument("--pages", default=",".join(PAGES),
                        help=f"comma-separated, in order (default: {','.join(PAGES)})")
    parser.add_argument("--reruns", type=int, default=3)
    args = parser.parse_args()
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = [p for p in pages if p not in PAGES]
    if unknown or (args.home is None) == (not args.quick):
        parser.error(f"unknown pages {unknown}" if unknown else "give --home DIR or --quick")

    with tempfile.TemporaryDirectory() as tmp:
        home = args.home
        if home is None:
            _, home = generated_home(Path(tmp), 500)
        for name in [k for k in os.environ if k.startswith("SCAMTRACE_")]:
            del os.environ[name]
        os.environ["SCAMTRACE_HOME"] = str(home)
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
              f"data: {home}; resident at start {resident_mb():.0f} MB", flush=True)
        params = query_params(home)
        warm_up()
        figures = {}
        for page in pages:
            figures[page] = visit(page, params.get(page, {}), args.reruns)
            print(f"  {page}: {figures[page]}", flush=True)

    print(f"\n{'page':12}{'first view s':>14}{'rerun s':>10}{'resident MB':>13}{'peak MB':>10}"
          f"{'elements':>10}")
    for page, f in figures.items():
        print(f"{page:12}{f['first_s']:>14.2f}{f['rerun_s']:>10.2f}{f['resident_mb']:>13}"
              f"{f['peak_mb']:>10}{f['elements']:>10}")
    print(json.dumps({"home": str(args.home or "generated 500"), "pages": figures}))


if __name__ == "__main__":
    main()
