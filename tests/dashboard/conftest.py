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
