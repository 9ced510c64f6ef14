"""Start `scamtrace run` as a real process and watch it from outside."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def start_run(home: Path, env: dict) -> subprocess.Popen:
    """`scamtrace --home HOME run` in its own session, so a kill reaches it whole."""
    return subprocess.Popen(
        [sys.executable, "-m", "scamtrace.cli", "--home", str(home), "run"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )


def wait_for_lock(home: Path, process: subprocess.Popen, timeout: float = 120) -> bool:
    """True once ``process`` holds the run lock (it writes its pid there);
    False if it ended first."""
    lock = home / "run.lock"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if lock.read_text().strip() == str(process.pid):
                return True
        except OSError:
            pass
        time.sleep(0.02)
    raise TimeoutError(f"scamtrace run (pid {process.pid}) never took the lock")


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the run and anything it started; reap it."""
    with contextlib.suppress(ProcessLookupError):  # it may have just finished
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
