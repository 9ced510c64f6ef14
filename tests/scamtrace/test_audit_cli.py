"""Exports, briefings and curation done from the command line are audited."""

import json
import shutil

from click.testing import CliRunner

from scamtrace.audit import AuditLog, audit_path
from scamtrace.cli import cli


def test_export_briefing_and_curation_are_recorded_with_who_and_what(sample_home, tmp_path,
                                                                     scamtrace_env):
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    # Only what these commands record counts (the shared sample home may hold earlier events).
    with AuditLog(audit_path(home)) as log:
        already = len(log.events())
    runner = CliRunner()
    env = scamtrace_env()
    commands = [
        ["export", "--format", "json", "--output", str(tmp_path / "g.json")],
        ["brief", "--since", "2026-09-01", "--until", "2026-11-30", "--format", "md",
         "--output", str(tmp_path / "b.md")],
        ["curate", "merge", "LOCATION:Myawadi town", "LOCATION:Myawaddy", "--no-rebuild"],
        ["curate", "remove", "1", "--no-rebuild"],
    ]
    for args in commands:
        result = runner.invoke(cli, ["--home", str(home), *args], env=env,
                               catch_exceptions=False)
        assert result.exit_code == 0, result.output

    with AuditLog(audit_path(home)) as log:
        events = log.events()[already:]
    kinds = [e.event for e in events]
    assert kinds == ["export", "briefing", "curation", "curation"]
    assert all(e.user.startswith("cli") for e in events)
    assert "g.json" in events[0].detail
    assert "2026-09-01" in events[1].detail
    assert "Myawaddy" in events[2].detail
    assert "removed rule(s) [1]" in events[3].detail

    listed = runner.invoke(cli, ["--home", str(home), "audit", "--json"], env=env)
    assert [e["event"] for e in json.loads(listed.output)][already:] == kinds
