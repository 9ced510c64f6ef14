"""scamtrace dashboard: ``streamlit run dashboard/app.py``.

The entry point owns what every page shares: navigation, the sidebar date
window and the empty-store state. Pages live in ``views/``, one file each;
not in ``pages/``, which Streamlit would also auto-register, so that a deep
link opened first would run the page without this entry point.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.accounts import session_role, visible_pages
from dashboard.login import gate
from dashboard.queries import (
    dashboard_data_or_stop,
    prepare_in_background,
    warm_up_in_background,
)
from dashboard.window import (
    DEFAULT_DAYS,
    WINDOW_KEY,
    default_window,
    describe_window,
    ensure_window,
    window_bounds,
)

st.set_page_config(page_title="scamtrace", page_icon=":material/hub:", layout="wide")
gate()  # the login form, and nothing else, until this session may see the data

PAGES = [
    st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("views/entities.py", title="Entities", icon=":material/person_search:",
            url_path="entities"),
    st.Page("views/explorer.py", title="Graph explorer", icon=":material/hub:",
            url_path="explorer"),
    st.Page("views/documents.py", title="Documents", icon=":material/article:",
            url_path="documents"),
    st.Page("views/trends.py", title="Trends", icon=":material/trending_up:", url_path="trends"),
    st.Page("views/briefing.py", title="Briefing", icon=":material/summarize:", url_path="brief"),
    st.Page("views/map.py", title="Map", icon=":material/map:", url_path="map"),
    st.Page("views/links.py", title="Links", icon=":material/share:", url_path="links"),
    st.Page("views/watchlists.py", title="Watchlists", icon=":material/notifications:",
            url_path="watchlists"),
    st.Page("views/curation.py", title="Curation", icon=":material/merge:",
            url_path="curation"),
    st.Page("views/exports.py", title="Exports", icon=":material/ios_share:",
            url_path="exports"),
]
navigation = st.navigation(visible_pages(PAGES, session_role()))

st.sidebar.title("scamtrace")
data = dashboard_data_or_stop()
warm_up_in_background()
prepare_in_background(data)
newest = data.newest_date()
ensure_window(newest)


def _reset_window() -> None:
    st.session_state[WINDOW_KEY] = default_window(newest) or ()


with st.sidebar:
    st.date_input(
        "Date window",
        key=WINDOW_KEY,
        min_value=date(1990, 1, 1),
        max_value=max(date.today(), date.fromisoformat(newest[:10])) if newest else None,
        help="Every page counts and lists what falls in this window (both ends included).",
    )
    st.button(
        f"Last {DEFAULT_DAYS} days of data", on_click=_reset_window, icon=":material/restart_alt:",
        key="window-reset",
        help=f"The {DEFAULT_DAYS} days ending on the newest document's date ({newest}).",
    )
    st.caption(f"Showing {describe_window(*window_bounds(st.session_state[WINDOW_KEY]))}.")
    counts = data.counts()
    st.caption(
        f"Graph: {counts.get('documents', 0)} documents, "
        f"{sum(counts.get('entities', {}).values())} entities, "
        f"{sum(counts.get('relations', {}).values())} relations "
        f"({data.store.backend} store, data version {data.version})."
    )

navigation.run()
