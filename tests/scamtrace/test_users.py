"""``scamtrace user ...``, ``scamtrace audit`` and the dashboard's refusal to be
exposed without accounts.

The refusal and one round trip run as a user runs them, in a subprocess; the
rest run the same click commands in this process (each subprocess pays the
whole CLI's import time).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from dashboard.accounts import AccountStore, accounts_path
from scamtrace.cli import cli

PASSWORD = "correct-horse-battery"


def scamtrace(home: Path, *args: str, env: dict, stdin: str | None = None,
              timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scamtrace.cli", "--home", str(home), *args],
        capture_output=True, text=True, env=env, input=stdin, timeout=timeout,
    )


def run_cli(home: Path, *args: str, stdin: str | None = None):
    """The same command line, in this process."""
    return CliRunner().invoke(cli, ["--home", str(home), *args], input=stdin)


def add_user(home: Path, name: str, role: str, password: str = PASSWORD):
    return run_cli(home, "user", "add", name, "--role", role, "--password-stdin",
                   stdin=password + "\n")


def listed(home: Path) -> list[tuple[str, str]]:
    result = run_cli(home, "user", "list", "--json")
    return [(a["username"], a["role"]) for a in json.loads(result.stdout)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_added_user_is_listed_with_its_role_and_never_its_password(tmp_path, scamtrace_env):
    env = scamtrace_env()
    added = scamtrace(tmp_path, "user", "add", "ana", "--role", "analyst", "--password-stdin",
                      env=env, stdin=PASSWORD + "\n", timeout=300)
    assert added.returncode == 0, added.stderr
    listing = scamtrace(tmp_path, "user", "list", "--json", env=env, timeout=300)
    users = [(a["username"], a["role"]) for a in json.loads(listing.stdout)]
    assert users == [("ana", "analyst")]
    table = run_cli(tmp_path, "user", "list")
    audit = run_cli(tmp_path, "audit")
    for output in (added.stdout + added.stderr, listing.stdout + listing.stderr,
                   table.output, audit.output):
        assert PASSWORD not in output
        assert "$2b$" not in output
    with AccountStore(accounts_path(tmp_path)) as store:
        assert store.authenticate("ana", PASSWORD).ok


def test_adding_an_existing_user_fails_with_one_line(tmp_path):
    add_user(tmp_path, "ana", "analyst")
    again = add_user(tmp_path, "ana", "viewer")
    assert again.exit_code == 1
    assert again.stderr.strip() == "error: user 'ana': already exists"


def test_short_password_is_refused_and_no_account_made(tmp_path):
    result = add_user(tmp_path, "ana", "analyst", password="short")
    assert result.exit_code == 1
    assert "at least 8 characters" in result.stderr
    assert listed(tmp_path) == []


def test_passwd_replaces_the_password(tmp_path):
    add_user(tmp_path, "vera", "viewer")
    changed = run_cli(tmp_path, "user", "passwd", "vera", "--password-stdin",
                      stdin="another-long-password\n")
    assert changed.exit_code == 0, changed.output
    with AccountStore(accounts_path(tmp_path)) as store:
        assert store.authenticate("vera", "another-long-password").ok
        assert not store.authenticate("vera", PASSWORD).ok


def test_remove_deletes_the_account_and_unknown_names_fail(tmp_path):
    add_user(tmp_path, "vera", "viewer")
    assert run_cli(tmp_path, "user", "remove", "vera").exit_code == 0
    assert listed(tmp_path) == []
    missing = run_cli(tmp_path, "user", "remove", "vera")
    assert missing.exit_code == 1 and "no such user" in missing.stderr


def test_prompted_password_must_be_typed_the_same_twice(tmp_path):
    differ = run_cli(tmp_path, "user", "add", "ana", "--role", "analyst",
                     stdin=f"{PASSWORD}\n{PASSWORD}x\n{PASSWORD}\n{PASSWORD}\n")
    assert differ.exit_code == 0, differ.output
    assert "do not match" in differ.output  # asked again, then accepted
    assert PASSWORD not in differ.output
    with AccountStore(accounts_path(tmp_path)) as store:
        assert store.authenticate("ana", PASSWORD).ok


def test_audit_json_lists_user_management_since_a_date(tmp_path):
    add_user(tmp_path, "vera", "viewer")
    run_cli(tmp_path, "user", "passwd", "vera", "--password-stdin",
            stdin="another-long-password\n")
    run_cli(tmp_path, "user", "remove", "vera")
    events = json.loads(run_cli(tmp_path, "audit", "--json").stdout)
    assert [(e["event"], e["detail"]) for e in events] == [
        ("user_added", "vera as viewer"), ("password_changed", "vera"), ("user_removed", "vera"),
    ]
    assert all(e["user"].startswith("cli") for e in events)
    later = run_cli(tmp_path, "audit", "--json", "--since", "2999-01-01")
    assert json.loads(later.stdout) == []


def test_exposed_dashboard_without_accounts_is_refused_before_binding(tmp_path, scamtrace_env):
    port = free_port()
    result = scamtrace(tmp_path, "dashboard", "--host", "0.0.0.0", "--port", str(port),
                       env=scamtrace_env(), timeout=300)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert "refusing to serve other machines with no account" in line
    assert "scamtrace user add" in line
    with socket.socket() as sock:  # nothing took the port
        sock.bind(("127.0.0.1", port))
    assert not accounts_path(tmp_path).exists()


def test_exposed_host_from_the_environment_is_refused_too(tmp_path, monkeypatch):
    monkeypatch.setenv("SCAMTRACE_DASHBOARD_HOST", "192.0.2.1")
    result = run_cli(tmp_path, "dashboard")
    assert result.exit_code == 1
    assert "dashboard on 192.0.2.1: refusing" in result.stderr


def test_user_commands_explain_themselves(tmp_path):
    for args in (("user",), ("user", "add"), ("audit",)):
        result = run_cli(tmp_path, *args, "--help")
        assert result.exit_code == 0 and "Usage:" in result.stdout


def test_audit_refuses_a_since_that_is_not_a_date(tmp_path):
    result = run_cli(tmp_path, "audit", "--since", "last week")
    assert result.exit_code == 1
    assert "not an ISO date" in result.stderr
