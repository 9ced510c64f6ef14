"""The login gate the entry point runs before any page.

With no account configured and the dashboard bound to a loopback address,
the one local user gets every page (as an analyst). Once an account exists,
or whenever the dashboard is exposed to other machines, a session sees only
the login form until it signs in; an exposed dashboard without accounts
shows nothing at all.

Failed logins are slowed twice over: per account (stored, so a new browser
session does not reset it) and per browser session (so guessing across many
usernames is slowed too). Both follow ``accounts.lock_seconds``.
"""

from __future__ import annotations

import time

import streamlit as st

from dashboard.accounts import (
    ANALYST,
    SESSION_ROLE,
    SESSION_USER,
    AccountStore,
    accounts_path,
    count_accounts,
    is_exposed,
    lock_seconds,
)
from dashboard.safe_text import escape_markdown
from ingest.errors import ScamtraceError
from scamtrace.audit import LOGIN_FAILED, LOGIN_LOCKED, LOGIN_OK, LOGOUT, AuditLog, audit_path
from scamtrace.config import Config, load_config

SESSION_FAILURES = "login_failures"
SESSION_BLOCKED_UNTIL = "login_blocked_until"
WRONG_LOGIN_MESSAGE = "Wrong username or password."
NO_ACCOUNTS_MESSAGE = (
    "This dashboard is reachable from other machines but has no accounts, so it shows "
    "nothing. Add one with `scamtrace user add NAME --role analyst` and reload."
)
_MAX_LOGGED_NAME = 64  # an attempted username is the visitor's text: keep it short


def served_exposed(config: Config) -> bool:
    """Whether this server may be reached from other machines."""
    address = st.get_option("server.address")
    return is_exposed(config.dashboard.host) or (bool(address) and is_exposed(address))


def gate(config: Config | None = None) -> None:
    """Return when this session may see the dashboard; else show why not and stop."""
    if config is None:
        try:
            config = load_config()
        except ScamtraceError as exc:  # fail closed: no page without a readable config
            st.error(f"Cannot read the configuration: {escape_markdown(str(exc))}")
            st.stop()
    path = accounts_path(config.home)
    if count_accounts(path) == 0:
        if served_exposed(config):
            st.error(NO_ACCOUNTS_MESSAGE, icon=":material/lock:")
            st.stop()
        st.session_state[SESSION_USER] = None
        st.session_state[SESSION_ROLE] = ANALYST  # local mode: the machine's own user
        return
    username = st.session_state.get(SESSION_USER)
    if username:
        with AccountStore(path) as store:
            account = store.get(username)
        if account is not None:  # removed accounts lose their sessions at the next rerun
            st.session_state[SESSION_ROLE] = account.role
            _signed_in_sidebar(config, account.username, account.role)
            return
    st.session_state[SESSION_USER] = None
    st.session_state[SESSION_ROLE] = None
    _login_form(config)
    st.stop()


def _visitor() -> str:
    try:
        address = st.context.ip_address
    except Exception:  # no browser connection (AppTest)
        address = None
    return f"from {address}" if address else "from an unknown address"


def _audit(config: Config, event: str, user: str | None, detail: str) -> None:
    with AuditLog(audit_path(config.home)) as log:
        log.record(event, user, detail)


def _login_form(config: Config) -> None:
    st.title("scamtrace")
    st.caption("Sign in to see the dashboard.")
    with st.form("login", clear_on_submit=True):
        username = st.text_input("Username", max_chars=_MAX_LOGGED_NAME)
        password = st.text_input("Password", type="password", max_chars=256)
        submitted = st.form_submit_button("Sign in", icon=":material/login:")
    if not submitted:
        return
    username = username.strip()[:_MAX_LOGGED_NAME]
    now = time.time()
    blocked_until = st.session_state.get(SESSION_BLOCKED_UNTIL, 0.0)
    if now < blocked_until:
        _audit(config, LOGIN_LOCKED, username or None, f"session slowed down, {_visitor()}")
        st.error(f"Too many failed logins; try again in {int(blocked_until - now) + 1} seconds.")
        return
    with AccountStore(accounts_path(config.home)) as store:
        result = store.authenticate(username, password)
    if result.ok:
        st.session_state[SESSION_USER] = result.account.username
        st.session_state[SESSION_ROLE] = result.account.role
        st.session_state[SESSION_FAILURES] = 0
        st.session_state[SESSION_BLOCKED_UNTIL] = 0.0
        _audit(config, LOGIN_OK, result.account.username, f"as {result.account.role}, "
               f"{_visitor()}")
        st.rerun()
    if result.reason == "locked":
        _audit(config, LOGIN_LOCKED, username, f"account locked, {_visitor()}")
        st.error(f"Too many failed logins for this account; try again in "
                 f"{int(result.retry_after_s) + 1} seconds.")
        return
    failures = st.session_state.get(SESSION_FAILURES, 0) + 1
    st.session_state[SESSION_FAILURES] = failures
    st.session_state[SESSION_BLOCKED_UNTIL] = now + lock_seconds(failures)
    _audit(config, LOGIN_FAILED, username or None, f"wrong username or password, {_visitor()}")
    st.error(WRONG_LOGIN_MESSAGE)


def _signed_in_sidebar(config: Config, username: str, role: str) -> None:
    def log_out() -> None:
        _audit(config, LOGOUT, username, _visitor())
        st.session_state[SESSION_USER] = None
        st.session_state[SESSION_ROLE] = None

    with st.sidebar:
        st.caption(f"Signed in as {escape_markdown(username)} ({role}).")
        st.button("Log out", on_click=log_out, icon=":material/logout:", key="logout")
