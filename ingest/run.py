"""Ingest a list of sources into a DocumentStore.

Each source is read in full (feed, article pages for summary-only entries,
files in a folder) before anything is written; its documents are then added
in one transaction together with its new feed state (ETag, Last-Modified).
A run killed mid-source therefore leaves that source as it was, and the next
run refetches it without storing anything twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from ingest.dates import today_utc
from ingest.errors import ScamtraceError, SourceError, StoreError
from ingest.extract import (
    ExtractedText,
    decode_bytes,
    extract_html,
    extract_main_text,
    extract_pdf,
    extract_plain,
)
from ingest.feeds import ParsedFeed, looks_like_feed, parse_feed
from ingest.fetch import FetchPolicy, FetchResult, fetch_url
from ingest.records import Document
from ingest.sources import Source, files_in, is_remote, local_kind, local_path, read_local_file
from ingest.store import DocumentStore
from ingest.text import content_hash, detect_language
from ingest.urls import canonical_url, document_id, file_uri

log = logging.getLogger(__name__)

# Documents from a folder are written in batches of this many.
FOLDER_BATCH = 200

# Called as progress(advance, description=...) after each source, and once
# at the start with total= when the callable accepts it (the CLI's rich bar).
Progress = Callable[..., None]


@dataclass
class SourceReport:
    """What one source gave in one run. ``status`` is "ok", "not_modified"
    or "error"; ``notes`` are fallbacks that did not stop the source."""

    name: str
    location: str
    status: str = "ok"
    new: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        """Add one ``DocumentStore.add`` outcome to the tallies."""
        if outcome == "new":
            self.new += 1
        elif outcome == "duplicate":
            self.duplicates += 1
        elif outcome == "near_duplicate":
            self.near_duplicates += 1
        else:
            self.unchanged += 1


@dataclass
class IngestReport:
    sources: list[SourceReport] = field(default_factory=list)

    def total(self, name: str) -> int:
        """Sum of one tally ("new", "duplicates", ...) over all sources."""
        return sum(getattr(report, name) for report in self.sources)

    @property
    def errors(self) -> list[str]:
        return [f"{report.name}: {error}" for report in self.sources for error in report.errors]

    def summary(self) -> str:
        """One line for the CLI: tallies over all sources, then failures."""
        text = (
            f"{len(self.sources)} sources: {self.total('new')} new, "
            f"{self.total('duplicates')} duplicates, "
            f"{self.total('near_duplicates')} near-duplicates, "
            f"{self.total('unchanged')} unchanged"
        )
        not_modified = sum(report.status == "not_modified" for report in self.sources)
        if not_modified:
            text += f", {not_modified} not modified"
        failed = [report.name for report in self.sources if report.status == "error"]
        if failed:
            text += f"; errors in {len(failed)} ({', '.join(failed)}): see `scamtrace status`"
        return text


def ingest_sources(
    sources: Iterable[Source],
    store: DocumentStore,
    policy: FetchPolicy,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest every source; a source that fails is recorded (feeds table
    status "error" with the message) and the run goes on. Only a store
    failure stops the run. ``progress(1, description=...)`` is called after
    each source."""
    source_list = list(sources)
    report = IngestReport()
    if progress is not None and _accepts_total(progress):
        progress(0, total=len(source_list), description="fetching")
    for source in source_list:
        outcome = ingest_source(source, store, policy, progress)
        report.sources.append(outcome)
        if progress is not None:
            progress(1, description=_describe(outcome))
    return report


def _accepts_total(progress: Progress) -> bool:
    try:
        parameters = inspect.signature(progress).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(
        parameter.name == "total" or parameter.kind is inspect.Parameter.VAR_KEYWORD
        for parameter in parameters
    )


def _describe(outcome: SourceReport) -> str:
    if outcome.status == "error" and not (outcome.new or outcome.unchanged):
        return f"{outcome.name}: error"
    if outcome.status == "not_modified":
        return f"{outcome.name}: not modified"
    return f"{outcome.name}: {outcome.new} new"


def ingest_source(
    source: Source,
    store: DocumentStore,
    policy: FetchPolicy,
    progress: Progress | None = None,
) -> SourceReport:
    """Ingest one source and record its feed state; never raises except
    StoreError. ``progress(0, description=...)`` follows files in a folder."""
    report = SourceReport(name=source.name, location=source.location)
    previous = store.feed_state(source.name) or {}
    if previous.get("location") != source.location:
        previous = {}  # validators of another location mean nothing here
    try:
        if is_remote(source.location):
            _ingest_remote(source, store, policy, previous, report)
        else:
            _ingest_local(source, store, policy, report, progress)
    except StoreError:
        raise
    except ScamtraceError as exc:
        _record_failure(source, store, previous, report, str(exc))
    except Exception as exc:  # a library bug on hostile input must not end the run
        log.exception("unexpected failure ingesting %s", source.location)
        _record_failure(
            source, store, previous, report, f"{source.location}: {type(exc).__name__}: {exc}"
        )
    for note in report.notes:
        log.info("%s: %s", source.name, note)
    return report


def _record_failure(
    source: Source,
    store: DocumentStore,
    previous: dict[str, object],
    report: SourceReport,
    message: str,
) -> None:
    log.warning("%s: %s", source.name, message)
    report.status = "error"
    report.errors.append(message)
    # Keep the old validators: what they describe is still what is stored.
    store.set_feed_state(
        source.name,
        source.location,
        "error",
        error=message,
        etag=_text_or_none(previous.get("etag")),
        last_modified=_text_or_none(previous.get("last_modified")),
    )


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _write(
    source: Source,
    store: DocumentStore,
    documents: list[Document],
    report: SourceReport,
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    """Add ``documents`` and the source's new state in one transaction."""
    error = "; ".join(report.errors) if report.errors else None
    status = "error" if report.errors else report.status
    with store.transaction():
        outcomes = [store.add(document) for document in documents]
        store.set_feed_state(
            source.name,
            source.location,
            status,
            error=error,
            etag=etag,
            last_modified=last_modified,
        )
    # Tallied only once committed, so a failed write reports nothing stored.
    report.status = status
    for outcome in outcomes:
        report.count(outcome)


def _write_batch(store: DocumentStore, documents: list[Document], report: SourceReport) -> None:
    with store.transaction():
        outcomes = [store.add(document) for document in documents]
    for outcome in outcomes:
        report.count(outcome)


# -- remote sources -----------------------------------------------------------


def _ingest_remote(
    source: Source,
    store: DocumentStore,
    policy: FetchPolicy,
    previous: dict[str, object],
    report: SourceReport,
) -> None:
    fetched = fetch_url(
        source.location,
        policy,
        etag=_text_or_none(previous.get("etag")),
        last_modified=_text_or_none(previous.get("last_modified")),
    )
    if fetched.not_modified:
        report.status = "not_modified"
        store.set_feed_state(
            source.name,
            source.location,
            "not_modified",
            etag=fetched.etag,
            last_modified=fetched.last_modified,
        )
        return
    documents = _remote_documents(source, store, policy, fetched, report)
    _write(source, store, documents, report, fetched.etag, fetched.last_modified)


def _remote_documents(
    source: Source,
    store: DocumentStore,
    policy: FetchPolicy,
    fetched: FetchResult,
    report: SourceReport,
) -> list[Document]:
    content_type = fetched.content_type.lower()
    today = today_utc()
    if "pdf" in content_type or fetched.content.startswith(b"%PDF"):
        found = extract_pdf(fetched.content, source.location, policy.max_pdf_pages)
        report.notes.extend(found.notes)
        return [_document(source, fetched.url, document_id(fetched.url), found, today)]
    xml_not_html = "xml" in content_type and "html" not in content_type
    if looks_like_feed(fetched.content) or xml_not_html:
        feed = parse_feed(fetched.content, source.location, base_url=fetched.final_url)
        return _feed_documents(source, store, policy, feed, fetched.final_url, report)
    if "html" in content_type or fetched.content.lstrip()[:1] == b"<":
        markup = decode_bytes(fetched.content, fetched.content_type)
        found = extract_html(markup, fetched.final_url)
        report.notes.extend(found.notes)
        return [_document(source, fetched.url, document_id(fetched.url), found, today)]
    if content_type.startswith("text/plain"):
        found = extract_plain(decode_bytes(fetched.content, fetched.content_type))
        return [_document(source, fetched.url, document_id(fetched.url), found, today)]
    raise SourceError(
        f"{source.location}: content type {fetched.content_type or '(none)'} is not a feed, "
        "page, PDF or text"
    )


# -- feeds --------------------------------------------------------------------


def _feed_documents(
    source: Source,
    store: DocumentStore,
    policy: FetchPolicy,
    feed: ParsedFeed,
    base_url: str,
    report: SourceReport,
) -> list[Document]:
    """Documents for the entries not stored yet; summary-only entries get
    their article page fetched (through the same policy)."""
    documents = []
    today = today_utc()
    publisher = feed.title or source.name
    for entry in feed.entries:
        link = entry.link or (entry.guid if is_remote(entry.guid) else "")
        link = urljoin(base_url, link) if link else ""
        url = ""
        if link and not is_remote(link):
            # javascript:, data:, file: links are never stored (nor shown as links later).
            report.notes.append(f"entry link {link[:80]!r} is not http(s); keyed by feed")
        elif link:
            try:
                url = canonical_url(link)
            except SourceError as exc:
                report.notes.append(f"entry link unusable, keyed by feed: {exc}")
        if url:
            doc_id = document_id(url)
        else:
            # No usable link: key the entry by its feed and guid (or title).
            url = base_url
            key = f"{canonical_url(base_url)}\n{entry.guid or entry.title}"
            doc_id = hashlib.sha1(key.encode("utf-8")).hexdigest()
        if store.is_known(doc_id):
            report.unchanged += 1
            continue
        text = entry.text
        if entry.is_summary_only and is_remote(url):
            text = _article_text(url, text, policy, report)
        if not text and not entry.title:
            report.notes.append(f"{url}: entry has neither title nor text; skipped")
            continue
        found = ExtractedText(
            title=entry.title, text=text or entry.title, published=entry.published
        )
        documents.append(
            Document(
                id=doc_id,
                url=url,
                title=found.title or _first_words(found.text),
                published=found.published or today,
                source=publisher,
                text=found.text,
                language=detect_language(f"{found.title}\n{found.text}"),
                content_hash=content_hash(found.text),
                feed=source.name,
            )
        )
    return documents


def _article_text(url: str, summary: str, policy: FetchPolicy, report: SourceReport) -> str:
    """Main text of the article page, or ``summary`` (with a note) when the
    page cannot be fetched or has no longer text."""
    try:
        page = fetch_url(url, policy)
    except SourceError as exc:
        report.notes.append(f"kept the summary: {exc}")
        return summary
    main = extract_main_text(decode_bytes(page.content, page.content_type), page.final_url)
    if not main or len(main) <= len(summary):
        report.notes.append(f"{url}: kept the summary: the page has no longer main text")
        return summary
    return main


def _first_words(text: str, count: int = 12) -> str:
    return " ".join(text.split()[:count])


# -- local files --------------------------------------------------------------


def _ingest_local(
    source: Source,
    store: DocumentStore,
    policy: FetchPolicy,
    report: SourceReport,
    progress: Progress | None = None,
) -> None:
    path = local_path(source.location, policy)
    if path.is_dir():
        paths = files_in(path)
        if not paths:
            raise SourceError(f"{source.location}: folder holds no feed, HTML, PDF or text files")
    else:
        if local_kind(path) is None:
            raise SourceError(
                f"{source.location}: unsupported file type {path.suffix or '(none)'} "
                "(expected .xml, .rss, .atom, .html, .htm, .pdf or .txt)"
            )
        paths = [path]
    documents: list[Document] = []
    for index, file_path in enumerate(paths, start=1):
        if progress is not None and len(paths) > 1:
            progress(0, description=f"{source.name}: file {index}/{len(paths)}")
        try:
            documents.extend(_file_documents(source, store, policy, file_path, report))
        except SourceError as exc:
            if len(paths) == 1:
                raise
            report.errors.append(str(exc))
        if len(documents) >= FOLDER_BATCH:
            # Files have no validators to keep in step with, so a big folder
            # is written as it goes; known files are skipped unread next time.
            _write_batch(store, documents, report)
            documents = []
    _write(source, store, documents, report)


def _file_documents(
    source: Source,
    store: DocumentStore,
    policy: FetchPolicy,
    path: Path,
    report: SourceReport,
) -> list[Document]:
    kind = local_kind(path)
    uri = file_uri(path)
    if kind == "feed":
        feed = parse_feed(read_local_file(path, policy), str(path), base_url=uri)
        return _feed_documents(source, store, policy, feed, uri, report)
    doc_id = document_id(uri)
    if store.is_known(doc_id):
        # Files are keyed by path: a known file is not read again.
        report.unchanged += 1
        return []
    data = read_local_file(path, policy)
    if kind == "pdf":
        found = extract_pdf(data, str(path), policy.max_pdf_pages)
    elif kind == "html":
        found = extract_html(decode_bytes(data), uri)
    else:
        found = extract_plain(decode_bytes(data))
    report.notes.extend(f"{path.name}: {note}" for note in found.notes)
    if not found.text:
        raise SourceError(f"{path}: no text found")
    return [_document(source, uri, doc_id, found, _modified_date(path))]


def _modified_date(path: Path) -> str:
    try:
        moment = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    except (OSError, OverflowError, ValueError):
        return today_utc()
    return moment.date().isoformat()


def _document(
    source: Source, url: str, doc_id: str, found: ExtractedText, fallback_date: str
) -> Document:
    return Document(
        id=doc_id,
        url=canonical_url(url),
        title=found.title or _first_words(found.text),
        published=found.published or fallback_date,
        source=source.name,
        text=found.text,
        language=detect_language(f"{found.title}\n{found.text}"),
        content_hash=content_hash(found.text),
        feed=source.name,
    )
