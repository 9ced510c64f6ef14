"""Watchlists: entities and terms a user follows, and the alerts new documents raise.

The watchlist is one SQLite file, ``HOME/watchlist.sqlite``, of plain tables a
user can open:

* ``watches`` - what is watched: an entity (``kind = 'entity'``, ``value`` its
  key, ``LOCATION:KK Park``) or a term (``kind = 'term'``, a word or phrase),
  and the watch's high-water mark ``after_seq``: the last extraction ``seq``
  already matched against it;
* ``alerts``  - one row per (watch, document) match, with the document's
  title, link, date and the matching evidence (JSON list of sentences);
* ``meta``    - the watchlist's uid (the Atom feed's id).

Matching (``record_new_matches``, run after each build) reads the extractions
newer than the watches' marks, in ``seq`` order, with their documents:

* an entity watch matches a relevant document whose extraction mentions the
  entity (the graph's own rule: only relevant documents contribute
  entities); the evidence is the sentences naming it;
* a term watch matches any document (off-topic and non-English included,
  unless the watch is ``relevant_only``) whose title or text contains the
  term as whole words, case and spacing ignored; the evidence is the title
  and the sentences containing it.

The alerts and the moved marks are written in one transaction, and an alert is
keyed by (watch, document), so a document re-extracted later, or a run
repeated, never alerts twice. The newest alerts are also written to the Atom
feed ``HOME/alerts.atom`` for any feed reader.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from xml.etree import ElementTree as ET

from graph.export.collect import xml_safe
from ingest.errors import ConfigError, StoreError
from ingest.records import Document
from nlp.records import Extraction
from nlp.taxonomy import ENTITY_LABELS

WATCHLIST_FILE = "watchlist.sqlite"
ATOM_FILE = "alerts.atom"
ENTITY, TERM = "entity", "term"
EVIDENCE_PER_ALERT = 3  # sentences kept per alert
FEED_ENTRIES = 500  # newest alerts in the Atom feed
SNIPPET = 120  # characters either side of a term found outside any known sentence
READ_BATCH = 200

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS watches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('entity', 'term')),
    value TEXT NOT NULL,
    relevant_only INTEGER NOT NULL,
    after_seq INTEGER NOT NULL DEFAULT 0,
    added TEXT NOT NULL,
    UNIQUE (kind, value)
);
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    watch_id INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
    doc_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    published TEXT NOT NULL,
    relevant INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    recorded TEXT NOT NULL,
    UNIQUE (watch_id, doc_id)
);
CREATE INDEX IF NOT EXISTS alerts_by_recorded ON alerts (recorded, id);
"""


@dataclass(frozen=True)
class Watch:
    id: int
    kind: str  # ENTITY or TERM
    value: str  # entity key, or the term as given (spacing collapsed)
    relevant_only: bool
    after_seq: int  # extractions up to this seq have been matched
    added: str  # UTC, ISO 8601


@dataclass(frozen=True)
class Alert:
    id: int
    watch_id: int
    kind: str
    value: str
    doc_id: str
    seq: int
    title: str
    url: str
    source: str
    published: str
    relevant: bool
    evidence: tuple[str, ...]
    recorded: str  # UTC, ISO 8601 (``YYYY-MM-DDTHH:MM:SSZ``)

    def as_dict(self) -> dict:
        return {"id": self.id, "watch": {"id": self.watch_id, "kind": self.kind,
                                         "value": self.value},
                "doc_id": self.doc_id, "title": self.title, "url": self.url,
                "source": self.source, "published": self.published,
                "relevant": self.relevant, "evidence": list(self.evidence),
                "recorded": self.recorded}


@dataclass(frozen=True)
class MatchReport:
    extractions: int  # extractions read
    alerts: int  # new alerts recorded
    watches: int

    def summary(self) -> str:
        if not self.watches:
            return "nothing watched"
        return (f"{self.alerts} new alert(s) from {self.extractions} new extraction(s) "
                f"for {self.watches} watch(es)")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalise_term(term: str) -> str:
    return " ".join(term.split())


def term_pattern(term: str) -> re.Pattern[str]:
    """Whole words of ``term`` in order, any spacing between them, case ignored."""
    words = normalise_term(term).split(" ")
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)",
                      re.IGNORECASE)


def check_entity_key(key: str) -> str:
    label, sep, name = key.partition(":")
    if not sep or label not in ENTITY_LABELS or not name.strip():
        raise ConfigError(f"entity {key!r}: give a key like LOCATION:KK Park (label one of "
                          f"{', '.join(ENTITY_LABELS)})")
    return f"{label}:{name.strip()}"


# -- matching: pure functions over one extraction and its document -------------

def entity_evidence(extraction: Extraction, key: str) -> tuple[str, ...] | None:
    """The sentences naming ``key`` when the (relevant) extraction mentions it, else None."""
    if not extraction.relevant:
        return None
    indexes = sorted({m.sentence for m in extraction.mentions if m.key == key})
    if not indexes:
        return None
    sentences = [extraction.sentences[i] for i in indexes if 0 <= i < len(extraction.sentences)]
    if not sentences:
        sentences = [m.text for m in extraction.mentions if m.key == key]
    return tuple(dict.fromkeys(sentences))[:EVIDENCE_PER_ALERT]


def term_evidence(extraction: Extraction, document: Document, term: str
                  ) -> tuple[str, ...] | None:
    """The title and sentences containing ``term``, when the document contains it, else None."""
    pattern = term_pattern(term)
    found = [document.title] if pattern.search(document.title) else []
    sentences = [s for s in extraction.sentences if pattern.search(s)]
    if not sentences:
        # Not in any extracted sentence (a non-English document has none): a snippet.
        hit = pattern.search(document.text)
        if hit is not None:
            start, end = max(hit.start() - SNIPPET, 0), hit.end() + SNIPPET
            sentences = [" ".join(document.text[start:end].split())]
    found.extend(sentences)
    if not found:
        return None
    return tuple(dict.fromkeys(found))[:EVIDENCE_PER_ALERT]


def match_watch(watch: Watch, extraction: Extraction, document: Document
                ) -> tuple[str, ...] | None:
    """The evidence ``document`` gives for ``watch``, or None when it does not match."""
    if watch.kind == ENTITY:
        return entity_evidence(extraction, watch.value)
    if watch.relevant_only and not extraction.relevant:
        return None
    return term_evidence(extraction, document, watch.value)


# -- the store -------------------------------------------------------------------

class Watchlist:
    """The watchlist and its alerts in one SQLite file (see the module docstring)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=30000")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(SCHEMA)
            self._db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('uid', ?)",
                             (uuid.uuid4().hex,))
            self.uid = self._db.execute("SELECT value FROM meta WHERE key = 'uid'").fetchone()[0]
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"watchlist {self.path}: cannot be opened ({exc})") from exc

    def __enter__(self) -> Watchlist:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def _rows(self, sql: str, params: Sequence = ()) -> list[tuple]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"watchlist {self.path}: query failed ({exc})") from exc

    # -- watches
    def add(self, kind: str, value: str, start_seq: int = 0, relevant_only: bool = False
            ) -> Watch:
        """Watch an entity key or a term; only extractions after ``start_seq`` will match.
        Adding what is already watched returns the existing watch unchanged."""
        if kind == ENTITY:
            value = check_entity_key(value)
            relevant_only = True
        elif kind == TERM:
            value = normalise_term(value)
            if not re.search(r"\w", value):
                raise ConfigError(f"watch term {value!r}: needs at least one letter or digit")
            existing = self.find(value)
            if existing is not None and existing.kind == TERM:
                return existing  # terms match case-insensitively: "kk park" is "KK Park"
        else:
            raise ConfigError(f"watch kind {kind!r}: must be {ENTITY} or {TERM}")
        self._rows("INSERT OR IGNORE INTO watches (kind, value, relevant_only, after_seq, added)"
                   " VALUES (?, ?, ?, ?, ?)", (kind, value, int(relevant_only), start_seq, _now()))
        return next(w for w in self.watches() if (w.kind, w.value) == (kind, value))

    def watches(self) -> list[Watch]:
        return [Watch(i, k, v, bool(r), a, d) for i, k, v, r, a, d in self._rows(
            "SELECT id, kind, value, relevant_only, after_seq, added FROM watches ORDER BY id")]

    def find(self, what: str) -> Watch | None:
        """A watch by id, entity key or term."""
        folded = normalise_term(what).casefold()
        for watch in self.watches():
            if what in (str(watch.id), watch.value) or (
                    watch.kind == TERM and folded == watch.value.casefold()):
                return watch
        return None

    def remove(self, what: str) -> Watch:
        """Stop watching (by id, key or term); its alerts go with it."""
        watch = self.find(what)
        if watch is None:
            raise ConfigError(f"watch {what!r}: not on the watchlist (see `scamtrace watchlist "
                              "list`)")
        self._rows("DELETE FROM watches WHERE id = ?", (watch.id,))
        return watch

    # -- alerts
    def alerts(self, since: str | None = None, limit: int | None = None) -> list[Alert]:
        """Alerts recorded on or after ``since`` (a date or UTC date-time), newest first."""
        sql = ("SELECT a.id, a.watch_id, w.kind, w.value, a.doc_id, a.seq, a.title, a.url, "
               "a.source, a.published, a.relevant, a.evidence, a.recorded "
               "FROM alerts a JOIN watches w ON w.id = a.watch_id")
        params: list = []
        if since is not None:
            sql += " WHERE a.recorded >= ?"
            params.append(since)
        sql += " ORDER BY a.recorded DESC, a.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [Alert(i, w, k, v, d, s, t, u, src, p, bool(rel), tuple(json.loads(ev)), rec)
                for i, w, k, v, d, s, t, u, src, p, rel, ev, rec in self._rows(sql, params)]

    def record(self, matches: Iterable[tuple[Watch, int, Extraction, Document, tuple[str, ...]]],
               marks: dict[int, int]) -> int:
        """Store the matches and move each watch's mark, in one transaction; returns the
        number of new alerts (a (watch, document) pair already alerted is kept as it was)."""
        now = _now()
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                before = db.execute("SELECT count(*) FROM alerts").fetchone()[0]
                db.executemany(
                    "INSERT OR IGNORE INTO alerts (watch_id, doc_id, seq, title, url, source, "
                    "published, relevant, evidence, recorded) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(w.id, d.id, seq, d.title, d.url, d.source, d.published, int(x.relevant),
                      json.dumps(list(ev), ensure_ascii=False), now)
                     for w, seq, x, d, ev in matches])
                db.executemany("UPDATE watches SET after_seq = max(after_seq, ?) WHERE id = ?",
                               [(mark, watch_id) for watch_id, mark in marks.items()])
                added = db.execute("SELECT count(*) FROM alerts").fetchone()[0] - before
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"watchlist {self.path}: cannot record alerts ({exc})") from exc
        return added


# -- running it ------------------------------------------------------------------

class ExtractionSource(Protocol):
    def iter_extractions(self, after_seq: int = 0, batch_size: int = 500
                         ) -> Iterator[tuple[int, Extraction]]: ...

    def max_seq(self) -> int: ...


class DocumentLookup(Protocol):
    def get_many(self, ids: Iterable[str]) -> dict[str, Document]: ...


def match_new_extractions(
    watchlist: Watchlist, extractions: ExtractionSource, documents: DocumentLookup,
    up_to_seq: int | None = None,
) -> MatchReport:
    """Match every watch against the extractions after its mark (up to ``up_to_seq``, the
    graph's high-water mark when given, so alerts never run ahead of the graph)."""
    watches = watchlist.watches()
    if not watches:
        return MatchReport(extractions=0, alerts=0, watches=0)
    last = extractions.max_seq() if up_to_seq is None else up_to_seq
    start = min(w.after_seq for w in watches)
    read = added = 0
    batch: list[tuple[int, Extraction]] = []

    def flush() -> None:
        nonlocal added
        found = documents.get_many(x.doc_id for _, x in batch)
        matches = []
        for seq, extraction in batch:
            document = found.get(extraction.doc_id)
            if document is None:
                continue
            for watch in watches:
                if seq > watch.after_seq:
                    evidence = match_watch(watch, extraction, document)
                    if evidence:
                        matches.append((watch, seq, extraction, document, evidence))
        mark = batch[-1][0]
        added += watchlist.record(matches, {w.id: mark for w in watches if w.after_seq < mark})
        batch.clear()

    for seq, extraction in extractions.iter_extractions(after_seq=start):
        if seq > last:
            break
        read += 1
        batch.append((seq, extraction))
        if len(batch) >= READ_BATCH:
            flush()
    if batch:
        flush()
    return MatchReport(extractions=read, alerts=added, watches=len(watches))


def record_new_matches(
    home: Path, extractions: ExtractionSource, documents: DocumentLookup,
    up_to_seq: int | None = None,
) -> MatchReport:
    """After a build: record the alerts new extractions raise for ``HOME``'s watchlist and
    rewrite ``HOME/alerts.atom``. With no watchlist file, nothing is read or written."""
    path = Path(home) / WATCHLIST_FILE
    if not path.exists():
        return MatchReport(extractions=0, alerts=0, watches=0)
    with Watchlist(path) as watchlist:
        report = match_new_extractions(watchlist, extractions, documents, up_to_seq)
        if report.alerts or not (Path(home) / ATOM_FILE).exists():
            write_atom(watchlist, Path(home) / ATOM_FILE)
    return report


# -- the Atom feed -----------------------------------------------------------------

ATOM_NS = "http://www.w3.org/2005/Atom"


def _entry_id(feed_uid: str, alert: Alert) -> str:
    return uuid.uuid5(uuid.UUID(feed_uid), f"{alert.kind}\x1f{alert.value}\x1f{alert.doc_id}").urn


def atom_feed(alerts: Sequence[Alert], feed_uid: str, updated: str | None = None) -> bytes:
    """An Atom 1.0 document of ``alerts`` (newest first); ids are stable per (watch, document)."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}",
                                {k: xml_safe(v) for k, v in attrs.items()})
        if text is not None:
            element.text = xml_safe(text)  # source text may hold characters XML cannot
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", uuid.UUID(feed_uid).urn)
    sub(feed, "title", "scamtrace watchlist alerts")
    sub(feed, "subtitle", "Documents matching the entities and terms on the watchlist")
    sub(feed, "updated", updated or (alerts[0].recorded if alerts else _now()))
    author = sub(feed, "author")
    sub(author, "name", "scamtrace")
    sub(feed, "generator", "scamtrace")
    for alert in alerts:
        entry = sub(feed, "entry")
        sub(entry, "id", _entry_id(feed_uid, alert))
        sub(entry, "title", f"{alert.value}: {alert.title or alert.doc_id}")
        if alert.url:
            sub(entry, "link", href=alert.url, rel="alternate")
        sub(entry, "updated", alert.recorded)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", alert.published):
            sub(entry, "published", f"{alert.published}T00:00:00Z")
        sub(entry, "category", term=alert.kind, label=f"{alert.kind}: {alert.value}")
        evidence = "\n\n".join(alert.evidence)
        sub(entry, "summary", f"{alert.source} ({alert.published}): {evidence}")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def write_atom(watchlist: Watchlist, path: Path) -> Path:
    """Rewrite the Atom feed of the newest alerts, atomically (a reader never sees half)."""
    data = atom_feed(watchlist.alerts(limit=FEED_ENTRIES), watchlist.uid)
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        raise StoreError(f"alert feed {path}: cannot be written ({exc.strerror})") from exc
    return path
