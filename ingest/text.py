"""Plain text from markup, text fingerprints and language."""

from __future__ import annotations

import hashlib
import html
import re
from html.parser import HTMLParser

import py3langid

_BLOCK_TAGS = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article",
        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "header",
        "footer", "figure", "figcaption", "dd", "dt",
    }
)  # fmt: skip
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "svg", "head"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_TAG_LIKE = re.compile(r"</?[A-Za-z][^<>]*>|<!--|-->|<!\[CDATA\[|\]\]>")
_UNCLOSED_TAG = re.compile(r"</?[A-Za-z][^<>]*$")
_WORD = re.compile(r"\w+", re.UNICODE)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Strip tags, scripts and styles from ``markup``; keep paragraph breaks.
    Plain text passes through with entities unescaped. Markup that was
    escaped once more (``&lt;p&gt;``, common in feeds) is stripped too."""
    text = _strip_once(markup)
    # Each pass that changes the text makes it shorter, so this ends.
    while _TAG_LIKE.search(text):
        stripped = _strip_once(text)
        if stripped == text:
            break
        text = stripped
    # What the parser hands back verbatim (an unclosed comment or tag at the
    # end) is removed last, so no tag survives into the text.
    return tidy_text(_UNCLOSED_TAG.sub("", _TAG_LIKE.sub("", text)))


def _strip_once(markup: str) -> str:
    if "<" not in markup:
        return html.unescape(markup)
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    return "".join(collector.parts)


def tidy_text(text: str) -> str:
    """Collapse runs of spaces, trim lines, keep single blank lines between paragraphs."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def normalised_words(text: str) -> list[str]:
    """Lowercased word tokens: what duplicate detection compares."""
    return _WORD.findall(text.casefold())


def content_hash(text: str) -> str:
    """sha1 of the normalised words, so whitespace, case and punctuation
    edits do not make two copies look different."""
    return hashlib.sha1(" ".join(normalised_words(text)).encode("utf-8")).hexdigest()


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text`` (py3langid); "und" when there is no text."""
    sample = text[:5000]
    if not normalised_words(sample):
        return "und"
    language, _score = py3langid.classify(sample)
    return str(language)
