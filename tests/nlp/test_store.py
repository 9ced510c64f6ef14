"""The extraction store: round trip, replacement, counts and the high-water mark."""

from __future__ import annotations

from pathlib import Path

from nlp.records import Extraction, Mention, Relation
from nlp.store import ExtractionStore


def sample(doc_id: str, place: str = "Myawaddy") -> Extraction:
    return Extraction(
        doc_id=doc_id,
        language="en",
        relevant=True,
        relevance=0.9,
        mentions=(
            Mention("LOCATION", place, place, 0, 10, 10 + len(place)),
            Mention("CRIME", "online scam", "scam centres", 0, 30, 42),
        ),
        relations=(
            Relation(
                "ROUTE",
                "LOCATION:",
                f"LOCATION:{place}",
                0,
                "They were taken there.",
                mode="land",
                via=("Moei River",),
            ),
        ),
        sentences=("They were taken there.",),
    )


def test_saved_extraction_reads_back_equal(tmp_path: Path):
    with ExtractionStore(tmp_path / "x.sqlite") as store:
        store.save([sample("a")], doc_high_water_mark=3)
    with ExtractionStore(tmp_path / "x.sqlite") as store:
        assert store.get("a") == sample("a")
        assert [e for _, e in store.iter_extractions()] == [sample("a")]


def test_resaving_a_document_replaces_it_with_a_new_seq(tmp_path: Path):
    with ExtractionStore(tmp_path / "x.sqlite") as store:
        store.save([sample("a"), sample("b")], doc_high_water_mark=2)
        store.save([sample("a", place="Mae Sot")], doc_high_water_mark=3)
        rows = list(store.iter_extractions())
    assert [(seq, e.doc_id) for seq, e in rows] == [(2, "b"), (3, "a")]
    assert rows[-1][1].names("LOCATION") == ["Mae Sot"]


def test_iter_extractions_starts_after_the_given_seq_across_pages(tmp_path: Path):
    with ExtractionStore(tmp_path / "x.sqlite") as store:
        store.save([sample(str(i)) for i in range(5)], doc_high_water_mark=5)
        seqs = [seq for seq, _ in store.iter_extractions(after_seq=2, batch_size=2)]
        assert seqs == [3, 4, 5]
        assert store.max_seq() == 5


def test_high_water_mark_never_moves_backwards(tmp_path: Path):
    with ExtractionStore(tmp_path / "x.sqlite") as store:
        assert store.document_high_water_mark() == 0
        store.save([sample("a")], doc_high_water_mark=7)
        store.save([], doc_high_water_mark=4)
        assert store.document_high_water_mark() == 7


def test_counts_distinct_canonical_names_and_relations(tmp_path: Path):
    with ExtractionStore(tmp_path / "x.sqlite") as store:
        store.save([sample("a"), sample("b"), sample("c", place="Mae Sot")], 3)
        store.save([Extraction("d", "th", relevant=False, relevance=0.0)], 4)
        assert store.counts() == {
            "documents": 4,
            "relevant": 3,
            "entities": {"CRIME": 1, "LOCATION": 2},
            "relations": {"ROUTE": 3},
        }
