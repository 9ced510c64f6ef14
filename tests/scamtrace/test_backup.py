"""`scamtrace backup` / `scamtrace restore`, run as a user runs them."""

import json
import sqlite3
import subprocess
import sys

import pytest


def scamtrace(*args: str, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scamtrace.cli", *args],
        capture_output=True, text=True, env=env, timeout=timeout,
    )


@pytest.mark.parametrize("name", ["backup", "backup.tar.gz"])
def test_restored_home_equals_the_original(name, sample_home, sample_snapshot, store_snapshot,
                                           tmp_path, scamtrace_env):
    target = tmp_path / name
    made = scamtrace("--home", str(sample_home), "backup", str(target), env=scamtrace_env())
    assert made.returncode == 0, made.stderr
    fresh = tmp_path / "fresh"
    restored = scamtrace("--home", str(fresh), "restore", str(target), env=scamtrace_env())
    assert restored.returncode == 0, restored.stderr
    assert store_snapshot(fresh) == sample_snapshot
    assert {p.name for p in fresh.glob("*.sqlite")} == {
        p.name for p in sample_home.glob("*.sqlite")}


def test_manifest_names_versions_time_and_row_counts(sample_home, tmp_path, scamtrace_env):
    target = tmp_path / "backup"
    assert scamtrace("--home", str(sample_home), "backup", str(target),
                     env=scamtrace_env()).returncode == 0
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["sqlite_version"] == sqlite3.sqlite_version
    assert manifest["scamtrace_version"] and manifest["created"]
    assert {"documents.sqlite", "extractions.sqlite", "graph.sqlite"} <= set(manifest["stores"])
    with sqlite3.connect(sample_home / "documents.sqlite") as db:
        stored = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    assert manifest["stores"]["documents.sqlite"]["tables"]["documents"] == stored > 0


def test_restore_refuses_a_home_that_is_not_empty(sample_home, tmp_path, scamtrace_env,
                                                  store_snapshot):
    target = tmp_path / "backup"
    assert scamtrace("--home", str(sample_home), "backup", str(target),
                     env=scamtrace_env()).returncode == 0
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.sqlite").write_bytes(b"")
    refused = scamtrace("--home", str(occupied), "restore", str(target), env=scamtrace_env())
    assert refused.returncode == 1
    assert "not empty" in refused.stderr and "--force" in refused.stderr
    assert not (occupied / "documents.sqlite").exists()
    forced = scamtrace("--home", str(occupied), "restore", str(target), "--force",
                       env=scamtrace_env())
    assert forced.returncode == 0, forced.stderr
    assert not (occupied / "notes.sqlite").exists()  # the home now holds the backup's stores
    assert store_snapshot(occupied) == store_snapshot(sample_home)


def _one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_missing_backup_gives_one_line_error(tmp_path, scamtrace_env):
    missing = tmp_path / "nowhere"
    result = scamtrace("--home", str(tmp_path / "fresh"), "restore", str(missing),
                       env=scamtrace_env())
    line = _one_line_error(result)
    assert "nowhere" in line and "not found" in line


def test_corrupt_store_in_backup_is_refused_before_anything_is_written(
        sample_home, tmp_path, scamtrace_env):
    target = tmp_path / "backup"
    assert scamtrace("--home", str(sample_home), "backup", str(target),
                     env=scamtrace_env()).returncode == 0
    damaged = target / "graph.sqlite"
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    fresh = tmp_path / "fresh"
    line = _one_line_error(scamtrace("--home", str(fresh), "restore", str(target),
                                     env=scamtrace_env()))
    assert "graph.sqlite" in line and "corrupt" in line
    assert not list(fresh.glob("*.sqlite"))


def test_truncated_archive_gives_one_line_error(sample_home, tmp_path, scamtrace_env):
    target = tmp_path / "backup.tar.gz"
    assert scamtrace("--home", str(sample_home), "backup", str(target),
                     env=scamtrace_env()).returncode == 0
    target.write_bytes(target.read_bytes()[:2000])
    line = _one_line_error(scamtrace("--home", str(tmp_path / "fresh"), "restore", str(target),
                                     env=scamtrace_env()))
    assert "backup.tar.gz" in line


def test_folder_without_manifest_is_not_a_backup(tmp_path, scamtrace_env):
    folder = tmp_path / "random"
    folder.mkdir()
    (folder / "documents.sqlite").write_bytes(b"not sqlite")
    line = _one_line_error(scamtrace("--home", str(tmp_path / "fresh"), "restore", str(folder),
                                     env=scamtrace_env()))
    assert "manifest.json" in line
