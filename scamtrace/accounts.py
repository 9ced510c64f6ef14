"""Who may use the dashboard: accounts, roles and the login rate limit.

Accounts live in ``HOME/accounts.sqlite``, one plain table a user can open:
username, role, bcrypt hash, created, failed logins and locked-until. A
password is never stored, printed or logged; only its salted bcrypt hash is
kept, and nothing here returns the hash to a caller.

Two roles: a ``viewer`` reads every page; an ``analyst`` may also act
(curation, watchlists, exports, briefings). Pages that act call
``require_role(ANALYST)``; the navigation hides ``ANALYST_PAGES`` from
viewers.

The store lives here, in the glue, so that the CLI (``scamtrace user ...``)
and the dashboard share it without the CLI importing the dashboard; the
Streamlit side (sign-in state, ``require_role``) is ``dashboard/accounts.py``.
"""

from __future__ import annotations

import ipaddress
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bcrypt

from ingest.errors import ConfigError, StoreError

VIEWER = "viewer"
ANALYST = "analyst"
ROLES = (VIEWER, ANALYST)
_RANK = {VIEWER: 0, ANALYST: 1}

# url_path of every page only analysts may open; such a page also calls
# require_role(ANALYST) at its top, so a viewer who types the address is refused.
ANALYST_PAGES = frozenset({"brief", "briefings", "watchlists", "curation", "exports"})

MAX_FAILURES = 5  # failed logins allowed before the first lock
LOCK_BASE_S = 60  # first lock; each further failure doubles it
LOCK_MAX_S = 3600
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further than this
BCRYPT_ROUNDS = 12
_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")

SESSION_USER = "auth_user"  # st.session_state keys; the username is None in local mode
SESSION_ROLE = "auth_role"


def accounts_path(home: Path) -> Path:
    return Path(home) / "accounts.sqlite"


def is_exposed(host: str | None) -> bool:
    """True when binding ``host`` lets other machines connect (not a loopback address)."""
    if not host:
        return True  # an empty address binds every interface
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return False
    try:
        return not ipaddress.ip_address(name).is_loopback
    except ValueError:
        return True  # a host name other than localhost may resolve anywhere


def role_allows(role: str | None, needed: str) -> bool:
    """Whether ``role`` may do what ``needed`` may (an analyst may do all a viewer may)."""
    return role in _RANK and _RANK[role] >= _RANK[needed]


def lock_seconds(failures: int) -> float:
    """How long a login stays refused after ``failures`` failures in a row."""
    if failures < MAX_FAILURES:
        return 0.0
    return float(min(LOCK_BASE_S * 2 ** (failures - MAX_FAILURES), LOCK_MAX_S))


def check_new_password(password: str) -> None:
    """Refuse a password too short to resist guessing or too long for bcrypt."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise ConfigError(f"password: must have at least {MIN_PASSWORD_CHARS} characters")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise ConfigError(f"password: must be at most {MAX_PASSWORD_BYTES} bytes in UTF-8")


def _check_username(username: str) -> str:
    if not _USERNAME.fullmatch(username or ""):
        raise ConfigError(
            f"username {username!r}: use 1-64 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    return username


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ConfigError(f"role {role!r}: must be one of {', '.join(ROLES)}")
    return role


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Account:
    """One account as the rest of the code sees it: never with its hash."""

    username: str
    role: str
    created: str
    failed_logins: int
    locked_until: str | None


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt came to. ``reason`` is "ok", "wrong" or "locked"."""

    ok: bool
    reason: str
    account: Account | None = None
    retry_after_s: float = 0.0


_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    username      TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'analyst')),
    password_hash TEXT NOT NULL,
    created       TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT
);
"""
_PUBLIC_COLUMNS = "username, role, created, failed_logins, locked_until"


class AccountStore:
    """The accounts in one SQLite file; opened by the caller and passed in."""

    def __init__(self, path: Path | str, rounds: int = BCRYPT_ROUNDS) -> None:
        self.path = Path(path)
        self.rounds = rounds
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                       check_same_thread=False)
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"account store {self.path}: cannot be opened ({exc})") from exc
        self._dummy_hash: bytes | None = None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> AccountStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _hash(self, password: str) -> str:
        return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(self.rounds)).decode()

    def add(self, username: str, role: str, password: str,
            now: datetime | None = None) -> Account:
        _check_username(username)
        _check_role(role)
        check_new_password(password)
        try:
            self._db.execute(
                "INSERT INTO accounts (username, role, password_hash, created) VALUES (?,?,?,?)",
                (username, role, self._hash(password), _stamp(_now(now))),
            )
        except sqlite3.IntegrityError:
            raise ConfigError(f"user {username!r}: already exists") from None
        return self._require(username)

    def remove(self, username: str) -> None:
        if self._db.execute("DELETE FROM accounts WHERE username = ?", (username,)).rowcount == 0:
            raise ConfigError(f"user {username!r}: no such user")

    def set_password(self, username: str, password: str) -> None:
        """Replace the password; a new password also lifts a lock."""
        check_new_password(password)
        self._require(username)
        self._db.execute(
            "UPDATE accounts SET password_hash = ?, failed_logins = 0, locked_until = NULL "
            "WHERE username = ?", (self._hash(password), username),
        )

    def get(self, username: str) -> Account | None:
        row = self._db.execute(
            f"SELECT {_PUBLIC_COLUMNS} FROM accounts WHERE username = ?", (username,)
        ).fetchone()
        return Account(*row) if row else None

    def _require(self, username: str) -> Account:
        account = self.get(username)
        if account is None:
            raise ConfigError(f"user {username!r}: no such user")
        return account

    def accounts(self) -> list[Account]:
        rows = self._db.execute(f"SELECT {_PUBLIC_COLUMNS} FROM accounts ORDER BY username")
        return [Account(*row) for row in rows]

    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM accounts").fetchone()[0]

    def authenticate(self, username: str, password: str,
                     now: datetime | None = None) -> LoginResult:
        """Check a login. While an account is locked its password is not even checked."""
        moment = _now(now)
        row = self._db.execute(
            "SELECT password_hash, locked_until FROM accounts WHERE username = ?", (username,)
        ).fetchone()
        if row is None:
            # Spend the same time as for a real account, so timing does not tell
            # which usernames exist.
            self._matches(password, self._dummy())
            return LoginResult(ok=False, reason="wrong")
        stored_hash, locked_until = row
        if locked_until and datetime.fromisoformat(locked_until) > moment:
            wait = (datetime.fromisoformat(locked_until) - moment).total_seconds()
            return LoginResult(ok=False, reason="locked", retry_after_s=wait)
        if self._matches(password, stored_hash.encode()):
            self._db.execute(
                "UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE username = ?",
                (username,),
            )
            return LoginResult(ok=True, reason="ok", account=self.get(username))
        failures = self._db.execute(
            "UPDATE accounts SET failed_logins = failed_logins + 1 WHERE username = ? "
            "RETURNING failed_logins", (username,),
        ).fetchone()[0]
        wait = lock_seconds(failures)
        if wait:
            self._db.execute(
                "UPDATE accounts SET locked_until = ? WHERE username = ?",
                (_stamp(moment + timedelta(seconds=wait)), username),
            )
        return LoginResult(ok=False, reason="wrong", retry_after_s=wait)

    @staticmethod
    def _matches(password: str, stored_hash: bytes) -> bool:
        try:
            return bcrypt.checkpw(password.encode("utf-8"), stored_hash)
        except ValueError:  # longer than bcrypt accepts: never a stored password
            return False

    def _dummy(self) -> bytes:
        if self._dummy_hash is None:
            self._dummy_hash = bcrypt.hashpw(b"no such account", bcrypt.gensalt(self.rounds))
        return self._dummy_hash


def count_accounts(path: Path) -> int:
    """How many accounts ``path`` holds; 0 when the file does not exist (it is not created)."""
    if not Path(path).is_file():
        return 0
    with AccountStore(path) as store:
        return store.count()
