"""extract_pending: resumable, skips duplicates, never runs other languages through the model."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ingest.records import Document
from ingest.store import DocumentStore
from nlp.analyze import analyze_record
from nlp.run import extract_pending
from nlp.store import ExtractionStore

STORIES = [
    "Workers were trafficked from Indonesia to Cambodia and forced into online scams.",
    "Recruiters lured jobseekers from Kenya to Myawaddy with fake adverts on Facebook.",
    "Rohingya refugees left Cox's Bazar by boat for Malaysia, paying people smugglers.",
    "Police in Poipet raided a compound where victims of human trafficking were held.",
    "The Prince Group denied claims that it ran forced-labour scam compounds in Sihanoukville.",
    "UNODC said money laundering through Huione Pay reached billions of dollars in USDT.",
]


def document(number: int, text: str, language: str = "en", duplicate_of: str | None = None):
    return Document(
        id=f"doc-{number}",
        url=f"https://news.example/{number}",
        title="",
        published=f"2026-05-{number + 1:02d}",
        source="news.example",
        text=text,
        language=language,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        duplicate_of=duplicate_of,
    )


def fill(path: Path, documents: list[Document]) -> DocumentStore:
    store = DocumentStore(path)
    for doc in documents:
        store.add(doc)
    return store


def stored(path: Path) -> list[tuple[str, dict]]:
    with ExtractionStore(path) as store:
        return [(e.doc_id, analyze_record(e.doc_id, e)) for _, e in store.iter_extractions()]


def test_documents_added_after_a_run_are_extracted_by_the_next_one(tmp_path: Path, extractor):
    docs = [document(i, text) for i, text in enumerate(STORIES)]
    with (
        fill(tmp_path / "docs.sqlite", docs) as documents,
        ExtractionStore(tmp_path / "once.sqlite") as once,
    ):
        extract_pending(documents, once, extractor, batch_size=2)

    # A first run that only saw the first half of the documents.
    with (
        fill(tmp_path / "half.sqlite", docs[:3]) as half_docs,
        ExtractionStore(tmp_path / "resumed.sqlite") as resumed,
    ):
        first = extract_pending(half_docs, resumed, extractor, batch_size=2)
    with (
        fill(tmp_path / "half.sqlite", docs[3:]) as all_docs,
        ExtractionStore(tmp_path / "resumed.sqlite") as resumed,
    ):
        second = extract_pending(all_docs, resumed, extractor, batch_size=2)
        again = extract_pending(all_docs, resumed, extractor, batch_size=2)

    assert (first.documents, second.documents, again.documents) == (3, 3, 0)
    assert stored(tmp_path / "resumed.sqlite") == stored(tmp_path / "once.sqlite")
    assert len(stored(tmp_path / "resumed.sqlite")) == len(STORIES)


class Killed(Exception):
    pass


def test_run_killed_half_way_resumes_with_no_loss_or_duplicates(tmp_path: Path, extractor):
    docs = [document(i, text) for i, text in enumerate(STORIES)]

    def kill_after_first_batch(_: int) -> None:
        raise Killed

    with (
        fill(tmp_path / "docs.sqlite", docs) as documents,
        ExtractionStore(tmp_path / "once.sqlite") as once,
        ExtractionStore(tmp_path / "resumed.sqlite") as resumed,
    ):
        extract_pending(documents, once, extractor, batch_size=2)
        with pytest.raises(Killed):
            extract_pending(
                documents, resumed, extractor, batch_size=2, progress=kill_after_first_batch
            )
        assert resumed.counts()["documents"] == 2
        report = extract_pending(documents, resumed, extractor, batch_size=2)
    assert report.documents == len(STORIES) - 2
    assert stored(tmp_path / "resumed.sqlite") == stored(tmp_path / "once.sqlite")


def test_non_english_document_is_stored_without_mentions(tmp_path: Path, extractor):
    thai = document(1, "ตำรวจไทยจับกุมผู้ต้องสงสัยค้ามนุษย์ที่แม่สอด", language="th")
    with (
        fill(tmp_path / "docs.sqlite", [thai]) as documents,
        ExtractionStore(tmp_path / "x.sqlite") as store,
    ):
        report = extract_pending(documents, store, extractor)
        saved = store.get("doc-1")
    assert (report.non_english, report.extracted) == (1, 0)
    assert saved is not None
    assert (saved.language, saved.relevant, saved.mentions) == ("th", False, ())


def test_near_duplicate_is_not_extracted_again(tmp_path: Path, extractor):
    original = document(1, STORIES[0])
    copy = document(2, STORIES[1], duplicate_of="doc-1")
    with (
        fill(tmp_path / "docs.sqlite", [original, copy]) as documents,
        ExtractionStore(tmp_path / "x.sqlite") as store,
    ):
        report = extract_pending(documents, store, extractor)
        assert store.get("doc-2") is None
        assert store.document_high_water_mark() == documents.max_seq()
    assert (report.extracted, report.duplicates) == (1, 1)


@pytest.mark.slow
def test_two_processes_give_the_same_records_as_one(extractor):
    from nlp.extract import Extractor
    from nlp.pipeline import NlpSettings

    items = [(str(i), text) for i, text in enumerate(STORIES)]
    parallel = Extractor(NlpSettings(n_process=2, batch_size=2))
    assert [analyze_record(e.doc_id, e) for e in parallel.extract(items)] == [
        analyze_record(e.doc_id, e) for e in extractor.extract(items)
    ]
