"""The audit log: who did what, and when, in ``HOME/audit.sqlite``.

One plain table, ``events`` (id, at, event, user, detail), written only by
appending. Triggers refuse UPDATE and DELETE so that no code of ours can
rewrite history by mistake; someone with write access to the file can still
drop them, so the log is append-only by convention, not tamper-proof (see
SECURITY.md).

Callers never put a password or a hash in ``detail``.

    from scamtrace.audit import record
    record("export", session_username(), "entities.csv, 120 rows")
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingest.errors import ConfigError, StoreError

# The events the project records; others may be added (lower-case words and '_').
LOGIN_OK = "login_ok"
LOGIN_FAILED = "login_failed"
LOGIN_LOCKED = "login_locked"
LOGOUT = "logout"
USER_ADDED = "user_added"
USER_REMOVED = "user_removed"
PASSWORD_CHANGED = "password_changed"
CURATION = "curation"
WATCHLIST = "watchlist"
EXPORT = "export"
BRIEFING = "briefing"

_EVENT_NAME = re.compile(r"[a-z][a-z_]{0,39}")
MAX_DETAIL_CHARS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    event  TEXT NOT NULL,
    user   TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_at ON events (at);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


def audit_path(home: Path) -> Path:
    return Path(home) / "audit.sqlite"


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: str
    event: str
    user: str | None
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)


class AuditLog:
    """The audit events in one SQLite file; opened by the caller and passed in."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                       check_same_thread=False)
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"audit log {self.path}: cannot be opened ({exc})") from exc

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record(self, event: str, user: str | None, detail: str = "",
               now: datetime | None = None) -> AuditEvent:
        """Append one event. ``user`` is None for an anonymous or local session."""
        if not _EVENT_NAME.fullmatch(event or ""):
            raise ConfigError(f"audit event {event!r}: use lower-case letters and '_'")
        at = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="milliseconds")
        detail = (detail or "")[:MAX_DETAIL_CHARS]
        cursor = self._db.execute(
            "INSERT INTO events (at, event, user, detail) VALUES (?,?,?,?)",
            (at, event, user, detail),
        )
        return AuditEvent(cursor.lastrowid, at, event, user, detail)

    def events(self, since: str | None = None, event: str | None = None,
               limit: int | None = None) -> list[AuditEvent]:
        """Events oldest first; ``since`` is an ISO date or timestamp (UTC), inclusive."""
        clauses, args = [], []
        if since:
            clauses.append("at >= ?")
            args.append(since_stamp(since))
        if event:
            clauses.append("event = ?")
            args.append(event)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = f"SELECT id, at, event, user, detail FROM events {where} ORDER BY id"
        if limit is not None:
            sql = (f"SELECT * FROM (SELECT id, at, event, user, detail FROM events {where} "
                   "ORDER BY id DESC LIMIT ?) ORDER BY id")
            args.append(int(limit))
        return [AuditEvent(*row) for row in self._db.execute(sql, args)]


def since_stamp(since: str) -> str:
    """``since`` (an ISO date or timestamp, UTC unless it says) as stored timestamps compare."""
    try:
        moment = datetime.fromisoformat(since)
    except ValueError:
        raise ConfigError(f"--since {since!r}: not an ISO date (YYYY-MM-DD) or timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def record(event: str, user: str | None, detail: str = "", home: Path | None = None) -> None:
    """Append one event to the audit log of ``home`` (default: the configured data directory).

    For dashboard pages: ``record(EXPORT, session_username(), "entities.csv")``.
    """
    if home is None:
        from scamtrace.config import load_config

        home = load_config().home
    with AuditLog(audit_path(home)) as log:
        log.record(event, user, detail)


def cli_operator() -> str:
    """Who ran a command, for the audit log: ``cli:`` and the local account name."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def record_cli(home: Path, event: str, detail: str) -> None:
    """Append an event done from the command line (exports, briefings, curation)."""
    record(event, cli_operator(), detail, home=home)
