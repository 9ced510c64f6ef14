"""Fixtures for the dashboard tests: the app under Streamlit's AppTest,
pointed at a real data directory through ``SCAMTRACE_HOME``."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import dashboard
from graph.model import GraphStore
from scamtrace.config import load_config
from scamtrace.stores import open_graph_store

APP_PATH = Path(dashboard.__file__).parent / "app.py"
APP_TIMEOUT_S = 60


def scamtrace_env(home: Path) -> dict[str, str]:
    """This process's environment with only ``SCAMTRACE_HOME`` of our own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCAMTRACE_")}
    env["SCAMTRACE_HOME"] = str(home)
    return env


@pytest.fixture
def point_dashboard_at(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Make the app (which reads its config from the environment) use ``home``."""

    def point(home: Path) -> None:
        for name in [k for k in os.environ if k.startswith("SCAMTRACE_")]:
            monkeypatch.delenv(name)
        monkeypatch.setenv("SCAMTRACE_HOME", str(home))

    return point


def open_app(page: str | None = None, query_params: dict[str, str] | None = None) -> AppTest:
    """Run the app's entry point, then (if asked) one of its pages."""
    app = AppTest.from_file(str(APP_PATH), default_timeout=APP_TIMEOUT_S)
    app.run()
    if page is not None or query_params:
        if page is not None:
            app.switch_page(page)
        app.query_params.update(query_params or {})
        app.run()
    return app


@pytest.fixture
def sample_app(sample_home: Path, point_dashboard_at) -> Callable[..., AppTest]:
    """``open_app`` over the data directory built from the sample feeds."""
    point_dashboard_at(sample_home)
    return open_app


@pytest.fixture(scope="module")
def sample_store(sample_home: Path) -> Iterator[GraphStore]:
    """The same store the app reads, for working out what it should show."""
    store = open_graph_store(load_config(home=sample_home, env=scamtrace_env(sample_home)))
    yield store
    store.close()


def no_exceptions(app: AppTest) -> bool:
    return len(app.exception) == 0


def table_with(app: AppTest, *columns: str):
    """The first dataframe shown whose columns include ``columns``, as pandas."""
    for frame in app.dataframe:
        value = frame.value
        if set(columns) <= set(value.columns):
            return value
    raise AssertionError(f"no table with columns {columns}")


def wait_until_serving(server, url: str, timeout_s: float, log_path: Path, what: str) -> None:
    """Wait for a started Streamlit process to answer its health check, or fail the test
    with the tail of its log if it exits or stays silent past ``timeout_s``."""
    import time
    import urllib.request

    deadline = time.monotonic() + timeout_s
    while True:
        if server.poll() is not None:
            pytest.fail(f"{what} exited with {server.returncode}: "
                        f"{log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.read().strip() == b"ok":
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not answer on {url} within {timeout_s:.0f}s")
        time.sleep(0.5)


# -- Analyst pages: a signed-in user on a copy of the sample ---------------------

ANALYST_USER = "ana"
VIEWER_USER = "vera"
TEST_PASSWORD = "test-passw0rd"  # the tests sign in through session state, not the form
FAST_ROUNDS = 4  # bcrypt's cheapest cost keeps account set-up quick


def copy_sample_home(sample_home: Path, target: Path) -> Path:
    """A copy of the sample data directory with one analyst and one viewer account,
    so that what a test changes never reaches the shared session fixture."""
    import shutil

    from scamtrace.accounts import ANALYST, VIEWER, AccountStore, accounts_path

    shutil.copytree(sample_home, target, dirs_exist_ok=True)
    with AccountStore(accounts_path(target), rounds=FAST_ROUNDS) as accounts:
        accounts.add(ANALYST_USER, ANALYST, TEST_PASSWORD)
        accounts.add(VIEWER_USER, VIEWER, TEST_PASSWORD)
    return target


@pytest.fixture
def own_home(sample_home: Path, tmp_path: Path, point_dashboard_at) -> Path:
    """A private copy of the sample home that the app is pointed at."""
    home = copy_sample_home(sample_home, tmp_path / "home")
    point_dashboard_at(home)
    return home


def open_signed_in(page: str, username: str = ANALYST_USER,
                   query_params: dict[str, str] | None = None) -> AppTest:
    """The app with ``username`` signed in (the gate checks the account and sets the
    role, as after a login), switched to ``page``."""
    from scamtrace.accounts import SESSION_USER

    app = AppTest.from_file(str(APP_PATH), default_timeout=APP_TIMEOUT_S)
    app.session_state[SESSION_USER] = username
    app.run()
    app.switch_page(page)
    app.query_params.update(query_params or {})
    return app.run()


def run_page_as_viewer(page: str) -> AppTest:
    """Run one page's script by itself in a viewer's session: what the page itself
    does when a viewer reaches it (the navigation already leaves it out)."""
    from scamtrace.accounts import SESSION_ROLE, SESSION_USER, VIEWER

    app = AppTest.from_file(str(APP_PATH.parent / page), default_timeout=APP_TIMEOUT_S)
    app.session_state[SESSION_USER] = VIEWER_USER
    app.session_state[SESSION_ROLE] = VIEWER
    return app.run()


def refused_for_role(app: AppTest) -> bool:
    return any("needs the analyst role" in e.value for e in app.error)


def audit_events_of(home: Path) -> list:
    from scamtrace.audit import AuditLog, audit_path

    with AuditLog(audit_path(home)) as log:
        return log.events()


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Callable[[AppTest, str], bytes]:
    """``downloads(app, key)``: the bytes a download button serves.

    AppTest keeps the files of each run in a fresh in-memory media store; this
    keeps a hold of those stores so a test can read back what a browser would get.
    """
    from streamlit.runtime.media_file_storage import MediaFileStorageError
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import app_test

    stores: list[MemoryMediaFileStorage] = []

    class KeptMediaFileStorage(MemoryMediaFileStorage):
        def __init__(self, media_endpoint: str) -> None:
            super().__init__(media_endpoint)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", KeptMediaFileStorage)

    def served(app: AppTest, key: str) -> bytes:
        [button] = [b for b in app.get("download_button") if b.proto.id.endswith(key)]
        file_name = button.proto.url.rsplit("/", 1)[-1]
        for store in reversed(stores):
            try:
                return store.get_file(file_name).content
            except MediaFileStorageError:  # served by another run
                continue
        raise AssertionError(f"no stored file behind download button {key}")

    return served
