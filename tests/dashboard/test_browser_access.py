"""The login gate as a browser meets it: ``scamtrace dashboard`` in a subprocess
over a data directory with accounts, loaded in headless Chromium."""

from __future__ import annotations

import ast
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.accounts import ANALYST_PAGES

from .conftest import APP_PATH, scamtrace_env, wait_until_serving
from .test_browser import (
    CHROMIUM_ARGS,
    RENDER_TIMEOUT_MS,
    START_TIMEOUT_S,
    chromium_path,  # noqa: F401  (fixture)
    free_port,
)

pytestmark = pytest.mark.browser

VIEWER_PASSWORD = "viewer-passw0rd"
CLI_TIMEOUT_S = 300  # the CLI imports the whole pipeline; slow on a busy machine


def scamtrace(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scamtrace.cli", "--home", str(home), *args],
        capture_output=True, text=True, env=scamtrace_env(home), input=stdin,
        timeout=CLI_TIMEOUT_S,
    )


def page_titles() -> dict[str, str]:
    """url_path -> title of every page the entry point registers."""
    titles = {}
    for node in ast.walk(ast.parse(APP_PATH.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page":
            keywords = {k.arg: k.value.value for k in node.keywords
                        if isinstance(k.value, ast.Constant)}
            titles[keywords.get("url_path", "")] = keywords["title"]
    return titles


@pytest.fixture
def home_with_accounts(sample_home: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    added = scamtrace(home, "user", "add", "vera", "--role", "viewer", "--password-stdin",
                      stdin=VIEWER_PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    return home


@pytest.fixture
def served(home_with_accounts: Path, tmp_path: Path) -> Iterator[str]:
    """``scamtrace dashboard`` on a free 127.0.0.1 port, until the test ends."""
    port = free_port()
    log_path = tmp_path / "dashboard.log"
    log = log_path.open("wb")
    # Its own process group: the command starts streamlit as a child, and both must stop.
    server = subprocess.Popen(
        [sys.executable, "-m", "scamtrace.cli", "--home", str(home_with_accounts),
         "dashboard", "--host", "127.0.0.1", "--port", str(port)],
        env=scamtrace_env(home_with_accounts), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(server, url, START_TIMEOUT_S + CLI_TIMEOUT_S, log_path,
                           "scamtrace dashboard")
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def sign_in(page, username: str, password: str) -> None:
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_browser_login_gate_keeps_data_from_anonymous_visitors_and_viewers_from_analyst_pages(
    chromium_path, served, home_with_accounts, sample_store  # noqa: F811
):
    from playwright.sync_api import sync_playwright

    top_names = [e.name for e in sample_store.overview(None, None, limit=10).top_entities]
    titles = page_titles()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})

            # Anonymous: the form and nothing else, even through a deep link.
            for address in (served, f"{served}/entities?entity=LOCATION:Myawaddy"):
                page.goto(address)
                page.get_by_role("button", name="Sign in").wait_for(timeout=RENDER_TIMEOUT_MS)
                page.wait_for_timeout(1000)
                text = page.inner_text("body")
                assert "Username" in text and "Password" in text
                for shown_only_to_users in ("Relevant documents", "Date window", "Myawaddy",
                                            *top_names, *titles.values()):
                    assert shown_only_to_users not in text, shown_only_to_users

            sign_in(page, "vera", "not-the-password")
            page.get_by_text("Wrong username or password.").wait_for(timeout=RENDER_TIMEOUT_MS)
            assert "Relevant documents" not in page.inner_text("body")

            sign_in(page, "vera", VIEWER_PASSWORD)
            page.get_by_text("Relevant documents", exact=True).first.wait_for(
                timeout=RENDER_TIMEOUT_MS)
            page.wait_for_timeout(1000)
            sidebar = page.inner_text("[data-testid=stSidebar]")
            assert "Signed in as vera (viewer)" in sidebar
            for url_path, title in titles.items():
                if url_path in ANALYST_PAGES:
                    assert title not in sidebar, f"analyst page {title!r} shown to a viewer"
                else:
                    assert title in sidebar
            assert "Traceback" not in page.inner_text("body")
        finally:
            browser.close()

    audit = scamtrace(home_with_accounts, "audit", "--json")
    events = [(e["event"], e["user"]) for e in json.loads(audit.stdout)]
    assert ("login_failed", "vera") in events
    assert events.index(("login_failed", "vera")) < events.index(("login_ok", "vera"))
    assert VIEWER_PASSWORD not in audit.stdout and "not-the-password" not in audit.stdout
