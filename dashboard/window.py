"""The date window every page filters by, shared through ``st.session_state``.

The sidebar in ``app.py`` edits it; a page run on its own (as the tests do)
gets the same default.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

WINDOW_KEY = "date_window"
DEFAULT_DAYS = 90


def default_window(newest: str | None, days: int = DEFAULT_DAYS) -> tuple[date, date] | None:
    """The ``days`` ending on the newest document's date (sample data is
    historical, so ending today would often show nothing); None when empty."""
    if not newest:
        return None
    try:
        end = date.fromisoformat(newest[:10])
    except ValueError:
        return None
    return end - timedelta(days=days - 1), end


def window_bounds(value: object) -> tuple[str | None, str | None]:
    """A ``st.date_input`` range value as inclusive ISO ``since``/``until``.

    While a user is half way through picking a range the widget holds one
    date; that is read as an open-ended window from it.
    """
    if isinstance(value, date):
        return value.isoformat(), None
    if isinstance(value, list | tuple):
        ends = [d.isoformat() if isinstance(d, date) else None for d in value[:2]]
        ends += [None] * (2 - len(ends))
        since, until = ends
        if since and until and since > until:
            since, until = until, since
        return since, until
    return None, None


def ensure_window(newest: str | None) -> None:
    """Put the default window in session state unless the user has one."""
    if WINDOW_KEY not in st.session_state:
        window = default_window(newest)
        st.session_state[WINDOW_KEY] = window if window is not None else ()


def current_window(newest: str | None) -> tuple[str | None, str | None]:
    """The window the user chose, else the default one, as ISO strings."""
    ensure_window(newest)
    return window_bounds(st.session_state[WINDOW_KEY])


def describe_window(since: str | None, until: str | None) -> str:
    if since and until:
        return f"{since} to {until}"
    if since:
        return f"from {since}"
    if until:
        return f"up to {until}"
    return "all dates"
