"""``scamtrace trends`` run as a user runs it, over the sample data directory."""

from __future__ import annotations

import json
import subprocess
import sys


def scamtrace(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scamtrace.cli", *args],
                          capture_output=True, text=True, env=env, timeout=600)


def test_trends_json_reports_the_window_with_documents_behind_each_item(
        sample_home, scamtrace_env):
    result = scamtrace("--home", str(sample_home), "trends", "--since", "2026-09-01",
                       "--until", "2026-11-30", "--json", env=scamtrace_env())
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["since"], report["until"]) == ("2026-09-01", "2026-11-30")
    assert report["bursts"] and report["first_seen"] and report["themes"]
    for section in ("bursts", "first_seen", "new_relations"):
        for item in report[section]:
            assert item["documents"]
            assert all("2026-09-01" <= d["date"] <= "2026-11-30" for d in item["documents"])
    assert "Golden Lotus Park" in {b["name"] for b in report["bursts"]}


def test_trends_summary_names_the_sections(sample_home, scamtrace_env):
    result = scamtrace("--home", str(sample_home), "trends", "--since", "2026-09-01",
                       "--until", "2026-11-30", env=scamtrace_env(COLUMNS="160"))
    assert result.returncode == 0, result.stderr
    for title in ("Bursts", "First seen", "New relations", "Route mode changes", "Themes"):
        assert title in result.stdout
    assert "Golden Lotus Park" in result.stdout


def test_trends_refuses_a_bad_date_in_one_line(sample_home, scamtrace_env):
    result = scamtrace("--home", str(sample_home), "trends", "--since", "2026-02-30",
                       env=scamtrace_env())
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: --since '2026-02-30': not a date (expected YYYY-MM-DD)"]


def test_trends_refuses_a_window_that_ends_before_it_starts(sample_home, scamtrace_env):
    result = scamtrace("--home", str(sample_home), "trends", "--since", "2026-11-01",
                       "--until", "2026-10-01", env=scamtrace_env())
    assert result.returncode == 1
    assert "--since 2026-11-01 is after --until 2026-10-01" in result.stderr
