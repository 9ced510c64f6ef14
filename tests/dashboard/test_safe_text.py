"""Source text shown by the dashboard never turns into markup."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from dashboard.safe_text import escape_markdown, one_line, plotly_text, safe_url, shorten

HOSTILE = (
    "<img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold** "
    ":red[red] $x^2$ `code` # heading | a | b | ~~gone~~ <script>alert(2)</script>"
)


def rendered_text(markdown: str) -> str:
    """What a CommonMark renderer shows for ``markdown``, as plain text."""
    tokens = MarkdownIt("commonmark").enable("table").enable("strikethrough").parseInline(markdown)
    return "".join(child.content for token in tokens for child in token.children or ()
                   if child.type in ("text", "text_special"))


def test_escaped_markdown_renders_to_the_original_characters():
    assert rendered_text(escape_markdown(HOSTILE)) == HOSTILE


def test_escaped_markdown_produces_no_tags_links_or_emphasis():
    rendered = MarkdownIt("commonmark").render(escape_markdown(HOSTILE))
    assert "<img" not in rendered and "<script" not in rendered
    assert "<a " not in rendered and "<strong>" not in rendered and "<code>" not in rendered


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"))))
def test_any_text_renders_back_to_itself_on_one_line(text):
    assert rendered_text(escape_markdown(text)) == one_line(text)


def test_only_absolute_http_urls_are_links():
    assert safe_url("https://news.example/a?b=1") == "https://news.example/a?b=1"
    assert safe_url("http://example.org") == "http://example.org"
    for bad in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "/relative",
                "//example.org/x", "https://", "https://exa mple.org", "file:///etc/passwd", ""):
        assert safe_url(bad) is None, bad


def test_plotly_text_escapes_tags_and_wraps_with_breaks():
    text = plotly_text("<b>bold</b> " + "word " * 40, width=30)
    assert "<b>" not in text and "&lt;b&gt;" in text
    lines = text.split("<br>")
    assert len(lines) > 1 and all(len(html.unescape(line)) <= 30 for line in lines)


def test_shorten_cuts_long_text_with_an_ellipsis():
    assert shorten("a b c d e f", 5) == "a b…"
    assert shorten("short", 10) == "short"
