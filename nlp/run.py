"""Extract every document the extraction store has not seen yet.

Documents are read after the store's high-water mark, in ``seq`` order, and
saved batch by batch together with the mark, so a run that is killed resumes
where the last committed batch ended, with nothing lost or stored twice.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ingest.records import Document
from nlp.records import Extraction
from nlp.store import ExtractionStore

if TYPE_CHECKING:  # spaCy loads only when extraction really runs
    from nlp.extract import Extractor


class DocumentSource(Protocol):
    def iter_documents(self, after_seq: int = 0, batch_size: int = 500): ...


@dataclass(frozen=True)
class ExtractReport:
    documents: int  # documents read after the high-water mark
    extracted: int  # English documents run through the pipeline
    non_english: int  # stored with their language, relevant=False, no mentions
    duplicates: int  # near-duplicates skipped (``duplicate_of`` set)
    high_water_mark: int


def is_english(language: str) -> bool:
    # An unknown language ("") is tried as English rather than dropped.
    return not language or language.lower().split("-")[0] == "en"


def document_text(document: Document) -> str:
    """The text extraction reads: the title (when the body does not start with it) and body."""
    title = document.title.strip()
    body = document.text.strip()
    if not title or body.startswith(title):
        return body
    ending = "" if title.endswith((".", "!", "?", ":")) else "."
    return f"{title}{ending}\n\n{body}"


def _skipped(document: Document) -> Extraction:
    return Extraction(doc_id=document.id, language=document.language, relevant=False, relevance=0.0)


def extract_pending(
    documents: DocumentSource,
    extractions: ExtractionStore,
    extractor: Extractor,
    batch_size: int = 64,
    progress: Callable[[int], None] | None = None,
) -> ExtractReport:
    """Extract documents after the store's high-water mark; ``progress(n)`` after each batch.

    All pending English texts go through one ``nlp.pipe`` stream, so spaCy's
    worker processes (``n_process``) start once per run, not once per batch.
    Results come back in input order; each is matched to the head of the
    queue of documents read so far, and every ``batch_size`` documents the
    finished rows are saved with the mark of the last of them.
    """
    start = extractions.document_high_water_mark()
    counts = {"documents": 0, "extracted": 0, "non_english": 0, "duplicates": 0}
    mark = start
    pending: deque[tuple[int, Document]] = deque()  # read, not yet saved
    rows: list[Extraction] = []
    finished = 0  # documents resolved since the last save

    def save() -> None:
        nonlocal mark, finished
        if not finished:
            return
        extractions.save(rows, mark)
        if progress is not None:
            progress(finished)
        rows.clear()
        finished = 0

    def resolve(seq: int, document: Document, row: Extraction | None) -> None:
        nonlocal mark, finished
        if document.duplicate_of is not None:
            counts["duplicates"] += 1
        elif row is not None:
            rows.append(row)
            counts["extracted"] += 1
        else:
            rows.append(_skipped(document))
            counts["non_english"] += 1
        mark = max(mark, seq)
        finished += 1
        if finished >= batch_size:
            save()

    def english_texts():
        for seq, document in documents.iter_documents(
            after_seq=start, batch_size=max(batch_size, 1)
        ):
            counts["documents"] += 1
            pending.append((seq, document))
            if document.duplicate_of is None and is_english(document.language):
                yield document.id, document_text(document)

    for extraction in extractor.extract(english_texts()):
        # Everything queued before this document was skipped (duplicate or not English).
        while pending and pending[0][1].id != extraction.doc_id:
            resolve(*pending.popleft(), None)
        seq, document = pending.popleft()
        resolve(seq, document, extraction)
    while pending:  # skipped documents after the last English one
        resolve(*pending.popleft(), None)
    save()
    return ExtractReport(high_water_mark=mark, **counts)
