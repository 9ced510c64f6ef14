"""The watchlist, alerts and watch commands, run as a user runs them: real subprocesses."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest

from ingest.errors import ConfigError
from ingest.store import DocumentStore
from nlp.store import ExtractionStore
from scamtrace.commands.watch import STATUS_FILE, parse_interval


def scamtrace(*args: str, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scamtrace.cli", *args],
                          capture_output=True, text=True, env=env, timeout=timeout)


@pytest.mark.parametrize("text, seconds", [
    ("30s", 30), ("30m", 1800), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), (" 45S ", 45),
])
def test_intervals_are_read_with_their_unit(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text, message", [
    ("30", "a unit is needed"), ("0m", "longer than zero"), ("half an hour", "not understood"),
    ("", "not understood"), ("5w", "not understood"), ("-5m", "not understood"),
])
def test_bad_intervals_are_refused_with_a_hint(text, message):
    with pytest.raises(ConfigError, match=message):
        parse_interval(text)


def test_bad_interval_on_the_command_line_names_the_option(tmp_path, scamtrace_env):
    result = scamtrace("--home", str(tmp_path), "watch", "--interval", "10", env=scamtrace_env())
    assert result.returncode == 2
    assert "--interval" in result.stderr and "30m" in result.stderr


@pytest.fixture
def copied_home(sample_home, tmp_path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    for path in sample_home.glob("*.sqlite*"):
        shutil.copy(path, home / path.name)
    return home


def test_watchlist_commands_add_list_check_alert_and_remove(copied_home, scamtrace_env):
    env = scamtrace_env(SCAMTRACE_HOME=str(copied_home))
    assert scamtrace("watchlist", "add", "Huione", "--backfill", env=env).returncode == 0
    added = scamtrace("watchlist", "add", "--entity", "KK Park", "--backfill", env=env)
    assert added.returncode == 0, added.stderr
    assert "LOCATION:KK Park" in added.stdout
    refused = scamtrace("watchlist", "add", "--entity", "Atlantis", env=env)
    assert refused.returncode == 1 and "Atlantis" in refused.stderr

    checked = scamtrace("watchlist", "check", env=env)
    assert checked.returncode == 0, checked.stderr
    listed = json.loads(scamtrace("watchlist", "list", "--json", env=env).stdout)
    assert [(w["kind"], w["value"]) for w in listed] == [("term", "Huione"),
                                                         ("entity", "LOCATION:KK Park")]
    assert all(w["alerts"] > 0 for w in listed)
    found = json.loads(scamtrace("alerts", "--json", env=env).stdout)
    assert len(found) == sum(w["alerts"] for w in listed)
    assert {"doc_id", "title", "url", "published", "evidence", "recorded", "watch"} <= set(found[0])
    assert json.loads(scamtrace("alerts", "--json", "--since", "2999-01-01", env=env).stdout) == []

    removed = scamtrace("watchlist", "remove", "huione", env=env)
    assert removed.returncode == 0, removed.stderr
    left = json.loads(scamtrace("alerts", "--json", env=env).stdout)
    assert {a["watch"]["value"] for a in left} == {"LOCATION:KK Park"}
    feed = feedparser.parse((copied_home / "alerts.atom").read_bytes())
    assert not feed.bozo and len(feed.entries) == len(left)


def _status(home: Path) -> dict:
    try:
        return json.loads((home / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _wait_for(process: subprocess.Popen, home: Path, done, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = _status(home)
        if status.get("pid") == process.pid and done(status):
            return status
        assert process.poll() is None, process.stderr.read()
        time.sleep(0.2)
    process.kill()
    pytest.fail(f"watch did not get there in {timeout}s: {_status(home)}")


def _start_watch(home: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "scamtrace.cli", "watch", "--interval", "1s"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_watch_runs_cycles_until_sigterm_and_leaves_a_complete_store(
        tmp_path, scamtrace_env, store_snapshot, sample_snapshot):
    home = tmp_path / "home"
    env = scamtrace_env(SCAMTRACE_HOME=str(home))
    assert scamtrace("watchlist", "add", "KK Park", env=env).returncode == 0
    process = _start_watch(home, env)
    _wait_for(process, home, lambda s: s["cycle"] >= 2 and s["last_cycle"]["complete"], 600)
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0, process.stderr.read()
    assert time.monotonic() - sent < 30
    status = _status(home)
    assert status["state"] == "stopped" and status["signal"] == "SIGTERM"
    assert store_snapshot(home) == sample_snapshot
    found = json.loads(scamtrace("alerts", "--json", env=env).stdout)
    assert found and all("kk park" in " ".join(a["evidence"]).casefold() for a in found)
    feed = feedparser.parse((home / "alerts.atom").read_bytes())
    assert not feed.bozo and len(feed.entries) == len(found)


@pytest.mark.slow
def test_sigterm_during_extraction_finishes_that_step_and_exits_cleanly(
        tmp_path, scamtrace_env, store_snapshot, sample_snapshot):
    home = tmp_path / "home"
    env = scamtrace_env(SCAMTRACE_HOME=str(home))
    process = _start_watch(home, env)
    _wait_for(process, home, lambda s: s.get("step") == "extract", 300)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=300) == 0, process.stderr.read()
    status = _status(home)
    assert status["state"] == "stopped"
    assert list(status["last_cycle"]["steps"]) == ["ingest", "extract"]
    with DocumentStore(home / "documents.sqlite") as documents, \
            ExtractionStore(home / "extractions.sqlite") as extractions:
        assert extractions.document_high_water_mark() == documents.max_seq() > 0
    # The build it skipped is done by the next run, to the same store as one whole run.
    built = scamtrace("build", env=env)
    assert built.returncode == 0, built.stderr
    assert store_snapshot(home) == sample_snapshot


def test_cycle_is_skipped_while_another_run_holds_the_lock(copied_home, scamtrace_env):
    from scamtrace import runner
    from scamtrace.config import load_config

    env = scamtrace_env(SCAMTRACE_HOME=str(copied_home))
    config = load_config(home=copied_home, env=env)
    with runner.run_lock(config):
        process = _start_watch(copied_home, env)
        skipped = _wait_for(process, copied_home, lambda s: s["last_cycle"] is not None, 120)
    assert "another scamtrace run" in skipped["last_cycle"]["error"]
    assert skipped["last_cycle"]["steps"] == {}
    done = _wait_for(process, copied_home,
                     lambda s: s["last_cycle"] and s["last_cycle"]["complete"], 120)
    assert done["cycle"] > skipped["cycle"] and done["last_cycle"]["error"] is None
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0, process.stderr.read()
    assert _status(copied_home)["signal"] == "SIGINT"
