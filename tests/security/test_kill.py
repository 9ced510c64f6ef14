"""`scamtrace run` killed with SIGKILL again and again ends where one clean run ends."""

from __future__ import annotations

import random
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest
from run_process import kill_group, start_run, wait_for_lock

pytestmark = pytest.mark.slow

KILLS = 20
SEED = 20261123


def _scalar(path: Path, sql: str) -> int:
    if not path.exists():
        return 0
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = db.execute(sql).fetchone()
    except sqlite3.OperationalError:  # the table was not created yet
        return 0
    finally:
        db.close()
    return int(row[0] or 0) if row else 0


def stage_left(home: Path, feeds: int) -> str:
    """The first stage a killed run left unfinished, read from the stores."""
    ingested = _scalar(home / "documents.sqlite",
                       "SELECT COUNT(*) FROM feeds WHERE status IN ('ok', 'not_modified')")
    if ingested < feeds:
        return "ingest"
    last_document = _scalar(home / "documents.sqlite", "SELECT MAX(seq) FROM documents")
    extracted = _scalar(home / "extractions.sqlite",
                        "SELECT value FROM meta WHERE key = 'document_high_water_mark'")
    if extracted < last_document:
        return "extract"
    last_extraction = _scalar(home / "extractions.sqlite", "SELECT MAX(seq) FROM extractions")
    in_graph = _scalar(home / "graph.sqlite",
                       "SELECT value FROM meta WHERE key = 'high_water_mark'")
    if in_graph < last_extraction:
        return "build"
    return "after build"


def _wait_until_extracted(home: Path, feeds: int, run) -> None:
    while run.poll() is None and stage_left(home, feeds) in ("ingest", "extract"):
        time.sleep(0.05)


def test_run_killed_twenty_times_ends_like_an_uninterrupted_run(
        tmp_path, scamtrace_env, sample_snapshot, store_snapshot):
    from ingest.samples import sample_sources

    feeds = len(sample_sources())
    home = tmp_path / "home"
    env = scamtrace_env(SCAMTRACE_NLP_N_PROCESS="1", SCAMTRACE_NLP_BATCH_SIZE="4")
    rng = random.Random(SEED)
    landed: Counter[str] = Counter()
    finished_unkilled = 0
    while sum(landed.values()) < KILLS:
        run = start_run(home, env)
        if not wait_for_lock(home, run):
            out, err = run.communicate()
            pytest.fail(f"run ended before taking the lock: {err}")
        # The first kills come early (inside ingest); the middle ones anywhere
        # a few seconds in, so each run gets a little further before it dies
        # (extract); the last ones just after extraction is complete (build).
        done = sum(landed.values())
        if done < 3:
            time.sleep(rng.uniform(0.0, 0.4))
        elif done < KILLS - 5:
            time.sleep(rng.uniform(0.3, 8.0))
        else:
            _wait_until_extracted(home, feeds, run)
            time.sleep(rng.uniform(0.0, 1.0))
        if run.poll() is not None:
            out, err = run.communicate()
            assert run.returncode == 0, err
            finished_unkilled += 1
            continue
        kill_group(run)
        landed[stage_left(home, feeds)] += 1

    final = start_run(home, env)
    out, err = final.communicate(timeout=900)
    assert final.returncode == 0, err
    print(f"kills by stage left unfinished: {dict(landed)}; runs that finished: "
          f"{finished_unkilled}")
    assert sum(landed.values()) >= KILLS
    assert landed["ingest"] >= 1 and landed["extract"] >= 1 and landed["build"] >= 1, landed
    assert store_snapshot(home) == sample_snapshot
