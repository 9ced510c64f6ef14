"""The document store: plain SQLite tables a user can open and query.

Tables:

* ``documents`` — one row per stored document; ``seq`` increases with every
  insert and is what later stages keep as their high-water mark.
* ``duplicates`` — exact copies seen at another URL (same normalised text),
  not stored again; each names the document it copies.
* ``feeds`` — per source: last fetch, status, error, ETag, Last-Modified.
* ``signatures`` / ``lsh_buckets`` — MinHash signatures and their LSH band
  keys for near-duplicate detection (rebuildable with
  :meth:`DocumentStore.rebuild_lsh_index`).
* ``documents_fts`` — full-text index over title and text.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from ingest.errors import StoreError
from ingest.near_duplicates import (
    THRESHOLD,
    band_keys,
    signature,
    signature_from_bytes,
    signature_to_bytes,
    similarity,
)
from ingest.records import Document

SCHEMA_VERSION = "1"
BUSY_TIMEOUT_MS = 30_000
_ID_CHUNK = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    published TEXT NOT NULL,
    source TEXT NOT NULL,
    feed TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    language TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    duplicate_of TEXT,
    added_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_content_hash ON documents (content_hash);
CREATE INDEX IF NOT EXISTS documents_feed ON documents (feed);
CREATE INDEX IF NOT EXISTS documents_published ON documents (published);
CREATE TABLE IF NOT EXISTS duplicates (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    feed TEXT NOT NULL,
    duplicate_of TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feeds (
    name TEXT PRIMARY KEY,
    location TEXT NOT NULL,
    last_fetch TEXT,
    status TEXT,
    error TEXT,
    etag TEXT,
    last_modified TEXT
);
CREATE TABLE IF NOT EXISTS signatures (
    doc_seq INTEGER PRIMARY KEY REFERENCES documents (seq),
    minhash BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS lsh_buckets (
    band INTEGER NOT NULL,
    bucket BLOB NOT NULL,
    doc_seq INTEGER NOT NULL REFERENCES documents (seq)
);
CREATE INDEX IF NOT EXISTS lsh_buckets_key ON lsh_buckets (band, bucket);
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts
    USING fts5(title, text, content='documents', content_rowid='seq');
"""

_DOCUMENT_COLUMNS = (
    "seq, id, url, title, published, source, feed, text, language, content_hash, duplicate_of"
)
_FEED_COLUMNS = ("name", "location", "last_fetch", "status", "error", "etag", "last_modified")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _document(row: sqlite3.Row) -> Document:
    return Document(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        published=row["published"],
        source=row["source"],
        text=row["text"],
        language=row["language"],
        content_hash=row["content_hash"],
        feed=row["feed"],
        duplicate_of=row["duplicate_of"],
    )


class DocumentStore:
    """Documents and per-feed fetch state in one SQLite file (WAL mode).

    ``add`` outside :meth:`transaction` commits at once; inside it, all
    writes (documents and feed state) commit or roll back together.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._depth = 0
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path,
                isolation_level=None,
                timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{self.path}: cannot open the document store: {exc}") from exc
        self._db.row_factory = sqlite3.Row
        try:
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.executescript(_SCHEMA)
            found = self._db.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'"
            ).fetchone()
            if found is None:
                self._db.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?)",
                    (SCHEMA_VERSION,),
                )
            elif found["value"] != SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: document store has schema version {found['value']}, "
                    f"this scamtrace reads version {SCHEMA_VERSION}"
                )
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{self.path}: not a usable document store: {exc}") from exc

    # -- lifetime -----------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> DocumentStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[DocumentStore]:
        """Group writes: everything inside commits together or not at all."""
        with self._lock:
            outermost = self._depth == 0
            if outermost:
                self._execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outermost:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outermost:
                self._execute("COMMIT")

    def _execute(self, sql: str, params: Iterable[object] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, tuple(params))
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    # -- writing documents --------------------------------------------------

    def add(self, doc: Document) -> str:
        """Store ``doc`` unless already known. Returns "new", "near_duplicate"
        (stored, ``duplicate_of`` set to the first copy), "duplicate" (same
        normalised text as a stored document at another URL; recorded, not
        stored) or "unchanged" (this id was seen before; the first version
        is kept).

        The first copy is the earliest published; when ``doc`` predates the
        stored copies it matches, it is stored as "new" and they are
        relinked to it (rare in a running monitor, common in a backfill)."""
        with self.transaction():
            if self.is_known(doc.id):
                return "unchanged"
            original = self._execute(
                "SELECT id, duplicate_of FROM documents WHERE content_hash = ? "
                "ORDER BY seq LIMIT 1",
                (doc.content_hash,),
            ).fetchone()
            if original is not None:
                self._execute(
                    "INSERT INTO duplicates (id, url, feed, duplicate_of, seen_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (doc.id, doc.url, doc.feed, original["duplicate_of"] or original["id"], _now()),
                )
                return "duplicate"
            values = signature(doc.text)
            similar = self._first_similar(values) if values is not None else None
            duplicate_of = doc.duplicate_of
            displaced = None
            if similar is not None:
                similar_id, similar_published = similar
                if doc.published < similar_published:
                    displaced = similar_id  # this copy came out first: it becomes the original
                else:
                    duplicate_of = similar_id
            cursor = self._execute(
                "INSERT INTO documents (id, url, title, published, source, feed, text, language, "
                "content_hash, duplicate_of, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc.id,
                    doc.url,
                    doc.title,
                    doc.published,
                    doc.source,
                    doc.feed,
                    doc.text,
                    doc.language,
                    doc.content_hash,
                    duplicate_of,
                    _now(),
                ),
            )
            seq = cursor.lastrowid
            self._execute(
                "INSERT INTO documents_fts (rowid, title, text) VALUES (?, ?, ?)",
                (seq, doc.title, doc.text),
            )
            if values is not None:
                self._execute(
                    "INSERT INTO signatures (doc_seq, minhash) VALUES (?, ?)",
                    (seq, signature_to_bytes(values)),
                )
                self._index_signature(seq, values)
            if displaced is not None:
                self._relink(displaced, doc.id)
            return "near_duplicate" if duplicate_of else "new"

    def _relink(self, old_original: str, new_original: str) -> None:
        """Point the copies of ``old_original``, and itself, at ``new_original``."""
        self._execute(
            "UPDATE documents SET duplicate_of = ? WHERE id = ? OR duplicate_of = ?",
            (new_original, old_original, old_original),
        )
        self._execute(
            "UPDATE duplicates SET duplicate_of = ? WHERE duplicate_of = ?",
            (new_original, old_original),
        )

    def _index_signature(self, seq: int, values: object) -> None:
        self._db.executemany(
            "INSERT INTO lsh_buckets (band, bucket, doc_seq) VALUES (?, ?, ?)",
            [(band, bucket, seq) for band, bucket in band_keys(values)],
        )

    def _first_similar(self, values: object) -> tuple[str, str] | None:
        """(id, published) of the first copy (the root of the duplicate
        chain) of a stored document whose text is near ``values``, or None."""
        keys = band_keys(values)
        condition = " OR ".join("(band = ? AND bucket = ?)" for _ in keys)
        params = [part for key in keys for part in key]
        rows = self._execute(
            "SELECT d.seq, d.id, d.duplicate_of, s.minhash FROM documents d "
            "JOIN signatures s ON s.doc_seq = d.seq WHERE d.seq IN "
            f"(SELECT doc_seq FROM lsh_buckets WHERE {condition}) ORDER BY d.seq",
            params,
        ).fetchall()
        for row in rows:
            if similarity(values, signature_from_bytes(row["minhash"])) >= THRESHOLD:
                root_id = row["duplicate_of"] or row["id"]
                root = self._execute(
                    "SELECT published FROM documents WHERE id = ?", (root_id,)
                ).fetchone()
                return root_id, root["published"] if root else ""
        return None

    def rebuild_lsh_index(self) -> int:
        """Recompute every LSH bucket from the stored signatures (after a
        change of band layout, or to repair the index). Returns the number
        of signatures indexed."""
        with self.transaction():
            self._execute("DELETE FROM lsh_buckets")
            rows = self._execute("SELECT doc_seq, minhash FROM signatures").fetchall()
            for row in rows:
                self._index_signature(row["doc_seq"], signature_from_bytes(row["minhash"]))
        return len(rows)

    # -- reading documents --------------------------------------------------

    def is_known(self, doc_id: str) -> bool:
        """True when ``doc_id`` is stored or recorded as an exact duplicate."""
        return (
            self._execute(
                "SELECT 1 FROM documents WHERE id = ? "
                "UNION ALL SELECT 1 FROM duplicates WHERE id = ?",
                (doc_id, doc_id),
            ).fetchone()
            is not None
        )

    def get(self, doc_id: str) -> Document | None:
        row = self._execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        return _document(row) if row else None

    def get_many(self, ids: Iterable[str]) -> dict[str, Document]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Document] = {}
        for start in range(0, len(wanted), _ID_CHUNK):
            chunk = wanted[start : start + _ID_CHUNK]
            marks = ",".join("?" * len(chunk))
            for row in self._execute(
                f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id IN ({marks})", chunk
            ):
                found[row["id"]] = _document(row)
        return found

    def iter_documents(
        self, after_seq: int = 0, batch_size: int = 500
    ) -> Iterator[tuple[int, Document]]:
        """(seq, Document) for every document with seq > ``after_seq``, in
        seq order, read in batches so memory stays flat."""
        last = after_seq
        while True:
            rows = self._execute(
                f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE seq > ? ORDER BY seq LIMIT ?",
                (last, batch_size),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield row["seq"], _document(row)
            last = rows[-1]["seq"]

    def max_seq(self) -> int:
        return self._execute("SELECT COALESCE(MAX(seq), 0) FROM documents").fetchone()[0]

    def count_after(self, seq: int) -> int:
        return self._execute("SELECT COUNT(*) FROM documents WHERE seq > ?", (seq,)).fetchone()[0]

    def search(self, query: str, limit: int = 50) -> list[Document]:
        """Documents whose title or text contain every word of ``query``,
        best match first."""
        words = re.findall(r"\w+", query)
        if not words:
            return []
        match = " ".join('"' + word.replace('"', "") + '"' for word in words)
        rows = self._execute(
            f"SELECT {', '.join('d.' + c.strip() for c in _DOCUMENT_COLUMNS.split(','))} "
            "FROM documents_fts JOIN documents d ON d.seq = documents_fts.rowid "
            "WHERE documents_fts MATCH ? ORDER BY documents_fts.rank LIMIT ?",
            (match, limit),
        ).fetchall()
        return [_document(row) for row in rows]

    def counts(self) -> dict[str, int]:
        row = self._execute(
            "SELECT COUNT(*) AS total, "
            "COALESCE(SUM(duplicate_of IS NOT NULL), 0) AS near_duplicates, "
            "COALESCE(SUM(language != 'en'), 0) AS non_english FROM documents"
        ).fetchone()
        duplicates = self._execute("SELECT COUNT(*) FROM duplicates").fetchone()[0]
        return {
            "total": row["total"],
            "duplicates": duplicates,
            "near_duplicates": row["near_duplicates"],
            "non_english": row["non_english"],
        }

    # -- feed state ---------------------------------------------------------

    def set_feed_state(
        self,
        name: str,
        location: str,
        status: str,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Record the outcome of fetching one source (status "ok",
        "not_modified" or "error")."""
        with self.transaction():
            self._execute(
                "INSERT INTO feeds (name, location, last_fetch, status, error, etag, "
                "last_modified) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                "location = excluded.location, last_fetch = excluded.last_fetch, "
                "status = excluded.status, error = excluded.error, etag = excluded.etag, "
                "last_modified = excluded.last_modified",
                (name, location, _now(), status, error, etag, last_modified),
            )

    def feed_state(self, name: str) -> dict[str, object] | None:
        row = self._execute(
            f"SELECT {', '.join(_FEED_COLUMNS)}, "
            "(SELECT COUNT(*) FROM documents WHERE feed = feeds.name) AS documents "
            "FROM feeds WHERE name = ?",
            (name,),
        ).fetchone()
        return dict(row) if row else None

    def feed_status(self) -> list[dict[str, object]]:
        """Every source ever fetched, by name, with its document count."""
        rows = self._execute(
            f"SELECT {', '.join(_FEED_COLUMNS)}, "
            "(SELECT COUNT(*) FROM documents WHERE feed = feeds.name) AS documents "
            "FROM feeds ORDER BY name"
        ).fetchall()
        return [dict(row) for row in rows]
