"""The extraction store: one SQLite file of plain, queryable tables.

* ``extractions`` - one row per document (``seq`` grows with every save, so a
  re-extracted document moves to the end and downstream stages see it again);
* ``mentions`` and ``relations`` - the rows of each extraction;
* ``meta`` - the document high-water mark (last document ``seq`` extracted).

``save`` writes a batch and moves the high-water mark in one transaction, so
a run killed half way loses at most the batch it was working on.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from ingest.errors import StoreError
from nlp.records import Extraction, Mention, Relation

SCHEMA = """
CREATE TABLE IF NOT EXISTS extractions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL UNIQUE,
    language TEXT NOT NULL,
    relevant INTEGER NOT NULL,
    relevance REAL NOT NULL,
    extracted_at TEXT NOT NULL,
    sentences TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS mentions (
    doc_id TEXT NOT NULL,
    label TEXT NOT NULL,
    name TEXT NOT NULL,
    text TEXT NOT NULL,
    sentence INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions (doc_id);
CREATE INDEX IF NOT EXISTS mentions_entity ON mentions (label, name);
CREATE TABLE IF NOT EXISTS relations (
    doc_id TEXT NOT NULL,
    type TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    sentence INTEGER NOT NULL,
    sentence_text TEXT NOT NULL,
    mode TEXT NOT NULL DEFAULT '',
    via TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS relations_doc ON relations (doc_id);
CREATE INDEX IF NOT EXISTS relations_type ON relations (type);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
HIGH_WATER_MARK = "document_high_water_mark"


class ExtractionStore:
    """One extraction per document, in ``seq`` order, with the document high-water mark."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=10000")
            self._db.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"extraction store {self.path}: cannot open ({exc})") from exc

    def __enter__(self) -> ExtractionStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def save(self, extractions: list[Extraction], doc_high_water_mark: int) -> None:
        """Store a batch and move the high-water mark, all or nothing.

        Re-saving a ``doc_id`` replaces its rows and gives it a new ``seq``.
        The mark never moves backwards.
        """
        now = datetime.now(UTC).isoformat(timespec="seconds")
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            for extraction in extractions:
                self._replace(extraction, now)
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                "value = MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
                (HIGH_WATER_MARK, str(int(doc_high_water_mark))),
            )
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise StoreError(f"extraction store {self.path}: cannot save ({exc})") from exc
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _replace(self, extraction: Extraction, now: str) -> None:
        db = self._db
        doc_id = extraction.doc_id
        for table in ("mentions", "relations", "extractions"):
            db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
        db.execute(
            "INSERT INTO extractions"
            " (doc_id, language, relevant, relevance, extracted_at, sentences)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                doc_id,
                extraction.language,
                int(extraction.relevant),
                float(extraction.relevance),
                now,
                json.dumps(list(extraction.sentences), ensure_ascii=False),
            ),
        )
        db.executemany(
            'INSERT INTO mentions (doc_id, label, name, text, sentence, start, "end")'
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (doc_id, m.label, m.name, m.text, m.sentence, m.start, m.end)
                for m in extraction.mentions
            ],
        )
        db.executemany(
            "INSERT INTO relations"
            " (doc_id, type, source, target, sentence, sentence_text, mode, via)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    doc_id,
                    r.type,
                    r.source,
                    r.target,
                    r.sentence,
                    r.sentence_text,
                    r.mode,
                    json.dumps(list(r.via), ensure_ascii=False),
                )
                for r in extraction.relations
            ],
        )

    def document_high_water_mark(self) -> int:
        """The last document ``seq`` whose extraction is stored (0 when none)."""
        row = self._db.execute(
            "SELECT value FROM meta WHERE key = ?", (HIGH_WATER_MARK,)
        ).fetchone()
        return int(row[0]) if row else 0

    def max_seq(self) -> int:
        row = self._db.execute("SELECT MAX(seq) FROM extractions").fetchone()
        return int(row[0] or 0)

    def _load(self, row: tuple) -> Extraction:
        doc_id, language, relevant, relevance, sentences = row
        mentions = tuple(
            Mention(*m)
            for m in self._db.execute(
                'SELECT label, name, text, sentence, start, "end" FROM mentions'
                " WHERE doc_id = ? ORDER BY rowid",
                (doc_id,),
            )
        )
        relations = tuple(
            Relation(
                type=t,
                source=s,
                target=g,
                sentence=n,
                sentence_text=st,
                mode=mode,
                via=tuple(json.loads(via)),
            )
            for t, s, g, n, st, mode, via in self._db.execute(
                "SELECT type, source, target, sentence, sentence_text, mode, via FROM relations"
                " WHERE doc_id = ? ORDER BY rowid",
                (doc_id,),
            )
        )
        return Extraction(
            doc_id=doc_id,
            language=language,
            relevant=bool(relevant),
            relevance=float(relevance),
            mentions=mentions,
            relations=relations,
            sentences=tuple(json.loads(sentences)),
        )

    def iter_extractions(
        self, after_seq: int = 0, batch_size: int = 500
    ) -> Iterator[tuple[int, Extraction]]:
        """``(seq, Extraction)`` with ``seq > after_seq``, in ``seq`` order, read in pages."""
        last = after_seq
        while True:
            rows = self._db.execute(
                "SELECT seq, doc_id, language, relevant, relevance, sentences FROM extractions"
                " WHERE seq > ? ORDER BY seq LIMIT ?",
                (last, batch_size),
            ).fetchall()
            if not rows:
                return
            for seq, *rest in rows:
                yield seq, self._load(tuple(rest))
                last = seq

    def get(self, doc_id: str) -> Extraction | None:
        row = self._db.execute(
            "SELECT doc_id, language, relevant, relevance, sentences FROM extractions"
            " WHERE doc_id = ?",
            (doc_id,),
        ).fetchone()
        return self._load(row) if row else None

    def counts(self) -> dict:
        """Documents, relevant documents, distinct canonical names per label, relations per type."""
        db = self._db
        documents, relevant = db.execute(
            "SELECT COUNT(*), COALESCE(SUM(relevant), 0) FROM extractions"
        ).fetchone()
        entities = dict(
            db.execute(
                "SELECT label, COUNT(DISTINCT name) FROM mentions WHERE name != '' GROUP BY label"
            ).fetchall()
        )
        relations = dict(
            db.execute("SELECT type, COUNT(*) FROM relations GROUP BY type").fetchall()
        )
        return {
            "documents": documents,
            "relevant": relevant,
            "entities": entities,
            "relations": relations,
        }
