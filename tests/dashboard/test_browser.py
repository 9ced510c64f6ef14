"""The dashboard as a user's browser sees it: ``streamlit run`` in a
subprocess, loaded in headless Chromium (Debian's, never a downloaded one)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from .conftest import APP_PATH, scamtrace_env, wait_until_serving

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
START_TIMEOUT_S = 90
RENDER_TIMEOUT_MS = 90_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        if os.environ.get("SCAMTRACE_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + "; SCAMTRACE_REQUIRE_BROWSER=1 demands the browser test")
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
def dashboard_url(sample_home: Path, tmp_path: Path) -> Iterator[str]:
    """``streamlit run dashboard/app.py`` on a free 127.0.0.1 port, until the test ends."""
    port = free_port()
    log = (tmp_path / "streamlit.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(APP_PATH),
            "--server.headless", "true", "--server.address", "127.0.0.1",
            "--server.port", str(port), "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ],
        env=scamtrace_env(sample_home), stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(server, url, START_TIMEOUT_S, tmp_path / "streamlit.log", "streamlit")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def colours_in(png: Path) -> int:
    with Image.open(png) as image:
        found = image.convert("RGB").getcolors(maxcolors=1 << 20)
    return len(found or ())


def test_browser_shows_overview_profile_and_network(
    chromium_path, dashboard_url, sample_store, tmp_path
):
    from playwright.sync_api import sync_playwright

    overview = sample_store.overview(
        *_ninety_days_to_newest(sample_store), limit=15
    )
    top_name = overview.top_entities[0].name
    shots = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})

            # A shared profile link opened in a fresh session still gets the
            # whole app: navigation by page title and the sidebar window.
            page.goto(f"{dashboard_url}/entities?entity=LOCATION:Myawaddy")
            page.get_by_text("Mentions over time").first.wait_for(timeout=RENDER_TIMEOUT_MS)
            page.get_by_text("Linked entities").first.wait_for(timeout=RENDER_TIMEOUT_MS)
            page.locator(".js-plotly-plot").first.wait_for(timeout=RENDER_TIMEOUT_MS)
            page.wait_for_timeout(1500)
            sidebar = page.inner_text("[data-testid=stSidebar]")
            assert "Graph explorer" in sidebar and "Date window" in sidebar
            assert "Myawaddy" in page.inner_text("body")
            shots["profile"] = tmp_path / "profile.png"
            page.screenshot(path=str(shots["profile"]), full_page=True)

            page.goto(dashboard_url, wait_until="domcontentloaded")
            page.get_by_text("Relevant documents", exact=True).first.wait_for(
                timeout=RENDER_TIMEOUT_MS)
            page.locator(".js-plotly-plot").first.wait_for(timeout=RENDER_TIMEOUT_MS)
            page.wait_for_timeout(1500)  # let the chart finish its transition
            text = page.inner_text("body")
            assert "Entities mentioned most" in text
            assert top_name in text, "the top entity is drawn in the chart"
            assert "Traceback" not in text
            shots["overview"] = tmp_path / "overview.png"
            page.screenshot(path=str(shots["overview"]), full_page=True)

            page.goto(f"{dashboard_url}/explorer?entity=LOCATION:Myawaddy")
            page.locator(".js-plotly-plot").first.wait_for(timeout=RENDER_TIMEOUT_MS)
            page.wait_for_timeout(2000)
            assert "LOCATION" in page.inner_text("body")
            shots["explorer"] = tmp_path / "explorer.png"
            page.screenshot(path=str(shots["explorer"]), full_page=False)
        finally:
            browser.close()

    for name, shot in shots.items():
        assert shot.stat().st_size > 40_000, f"{name} screenshot is nearly blank"
        assert colours_in(shot) > 200, f"{name} screenshot has too few colours to be a page"


def _ninety_days_to_newest(store) -> tuple[str, str]:
    from .test_overview_page import ninety_days_to_newest

    return ninety_days_to_newest(store)
