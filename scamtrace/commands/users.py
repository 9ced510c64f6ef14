"""``scamtrace user ...`` and ``scamtrace audit``: who may use the dashboard, and what they did.

Accounts are kept in HOME/accounts.sqlite and events in HOME/audit.sqlite
(see ``scamtrace.accounts`` and ``scamtrace.audit``). Passwords are read from
a hidden prompt or from standard input, never from the command line (where
other users and the shell history would see them), and are never printed.
"""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingest.errors import ConfigError
from scamtrace.accounts import ROLES, AccountStore, accounts_path, check_new_password
from scamtrace.audit import (
    PASSWORD_CHANGED,
    USER_ADDED,
    USER_REMOVED,
    AuditLog,
    audit_path,
    cli_operator,
    since_stamp,
)
from scamtrace.cli_context import config_of, err_console

_operator = cli_operator


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        if not password:
            raise ConfigError("password: nothing was given on standard input")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True,
                                err=True)
    check_new_password(password)
    return password


_PASSWORD_STDIN = click.option(
    "--password-stdin", is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)


@click.group()
def user() -> None:
    """Manage dashboard accounts (HOME/accounts.sqlite).

    \b
    With no account the dashboard serves only 127.0.0.1 and needs no login;
    once an account exists, every visitor must sign in. Roles:
      viewer   reads every page
      analyst  also curates, edits watchlists, exports and downloads briefings
    """


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the account may do.")
@_PASSWORD_STDIN
@click.pass_context
def add_user(ctx: click.Context, name: str, role: str, password_stdin: bool) -> None:
    """Add the account NAME; the password is asked for twice (hidden)."""
    config = config_of(ctx)
    with AccountStore(accounts_path(config.home)) as store:
        if store.get(name) is not None:
            raise ConfigError(f"user {name!r}: already exists")
        store.add(name, role, _read_password(password_stdin))
    with AuditLog(audit_path(config.home)) as log:
        log.record(USER_ADDED, _operator(), f"{name} as {role}")
    err_console.print(f"Added {escape(name)} ({role}).", highlight=False)


@user.command("remove")
@click.argument("name")
@click.pass_context
def remove_user(ctx: click.Context, name: str) -> None:
    """Remove the account NAME; its open dashboard sessions end at their next click."""
    config = config_of(ctx)
    with AccountStore(accounts_path(config.home)) as store:
        store.remove(name)
        left = store.count()
    with AuditLog(audit_path(config.home)) as log:
        log.record(USER_REMOVED, _operator(), name)
    err_console.print(f"Removed {escape(name)}.", highlight=False)
    if left == 0:
        err_console.print("No account is left: the dashboard is open to anyone on this "
                          "machine and refuses to serve other machines.", style="yellow")


@user.command("passwd")
@click.argument("name")
@_PASSWORD_STDIN
@click.pass_context
def change_password(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Set a new password for NAME (this also lifts a lock after failed logins)."""
    config = config_of(ctx)
    with AccountStore(accounts_path(config.home)) as store:
        if store.get(name) is None:
            raise ConfigError(f"user {name!r}: no such user")
        store.set_password(name, _read_password(password_stdin))
    with AuditLog(audit_path(config.home)) as log:
        log.record(PASSWORD_CHANGED, _operator(), name)
    err_console.print(f"Changed the password of {escape(name)}.", highlight=False)


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def list_users(ctx: click.Context, as_json: bool) -> None:
    """List the accounts: name, role, when added, failed logins, locked until."""
    config = config_of(ctx)
    path = accounts_path(config.home)
    accounts = []
    if path.is_file():
        with AccountStore(path) as store:
            accounts = store.accounts()
    if as_json:
        click.echo(json.dumps([vars(a) for a in accounts], indent=2))
        return
    table = Table("user", "role", "created", "failed logins", "locked until")
    for a in accounts:
        table.add_row(escape(a.username), a.role, a.created, str(a.failed_logins),
                      a.locked_until or "")
    Console().print(table)


@click.command()
@click.option("--since", metavar="YYYY-MM-DD[THH:MM]",
              help="Only events at or after this moment (UTC).")
@click.option("--event", help="Only this kind of event (e.g. login_failed, export).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of events.")
@click.pass_context
def audit(ctx: click.Context, since: str | None, event: str | None, as_json: bool) -> None:
    """Print the audit log (HOME/audit.sqlite): who did what, and when.

    Logins (ok, failed, locked), logouts, account changes, and the analysts'
    curation, watchlist edits, exports and briefings, oldest first.
    """
    if since:
        since_stamp(since)  # a bad date is an error even while the log is empty
    config = config_of(ctx)
    path = audit_path(config.home)
    events = []
    if path.is_file():
        with AuditLog(path) as log:
            events = log.events(since=since, event=event)
    if as_json:
        click.echo(json.dumps([e.as_dict() for e in events], indent=2, ensure_ascii=False))
        return
    table = Table("at", "event", "user", "detail")
    for e in events:
        table.add_row(e.at, e.event, escape(e.user or ""), escape(e.detail))
    Console().print(table)


COMMANDS = [user, audit]
