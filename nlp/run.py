"""Extract every document the extraction store has not seen yet.

Documents are read after the store's high-water mark, in ``seq`` order, and
saved batch by batch together with the mark, so a run that is killed resumes
where the last committed batch ended, with nothing lost or stored twice.
"""

from __future__ import annotations

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
    """Extract documents after the store's high-water mark; ``progress(n)`` after each batch."""
    start = extractions.document_high_water_mark()
    counts = {"documents": 0, "extracted": 0, "non_english": 0, "duplicates": 0}
    mark = start
    batch: list[tuple[int, Document]] = []

    def flush() -> None:
        nonlocal mark
        if not batch:
            return
        english = [
            (d.id, document_text(d))
            for _, d in batch
            if d.duplicate_of is None and is_english(d.language)
        ]
        extracted = {e.doc_id: e for e in extractor.extract(english)}
        rows: list[Extraction] = []
        for _, document in batch:
            if document.duplicate_of is not None:
                counts["duplicates"] += 1
            elif document.id in extracted:
                rows.append(extracted[document.id])
                counts["extracted"] += 1
            else:
                rows.append(_skipped(document))
                counts["non_english"] += 1
        mark = max(mark, batch[-1][0])
        extractions.save(rows, mark)
        if progress is not None:
            progress(len(batch))
        batch.clear()

    for seq, document in documents.iter_documents(after_seq=start, batch_size=max(batch_size, 1)):
        counts["documents"] += 1
        batch.append((seq, document))
        if len(batch) >= batch_size:
            flush()
    flush()
    return ExtractReport(high_water_mark=mark, **counts)
