"""Read the small Markdown the briefing template writes, for the Word and PDF writers.

Only what a briefing needs: ``#``/``##``/``###`` headings, ``- `` bullets,
``1. `` numbered items, paragraphs, a line holding only an image
``![alt](src)``, and inline ``**bold**``, ``*italic*``/``_italic_``,
``<https://...>`` autolinks and backslash escapes. Anything else is text:
since source text reaches the Markdown escaped, it always comes back here as
the same plain characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^(\d+)\.\s+(.*)$")
_IMAGE = re.compile(r"^!\[((?:\\.|[^\]\\])*)\]\(([^)\s]+)\)$")
_AUTOLINK = re.compile(r"<(https?://[^<>\s]+)>")
_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    link: str = ""


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "paragraph", "bullet", "numbered", "image"
    runs: tuple[Run, ...] = ()
    level: int = 0  # heading level
    number: int = 0  # numbered item's number
    src: str = ""  # image source

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def read_inline(text: str) -> tuple[Run, ...]:
    """Runs of ``text`` with bold/italic/link state; escapes become their characters."""
    runs: list[Run] = []
    buffer: list[str] = []
    bold = italic = False

    def flush() -> None:
        if buffer:
            runs.append(Run("".join(buffer), bold=bold, italic=italic))
            buffer.clear()

    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            buffer.append(text[i + 1])
            i += 2
            continue
        if text.startswith("**", i):
            flush()
            bold = not bold
            i += 2
            continue
        if ch in "*_" and _delimits(text, i):
            flush()
            italic = not italic
            i += 1
            continue
        link = _AUTOLINK.match(text, i)
        if ch == "<" and link:
            flush()
            runs.append(Run(link.group(1), bold=bold, italic=italic, link=link.group(1)))
            i = link.end()
            continue
        buffer.append(ch)
        i += 1
    flush()
    return tuple(runs)


def _delimits(text: str, i: int) -> bool:
    """An unescaped ``*``/``_`` is emphasis unless it sits inside a word (snake_case)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not (before.isalnum() and after.isalnum())


def read_blocks(markdown: str) -> list[Block]:
    """The blocks of ``markdown`` in order."""
    blocks: list[Block] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            blocks.append(Block("paragraph", read_inline(" ".join(paragraph))))
            paragraph.clear()

    for raw in markdown.splitlines():
        line = raw.strip()
        if not line:
            end_paragraph()
            continue
        if m := _HEADING.match(line):
            end_paragraph()
            blocks.append(Block("heading", read_inline(m.group(2)), level=len(m.group(1))))
        elif m := _IMAGE.match(line):
            end_paragraph()
            blocks.append(Block("image", read_inline(m.group(1)), src=m.group(2)))
        elif m := _BULLET.match(line):
            end_paragraph()
            blocks.append(Block("bullet", read_inline(m.group(1))))
        elif m := _NUMBERED.match(line):
            end_paragraph()
            blocks.append(Block("numbered", read_inline(m.group(2)), number=int(m.group(1))))
        else:
            paragraph.append(line)
    end_paragraph()
    return blocks


def unescape(text: str) -> str:
    return _ESCAPE.sub(r"\1", text)
