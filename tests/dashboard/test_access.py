"""Who gets into the dashboard: the login gate, roles, rate limits and the audit log.

The app runs under AppTest on a copy of the sample data directory with real
accounts in HOME/accounts.sqlite; nothing of the project's own is mocked.
"""

from __future__ import annotations

import ast
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.accounts import (
    ANALYST,
    ANALYST_PAGES,
    LOCK_BASE_S,
    MAX_FAILURES,
    SESSION_ROLE,
    SESSION_USER,
    VIEWER,
    AccountStore,
    accounts_path,
    is_exposed,
    lock_seconds,
    visible_pages,
)
from dashboard.login import NO_ACCOUNTS_MESSAGE, WRONG_LOGIN_MESSAGE
from ingest.errors import ConfigError
from scamtrace.audit import (
    LOGIN_FAILED,
    LOGIN_LOCKED,
    LOGIN_OK,
    LOGOUT,
    AuditLog,
    audit_path,
)

from .conftest import APP_PATH, APP_TIMEOUT_S, no_exceptions, open_app

VIEWER_PASSWORD = "viewer-passw0rd"
ANALYST_PASSWORD = "analyst-passw0rd"
FAST_ROUNDS = 4  # bcrypt's cheapest cost keeps the store tests quick; the CLI uses the default


def copy_home(sample_home: Path, target: Path) -> Path:
    """The sample data without anything this module adds leaking into the shared fixture."""
    shutil.copytree(sample_home, target, dirs_exist_ok=True)
    return target


@pytest.fixture(scope="module")
def access_home(sample_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = copy_home(sample_home, tmp_path_factory.mktemp("access_home"))
    with AccountStore(accounts_path(home), rounds=FAST_ROUNDS) as store:
        store.add("vera", VIEWER, VIEWER_PASSWORD)
        store.add("ana", ANALYST, ANALYST_PASSWORD)
    return home


@pytest.fixture
def access_app(access_home: Path, point_dashboard_at):
    point_dashboard_at(access_home)
    return access_home


def sign_in(app: AppTest, username: str, password: str) -> AppTest:
    app.text_input[0].input(username)
    app.text_input[1].input(password)
    app.button[0].click()
    return app.run()


def shown_text(app: AppTest) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    parts += [t.value for t in app.title] + [e.value for e in app.error]
    return "\n".join(str(p) for p in parts)


def audit_events(home: Path) -> list:
    with AuditLog(audit_path(home)) as log:
        return log.events()


def analyst_action_app() -> None:
    """A page with one analyst-only action, as the analysts' pages write it."""
    import streamlit as st

    from dashboard.accounts import ANALYST, require_role
    from dashboard.login import gate

    gate()
    st.write("anyone signed in reads this")
    require_role(ANALYST)
    st.write("analyst action done")


# -- The login gate -------------------------------------------------------------


def test_anonymous_visitor_sees_only_the_login_form(access_app, sample_store):
    app = open_app()
    assert no_exceptions(app)
    assert [t.label for t in app.text_input] == ["Username", "Password"]
    assert app.text_input[1].proto.type == app.text_input[1].proto.PASSWORD
    assert len(app.metric) == 0 and len(app.dataframe) == 0
    assert len(app.get("plotly_chart")) == 0 and len(app.date_input) == 0
    text = shown_text(app)
    for entity in sample_store.overview(None, None, limit=5).top_entities:
        assert entity.name not in text
    assert app.session_state[SESSION_ROLE] is None


def test_deep_link_to_a_page_still_shows_only_the_login_form(access_app):
    app = open_app("views/entities.py", {"entity": "LOCATION:Myawaddy"})
    assert [t.label for t in app.text_input] == ["Username", "Password"]
    assert "Myawaddy" not in shown_text(app)


def test_viewer_signs_in_and_sees_the_overview(access_app):
    app = sign_in(open_app(), "vera", VIEWER_PASSWORD)
    assert no_exceptions(app)
    assert app.session_state[SESSION_USER] == "vera"
    assert app.session_state[SESSION_ROLE] == VIEWER
    assert {m.label for m in app.metric} >= {"Documents", "Entities"}
    assert any("Signed in as vera" in c.value for c in app.sidebar.caption)


def test_wrong_password_is_refused_and_logged(access_app):
    before = len(audit_events(access_app))
    app = sign_in(open_app(), "vera", "not-the-password")
    assert [e.value for e in app.error] == [WRONG_LOGIN_MESSAGE]
    assert app.session_state[SESSION_ROLE] is None
    assert len(app.metric) == 0
    new = audit_events(access_app)[before:]
    assert [(e.event, e.user) for e in new] == [(LOGIN_FAILED, "vera")]
    assert "not-the-password" not in new[0].detail


def test_successful_login_and_logout_are_logged(access_app):
    before = len(audit_events(access_app))
    app = sign_in(open_app(), "ana", ANALYST_PASSWORD)
    app.sidebar.button(key="logout").click()
    app.run()
    assert [t.label for t in app.text_input] == ["Username", "Password"]
    assert app.session_state[SESSION_USER] is None
    new = [(e.event, e.user) for e in audit_events(access_app)[before:]]
    assert new == [(LOGIN_OK, "ana"), (LOGOUT, "ana")]


def test_viewer_cannot_reach_an_analyst_action(access_app):
    app = AppTest.from_function(analyst_action_app, default_timeout=APP_TIMEOUT_S).run()
    app = sign_in(app, "vera", VIEWER_PASSWORD)
    texts = [m.value for m in app.markdown]
    assert "anyone signed in reads this" in texts
    assert "analyst action done" not in texts
    assert "needs the analyst role" in app.error[0].value


def test_analyst_reaches_the_analyst_action(access_app):
    app = AppTest.from_function(analyst_action_app, default_timeout=APP_TIMEOUT_S).run()
    app = sign_in(app, "ana", ANALYST_PASSWORD)
    assert "analyst action done" in [m.value for m in app.markdown]
    assert len(app.error) == 0


def test_removed_account_loses_its_session_at_the_next_rerun(
    sample_home, tmp_path, point_dashboard_at
):
    home = copy_home(sample_home, tmp_path / "home")
    with AccountStore(accounts_path(home), rounds=FAST_ROUNDS) as store:
        store.add("vera", VIEWER, VIEWER_PASSWORD)
        store.add("ana", ANALYST, ANALYST_PASSWORD)
    point_dashboard_at(home)
    app = sign_in(open_app(), "vera", VIEWER_PASSWORD)
    assert len(app.metric) > 0
    with AccountStore(accounts_path(home)) as store:
        store.remove("vera")
    app.run()
    assert len(app.metric) == 0
    assert [t.label for t in app.text_input] == ["Username", "Password"]


def test_exposed_dashboard_without_accounts_shows_nothing(
    sample_home, tmp_path, point_dashboard_at, monkeypatch
):
    home = copy_home(sample_home, tmp_path / "home")
    point_dashboard_at(home)
    monkeypatch.setenv("SCAMTRACE_DASHBOARD_HOST", "0.0.0.0")
    app = open_app()
    assert [e.value for e in app.error] == [NO_ACCOUNTS_MESSAGE]
    assert len(app.text_input) == 0 and len(app.metric) == 0


def test_local_dashboard_without_accounts_needs_no_login(sample_app):
    app = sample_app()
    assert len(app.text_input) == 0
    assert app.session_state[SESSION_ROLE] == ANALYST
    assert len(app.metric) > 0


# -- Rate limits ----------------------------------------------------------------


def test_session_is_slowed_after_five_failed_logins_whatever_the_usernames(access_app):
    app = open_app()
    for n in range(MAX_FAILURES):
        app = sign_in(app, f"guess{n}", "wrong-password")
    before = len(audit_events(access_app))
    app = sign_in(app, "vera", VIEWER_PASSWORD)  # right, but too soon
    assert app.session_state[SESSION_ROLE] is None
    assert "Too many failed logins" in app.error[0].value
    assert [e.event for e in audit_events(access_app)[before:]] == [LOGIN_LOCKED]


def test_account_is_locked_after_five_failures_even_from_fresh_sessions(
    sample_home, tmp_path, point_dashboard_at
):
    home = copy_home(sample_home, tmp_path / "home")
    with AccountStore(accounts_path(home), rounds=FAST_ROUNDS) as store:
        store.add("vera", VIEWER, VIEWER_PASSWORD)
    point_dashboard_at(home)
    for _ in range(MAX_FAILURES):
        sign_in(open_app(), "vera", "wrong-password")  # a new browser session each time
    app = sign_in(open_app(), "vera", VIEWER_PASSWORD)
    assert app.session_state[SESSION_ROLE] is None
    assert "for this account" in app.error[0].value
    with AccountStore(accounts_path(home)) as store:
        account = store.get("vera")
    assert account.failed_logins == MAX_FAILURES and account.locked_until
    assert audit_events(home)[-1].event == LOGIN_LOCKED


# -- The account store ----------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path):
    with AccountStore(tmp_path / "accounts.sqlite", rounds=FAST_ROUNDS) as opened:
        yield opened


def test_lock_doubles_after_each_further_failure():
    assert [lock_seconds(n) for n in range(MAX_FAILURES)] == [0.0] * MAX_FAILURES
    assert lock_seconds(MAX_FAILURES) == LOCK_BASE_S
    assert lock_seconds(MAX_FAILURES + 2) == 4 * LOCK_BASE_S
    assert lock_seconds(MAX_FAILURES + 50) == lock_seconds(MAX_FAILURES + 51)  # capped


def test_locked_account_refuses_even_the_right_password_until_the_lock_ends(store):
    store.add("vera", VIEWER, VIEWER_PASSWORD)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(MAX_FAILURES):
        assert not store.authenticate("vera", "wrong-password", now=start).ok
    during = store.authenticate("vera", VIEWER_PASSWORD, now=start + timedelta(seconds=30))
    assert (during.ok, during.reason) == (False, "locked")
    assert during.retry_after_s == pytest.approx(LOCK_BASE_S - 30)
    after = store.authenticate("vera", VIEWER_PASSWORD,
                               now=start + timedelta(seconds=LOCK_BASE_S + 1))
    assert after.ok and after.account.role == VIEWER
    assert store.get("vera").failed_logins == 0


def test_password_is_stored_only_as_a_salted_bcrypt_hash(store, tmp_path):
    store.add("vera", VIEWER, VIEWER_PASSWORD)
    store.add("vic", VIEWER, VIEWER_PASSWORD)
    raw = (tmp_path / "accounts.sqlite").read_bytes()
    assert VIEWER_PASSWORD.encode() not in raw
    with sqlite3.connect(tmp_path / "accounts.sqlite") as db:
        hashes = [h for (h,) in db.execute("SELECT password_hash FROM accounts")]
    assert all(h.startswith("$2b$") for h in hashes)
    assert hashes[0] != hashes[1], "the same password gets a different salt"
    assert "password_hash" not in vars(store.get("vera"))


def test_unknown_user_and_wrong_password_get_the_same_answer(store):
    store.add("vera", VIEWER, VIEWER_PASSWORD)
    unknown = store.authenticate("nobody", VIEWER_PASSWORD)
    wrong = store.authenticate("vera", "wrong-password")
    assert (unknown.ok, unknown.reason) == (wrong.ok, wrong.reason) == (False, "wrong")


def test_new_password_lifts_the_lock(store):
    store.add("vera", VIEWER, VIEWER_PASSWORD)
    for _ in range(MAX_FAILURES):
        store.authenticate("vera", "wrong-password")
    store.set_password("vera", "a-new-passw0rd")
    assert store.authenticate("vera", "a-new-passw0rd").ok
    assert not store.authenticate("vera", VIEWER_PASSWORD).ok


@pytest.mark.parametrize("username, role, password", [
    ("vera", "admin", VIEWER_PASSWORD),
    ("vera", VIEWER, "short"),
    ("vera", VIEWER, "é" * 40),  # 80 bytes: more than bcrypt reads
    ("-vera", VIEWER, VIEWER_PASSWORD),
    ("ve ra", VIEWER, VIEWER_PASSWORD),
])
def test_bad_account_values_are_refused(store, username, role, password):
    with pytest.raises(ConfigError):
        store.add(username, role, password)
    assert store.count() == 0


@pytest.mark.parametrize("host, exposed", [
    ("127.0.0.1", False), ("localhost", False), ("::1", False), ("[::1]", False),
    ("127.0.0.2", False), ("0.0.0.0", True), ("::", True), ("", True),
    ("192.168.1.10", True), ("example.org", True),
])
def test_only_loopback_addresses_count_as_not_exposed(host, exposed):
    assert is_exposed(host) is exposed


# -- Navigation -----------------------------------------------------------------


def test_viewers_navigation_leaves_out_analyst_pages():
    pages = [SimpleNamespace(url_path=p) for p in ("", "entities", *sorted(ANALYST_PAGES))]
    assert [p.url_path for p in visible_pages(pages, VIEWER)] == ["", "entities"]
    assert visible_pages(pages, ANALYST) == pages
    assert [p.url_path for p in visible_pages(pages, None)] == ["", "entities"]


def registered_pages() -> dict[str, str]:
    """``views/X.py`` -> url_path for every ``st.Page`` the entry point registers."""
    found = {}
    for node in ast.walk(ast.parse(APP_PATH.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page":
            path = node.args[0].value
            url = next((k.value.value for k in node.keywords if k.arg == "url_path"), "")
            found[path] = url
    return found


def calls_require_analyst(view: Path) -> bool:
    for node in ast.walk(ast.parse(view.read_text())):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "require_role"
                and node.args and (getattr(node.args[0], "id", "") == "ANALYST"
                                   or getattr(node.args[0], "value", "") == ANALYST)):
            return True
    return False


def test_pages_hidden_from_viewers_are_the_pages_that_require_an_analyst():
    pages = registered_pages()
    assert pages, "app.py registers its pages with st.Page"
    for path, url in pages.items():
        if url in ANALYST_PAGES:
            assert calls_require_analyst(APP_PATH.parent / path), (
                f"{path} is hidden from viewers but does not call require_role(ANALYST)")


def test_audit_log_refuses_to_rewrite_history(tmp_path):
    with AuditLog(tmp_path / "audit.sqlite") as log:
        log.record(LOGIN_FAILED, "vera", "from 127.0.0.1")
    with sqlite3.connect(tmp_path / "audit.sqlite") as db:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("DELETE FROM events")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE events SET user = 'someone else'")
    with AuditLog(tmp_path / "audit.sqlite") as log:
        assert [(e.event, e.user) for e in log.events()] == [(LOGIN_FAILED, "vera")]


def test_audit_events_since_a_moment(tmp_path):
    start = datetime(2026, 3, 1, tzinfo=UTC)
    with AuditLog(tmp_path / "audit.sqlite") as log:
        for day in range(3):
            log.record(LOGIN_OK, "vera", f"day {day}", now=start + timedelta(days=day))
        assert [e.detail for e in log.events(since="2026-03-02")] == ["day 1", "day 2"]
        with pytest.raises(ConfigError):
            log.events(since="yesterday")


ANALYST_VIEWS = sorted(path for path, url in registered_pages().items() if url in ANALYST_PAGES)


@pytest.mark.parametrize("view", ANALYST_VIEWS)
def test_viewer_session_has_no_route_to_an_analyst_page(access_app, view):
    app = sign_in(open_app(), "vera", VIEWER_PASSWORD)
    assert app.session_state[SESSION_ROLE] == VIEWER
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(view)


@pytest.mark.parametrize("view", ANALYST_VIEWS)
def test_analyst_opens_an_analyst_page(access_app, view):
    app = sign_in(open_app(), "ana", ANALYST_PASSWORD)
    app.switch_page(view)
    app.run()
    assert no_exceptions(app)
    assert not any("needs the analyst role" in e.value for e in app.error)


def test_record_appends_to_the_configured_homes_audit_log(tmp_path, point_dashboard_at):
    from scamtrace.audit import EXPORT, record

    point_dashboard_at(tmp_path)
    record(EXPORT, "ana", "entities.csv, 12 rows")
    with AuditLog(audit_path(tmp_path)) as log:
        assert [(e.event, e.user, e.detail) for e in log.events()] == [
            (EXPORT, "ana", "entities.csv, 12 rows")]
