"""The dashboard side of access: who is signed in to this browser session,
and the checks pages call. Accounts themselves are ``scamtrace.accounts``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scamtrace.accounts import (  # noqa: F401  (re-exported for pages and tests)
    ANALYST,
    ANALYST_PAGES,
    BCRYPT_ROUNDS,
    LOCK_BASE_S,
    LOCK_MAX_S,
    MAX_FAILURES,
    MAX_PASSWORD_BYTES,
    MIN_PASSWORD_CHARS,
    ROLES,
    SESSION_ROLE,
    SESSION_USER,
    VIEWER,
    Account,
    AccountStore,
    LoginResult,
    accounts_path,
    check_new_password,
    count_accounts,
    is_exposed,
    lock_seconds,
    role_allows,
)

# -- In the dashboard (Streamlit session) ------------------------------------


def session_role() -> str | None:
    """The signed-in role of this browser session (analyst in local mode), or None."""
    import streamlit as st

    return st.session_state.get(SESSION_ROLE)


def session_username() -> str | None:
    """The signed-in username, or None (nobody signed in, or local mode with no accounts)."""
    import streamlit as st

    return st.session_state.get(SESSION_USER)


def has_role(role: str) -> bool:
    """Whether this session may do what ``role`` may: to hide a button from viewers."""
    return role_allows(session_role(), role)


def require_role(role: str) -> None:
    """Stop the page here, with a message, unless this session has ``role``.

    Call it at the top of an analyst-only page, or just before an action
    (a download, an edit) on a page viewers may read.
    """
    import streamlit as st

    if not has_role(role):
        st.error(f"This needs the {role} role; you are signed in as "
                 f"{session_role() or 'nobody'}.", icon=":material/lock:")
        st.stop()


def visible_pages(pages: Iterable[Any], role: str | None) -> list[Any]:
    """The ``st.Page`` objects this role may see in the navigation."""
    if role_allows(role, ANALYST):
        return list(pages)
    return [page for page in pages if page.url_path not in ANALYST_PAGES]
