"""The scamtrace command, run as a user runs it: a real subprocess."""

import json
import subprocess
import sys

import pytest

COMMANDS = ("ingest", "extract", "build", "run", "dashboard", "status", "analyze")


def scamtrace(*args: str, env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scamtrace.cli", *args],
        capture_output=True, text=True, env=env, timeout=timeout,
    )


def test_help_lists_every_command(scamtrace_env):
    result = scamtrace("--help", env=scamtrace_env())
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command, scamtrace_env):
    result = scamtrace(command, "--help", env=scamtrace_env())
    assert result.returncode == 0
    assert "Usage:" in result.stdout
    assert len(result.stdout.splitlines()) >= 4


def test_status_json_counts_the_sample_store(sample_home, scamtrace_env):
    result = scamtrace("--home", str(sample_home), "status", "--json", env=scamtrace_env())
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["backend"] == "embedded"
    docs = status["documents"]
    assert docs["total"] >= 40
    assert 0 < docs["relevant"] < docs["total"]
    assert docs["duplicates"] >= 1
    for label in ("LOCATION", "PLATFORM", "RECRUITER", "ORG", "PERSON", "CRIME"):
        assert status["entities"].get(label, 0) > 0, label
    assert status["relations"].get("CO_OCCURS", 0) > 0
    assert status["relations"].get("ROUTE", 0) > 0
    assert len(status["feeds"]) >= 2
    assert all(f["status"] in ("ok", "not_modified") for f in status["feeds"])
    assert all(f["last_fetch"] for f in status["feeds"])


def test_analyze_prints_one_object_per_file_in_the_taxonomy_schema(tmp_path, scamtrace_env):
    a = tmp_path / "raid-report.txt"
    a.write_text(
        "Police in Burma said on Monday that 200 Indonesian workers had been trafficked from "
        "Indonesia to Myawadi after answering fake job adverts on Facebook, and were forced to "
        "run romance scams inside KK Park.",
        encoding="utf-8",
    )
    b = tmp_path / "floods.txt"
    b.write_text("Heavy rain flooded rice fields in central Thailand, the weather office said.",
                 encoding="utf-8")
    home = tmp_path / "home"
    result = scamtrace("--home", str(home), "analyze", str(a), str(b), "--jsonl",
                       env=scamtrace_env())
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert set(first) == {"id", "LOCATION", "PLATFORM", "RECRUITER", "ORG", "PERSON", "CRIME",
                          "ROUTES", "relevant"}
    assert first["id"] == "raid-report" and second["id"] == "floods"
    assert {"Myanmar", "Myawaddy", "KK Park", "Indonesia"} <= set(first["LOCATION"])
    assert "Burma" not in first["LOCATION"] and "Myawadi" not in first["LOCATION"]
    assert "Facebook" in first["PLATFORM"]
    assert "romance scam" in first["CRIME"]
    assert {"origin": "Indonesia", "destination": "Myawaddy"}.items() <= next(
        r for r in first["ROUTES"] if r["origin"] == "Indonesia").items()
    assert first["relevant"] is True
    assert second["relevant"] is False
    # analyze touches no stored state
    assert not home.exists() or not any(home.iterdir())


def test_bad_config_exits_with_one_line_error(tmp_path, scamtrace_env):
    bad = tmp_path / "bad.toml"
    bad.write_text("[graph]\nbackend = 'oracle'\n", encoding="utf-8")
    result = scamtrace("--home", str(tmp_path), "--config", str(bad), "status",
                       env=scamtrace_env())
    assert result.returncode == 1
    assert "graph backend 'oracle'" in result.stderr
    assert "Traceback" not in result.stderr


def test_second_run_while_one_holds_the_lock_exits_at_once(tmp_path, scamtrace_env):
    import fcntl

    home = tmp_path / "home"
    home.mkdir()
    with open(home / "run.lock", "a+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = scamtrace("--home", str(home), "run", env=scamtrace_env(), timeout=60)
    assert result.returncode == 1
    assert "another scamtrace run" in result.stderr
    assert not (home / "documents.sqlite").exists()


def test_running_twice_adds_nothing_the_second_time(tmp_path, scamtrace_env, store_snapshot,
                                                    sample_snapshot):
    home = tmp_path / "home"
    first = scamtrace("--home", str(home), "run", env=scamtrace_env())
    assert first.returncode == 0, first.stderr
    after_first = store_snapshot(home)
    second = scamtrace("--home", str(home), "run", env=scamtrace_env())
    assert second.returncode == 0, second.stderr
    assert store_snapshot(home) == after_first
    # and a CLI run builds the same store as the in-process sample build
    assert after_first == sample_snapshot


def test_run_killed_half_way_resumes_to_the_same_store(tmp_path, scamtrace_env, store_snapshot,
                                                       sample_snapshot):
    import signal
    import time

    home = tmp_path / "home"
    env = scamtrace_env()
    # Kill at growing delays so the kills land in different steps.
    for delay in (1.5, 4.0, 7.0, 10.0):
        proc = subprocess.Popen([sys.executable, "-m", "scamtrace.cli", "--home", str(home), "run"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
    final = scamtrace("--home", str(home), "run", env=env)
    assert final.returncode == 0, final.stderr
    assert store_snapshot(home) == sample_snapshot
