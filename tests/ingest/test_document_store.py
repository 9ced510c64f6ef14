"""DocumentStore on real SQLite files."""

from __future__ import annotations

import sqlite3

import pytest
from ingest_builders import paragraph

from ingest.errors import StoreError
from ingest.records import Document
from ingest.store import DocumentStore
from ingest.text import content_hash
from ingest.urls import document_id


def make_document(
    url: str, text: str, published: str = "2026-05-01", language: str = "en", title: str = "T"
) -> Document:
    return Document(
        id=document_id(url),
        url=url,
        title=title,
        published=published,
        source="Test Wire",
        text=text,
        language=language,
        content_hash=content_hash(text),
        feed="test",
    )


def edited(text: str) -> str:
    """A syndicated copy: one word changed, one sentence added."""
    return text.replace("workers", "labourers", 1) + " The report was shared with partners."


def test_new_document_is_stored_and_read_back(store):
    doc = make_document("https://a.example/1", paragraph("first"))

    assert store.add(doc) == "new"

    assert store.get(doc.id) == doc
    assert store.get("0" * 40) is None


def test_same_url_added_twice_is_unchanged(store):
    doc = make_document("https://a.example/1", paragraph("first"))
    store.add(doc)

    assert store.add(doc) == "unchanged"
    assert store.counts()["total"] == 1


def test_exact_duplicate_at_another_url_is_stored_once(store):
    text = paragraph("syndicated")
    original = make_document("https://a.example/story", text)
    # Same words; case, spacing and punctuation differ.
    copy = make_document("https://b.example/copy", "  " + text.upper().replace(".", " ;") + "\n")

    assert store.add(original) == "new"
    assert store.add(copy) == "duplicate"
    assert store.add(copy) == "unchanged"

    assert store.get(copy.id) is None
    assert store.counts() == {
        "total": 1,
        "duplicates": 1,
        "near_duplicates": 0,
        "non_english": 0,
    }
    row = store._db.execute("SELECT duplicate_of FROM duplicates").fetchone()
    assert row[0] == original.id


def test_near_duplicate_is_stored_and_linked_to_first_copy(store):
    text = paragraph("syndicated story", words=250)
    original = make_document("https://a.example/story", text)
    copy = make_document("https://b.example/copy", edited(text))
    unrelated = make_document("https://c.example/other", paragraph("another story", words=250))

    assert store.add(original) == "new"
    assert store.add(copy) == "near_duplicate"
    assert store.add(unrelated) == "new"

    assert store.get(copy.id).duplicate_of == original.id
    assert store.get(unrelated.id).duplicate_of is None
    assert store.counts()["near_duplicates"] == 1


def test_copy_of_a_copy_links_to_the_first_copy(store):
    text = paragraph("chain", words=250)
    first = make_document("https://a.example/1", text)
    second = make_document("https://b.example/2", edited(text))
    third = make_document("https://c.example/3", edited(edited(text)) + " One more line here.")

    for doc in (first, second, third):
        store.add(doc)

    assert store.get(third.id).duplicate_of == first.id


def test_earlier_published_copy_becomes_the_first_copy(store):
    text = paragraph("backfill", words=250)
    later = make_document("https://a.example/later", text, published="2026-07-30")
    earlier = make_document("https://b.example/earlier", edited(text), published="2026-07-29")

    store.add(later)
    assert store.add(earlier) == "new"

    assert store.get(earlier.id).duplicate_of is None
    assert store.get(later.id).duplicate_of == earlier.id


def test_short_texts_are_not_compared_for_near_duplicates(store):
    store.add(make_document("https://a.example/1", "Police arrest four in Ranong."))

    outcome = store.add(make_document("https://b.example/2", "Police arrest five in Ranong."))

    assert outcome == "new"


def test_near_duplicate_index_survives_reopening(tmp_path):
    text = paragraph("persisted", words=250)
    with DocumentStore(tmp_path / "docs.sqlite") as first_run:
        first_run.add(make_document("https://a.example/1", text))

    with DocumentStore(tmp_path / "docs.sqlite") as second_run:
        outcome = second_run.add(make_document("https://b.example/2", edited(text)))

    assert outcome == "near_duplicate"


def test_rebuilt_lsh_index_finds_the_same_near_duplicates(store):
    text = paragraph("rebuild", words=250)
    store.add(make_document("https://a.example/1", text))
    store.add(make_document("https://x.example/2", paragraph("unrelated", words=250)))

    store._db.execute("DELETE FROM lsh_buckets")
    assert store.add(make_document("https://b.example/3", edited(text))) == "new"
    assert store.rebuild_lsh_index() == 3
    outcome = store.add(make_document("https://c.example/4", edited(text) + " Another added line."))

    assert outcome == "near_duplicate"


def test_iter_documents_yields_in_seq_order_after_a_mark(store):
    docs = [make_document(f"https://a.example/{i}", paragraph(f"doc {i}")) for i in range(7)]
    for doc in docs:
        store.add(doc)

    everything = list(store.iter_documents(batch_size=3))
    seqs = [seq for seq, _ in everything]
    after_third = list(store.iter_documents(after_seq=seqs[2], batch_size=2))

    assert [doc.id for _, doc in everything] == [doc.id for doc in docs]
    assert seqs == sorted(seqs)
    assert [doc.id for _, doc in after_third] == [doc.id for doc in docs[3:]]
    assert store.max_seq() == seqs[-1]
    assert store.count_after(seqs[2]) == 4
    assert store.count_after(store.max_seq()) == 0


def test_get_many_returns_only_stored_ids(store):
    docs = [make_document(f"https://a.example/{i}", paragraph(f"doc {i}")) for i in range(3)]
    for doc in docs:
        store.add(doc)

    found = store.get_many([docs[0].id, "missing", docs[2].id, docs[0].id])

    assert set(found) == {docs[0].id, docs[2].id}
    assert found[docs[2].id] == docs[2]


def test_search_finds_documents_by_words(store):
    store.add(make_document("https://a.example/1", paragraph("Golden Lotus Park"), title="Lotus"))
    store.add(make_document("https://a.example/2", paragraph("Sihanoukville raid")))

    hits = store.search("golden lotus")

    assert [doc.url for doc in hits] == ["https://a.example/1"]
    assert store.search('"unbalanced (quote OR') == []
    assert store.search("") == []


def test_non_english_documents_are_counted(store):
    store.add(make_document("https://a.example/en", paragraph("english")))
    store.add(make_document("https://a.example/th", "ตำรวจจับกุมผู้ต้องสงสัย", language="th"))

    assert store.counts()["non_english"] == 1


def test_rolled_back_transaction_stores_nothing(store):
    text = paragraph("interrupted", words=250)

    with pytest.raises(KeyboardInterrupt), store.transaction():
        store.add(make_document("https://a.example/1", text))
        store.set_feed_state("wire", "https://a.example/feed", "ok", etag='"v2"')
        raise KeyboardInterrupt  # the run is killed mid-feed

    assert store.counts()["total"] == 0
    assert store.feed_state("wire") is None
    assert store.add(make_document("https://b.example/2", edited(text))) == "new"


def test_feed_state_is_recorded_with_document_count(store):
    store.add(make_document("https://a.example/1", paragraph("one")))
    store.set_feed_state("test", "https://a.example/feed", "ok", etag='"e1"', last_modified="lm")
    store.set_feed_state("broken", "https://b.example/feed", "error", error="HTTP 500")

    state = store.feed_state("test")
    status = store.feed_status()

    assert state["etag"] == '"e1"' and state["last_modified"] == "lm"
    assert state["status"] == "ok" and state["documents"] == 1 and state["last_fetch"]
    assert [row["name"] for row in status] == ["broken", "test"]
    assert status[0]["status"] == "error" and status[0]["error"] == "HTTP 500"


def test_tables_are_plain_sqlite(tmp_path):
    path = tmp_path / "docs.sqlite"
    with DocumentStore(path) as store:
        store.add(make_document("https://a.example/1", paragraph("one")))

    with sqlite3.connect(path) as plain:
        journal = plain.execute("PRAGMA journal_mode").fetchone()[0]
        rows = plain.execute("SELECT seq, id, url, published FROM documents").fetchall()

    assert journal == "wal"
    assert rows == [(1, document_id("https://a.example/1"), "https://a.example/1", "2026-05-01")]


def test_file_that_is_not_a_database_raises_store_error(tmp_path):
    path = tmp_path / "docs.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)

    with pytest.raises(StoreError, match="docs.sqlite"):
        DocumentStore(path)


def test_rewritten_story_is_not_a_near_duplicate(store):
    text = paragraph("rewritten", words=250)
    words = text.split()
    # Every third word replaced: same topic, different text.
    rewritten = " ".join(
        word if index % 3 else f"changed{index}" for index, word in enumerate(words)
    )
    store.add(make_document("https://a.example/1", text))

    assert store.add(make_document("https://b.example/2", rewritten)) == "new"
