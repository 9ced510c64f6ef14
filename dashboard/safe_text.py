"""Show text taken from sources without letting it become markup.

Titles, sentences and names come from web pages and feeds we do not control.
Streamlit never gets them as HTML; where they go through Markdown, every
Markdown-active character is backslash-escaped first, and links are only ever
plain http(s) URLs.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

# Every ASCII punctuation character may be backslash-escaped in CommonMark;
# escaping all of them also defuses Streamlit's ``:colour[...]``, ``:emoji:``
# and ``$latex$`` extensions.
_MARKDOWN_ACTIVE = re.compile(r"([!-/:-@\[-`{-~])")
_WHITESPACE = re.compile(r"\s+")


def one_line(text: str) -> str:
    """Collapse runs of whitespace (newlines included) to single spaces."""
    return _WHITESPACE.sub(" ", text or "").strip()


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that renders to exactly these characters, on one line."""
    return _MARKDOWN_ACTIVE.sub(r"\\\1", one_line(text))


def safe_url(url: str) -> str | None:
    """``url`` when it is an absolute http(s) URL with a host, else None."""
    candidate = (url or "").strip()
    if any(ch.isspace() or ord(ch) < 32 for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return candidate


def plotly_text(text: str, width: int = 80) -> str:
    """``text`` for a plotly hover label: HTML-escaped (plotly reads a few
    tags there), wrapped at ``width`` characters with the ``<br>`` it knows."""
    words = one_line(text).split(" ")
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return "<br>".join(html.escape(line, quote=True) for line in lines)


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at ``limit`` characters with an ellipsis."""
    flat = one_line(text)
    return flat if len(flat) <= limit else flat[: max(limit - 1, 0)].rstrip() + "…"
