"""Main text, title and date from an HTML page, a PDF or a text file.

Pure functions over bytes; reading files and fetching pages happen in
``ingest.run``.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass

import pypdf
import trafilatura
from pypdf.errors import PdfReadError

from ingest.dates import parse_date
from ingest.errors import SourceError
from ingest.text import html_to_text, tidy_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractedText:
    """What an extractor found. ``published`` is ISO or None; ``notes`` say
    what was cut or fell back (e.g. a page cap)."""

    title: str
    text: str
    published: str | None
    notes: tuple[str, ...] = ()


def decode_bytes(data: bytes, content_type: str = "") -> str:
    """Decode with the charset named in ``content_type``, else UTF-8 (with a
    BOM if present), replacing what does not decode."""
    charset = "utf-8-sig"
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip("\"' ")
    try:
        return data.decode(charset, errors="replace")
    except (LookupError, ValueError):  # unknown name, or one Python cannot even look up
        return data.decode("utf-8", errors="replace")


def extract_html(markup: str, url: str) -> ExtractedText:
    """Main text of a page with trafilatura (boilerplate dropped). Falls
    back to all visible text when trafilatura finds no main text."""
    payload = None
    try:
        payload = trafilatura.extract(
            markup,
            url=url,
            output_format="json",
            with_metadata=True,
            include_comments=False,
            include_tables=True,
        )
    except Exception as exc:  # trafilatura raises varied parser errors on bad markup
        log.debug("trafilatura failed on %s: %s", url, exc)
    if payload:
        found = json.loads(payload)
        text = tidy_text(found.get("text") or "")
        if text:
            return ExtractedText(
                title=(found.get("title") or "").strip() or _first_line(text),
                text=text,
                published=parse_date(found.get("date")),
            )
    text = html_to_text(markup)
    return ExtractedText(
        title=_first_line(text),
        text=text,
        published=None,
        notes=("no main text found; kept all visible text",),
    )


def extract_main_text(markup: str, url: str) -> str | None:
    """Main text of an article page, or None when trafilatura finds none."""
    try:
        text = trafilatura.extract(markup, url=url, include_comments=False)
    except Exception as exc:  # trafilatura raises varied parser errors on bad markup
        log.debug("trafilatura failed on %s: %s", url, exc)
        return None
    return tidy_text(text) if text else None


def extract_pdf(data: bytes, name: str, max_pages: int) -> ExtractedText:
    """Text of a PDF, at most ``max_pages`` pages. Encrypted (with a
    password) or corrupt PDFs raise SourceError naming ``name``."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise SourceError(f"{name}: PDF is encrypted with a password")
        pages = reader.pages
        page_count = len(pages)
        texts = [pages[index].extract_text() or "" for index in range(min(page_count, max_pages))]
        metadata = reader.metadata
    except SourceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, NotImplementedError) as exc:
        raise SourceError(f"{name}: cannot read PDF: {exc}") from exc
    except Exception as exc:  # pypdf raises a wide range of errors on corrupt files
        raise SourceError(f"{name}: cannot read PDF: {type(exc).__name__}: {exc}") from exc
    notes: list[str] = []
    if page_count > max_pages:
        notes.append(f"read the first {max_pages} of {page_count} pages")
    text = tidy_text("\n\n".join(texts))
    if not text:
        raise SourceError(f"{name}: PDF has no extractable text (scanned images?)")
    title = ""
    published = None
    if metadata is not None:
        title = str(metadata.get("/Title") or "").strip()
        published = parse_date(str(metadata.get("/CreationDate") or ""))
    return ExtractedText(
        title=title or _first_line(text),
        text=text,
        published=published,
        notes=tuple(notes),
    )


def extract_plain(text: str) -> ExtractedText:
    """A plain text file: title is its first line."""
    tidy = tidy_text(text)
    return ExtractedText(title=_first_line(tidy), text=tidy, published=None)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""
