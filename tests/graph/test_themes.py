"""Themes over a small corpus of two clearly separated topics, read from a
real DocumentStore, and the themes of the bundled sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import DocumentSummary
from graph.themes import ThemeInput, find_themes, theme_count, themes_for_window
from ingest.records import Document
from ingest.store import DocumentStore

BOATS = [
    "Rohingya refugees boarded a fishing boat at night; the boat drifted at sea for weeks "
    "before the navy towed the boat ashore.",
    "A boat carrying refugees sank off the coast; fishermen pulled survivors from the sea.",
    "The sailing season brings boats of refugees across the sea; the coast guard watches "
    "for overloaded boats.",
    "Smugglers crammed refugees into a wooden boat; the engine failed at sea and the boat "
    "drifted.",
    "Fishermen reported a boat of hungry refugees adrift at sea near the coast.",
    "Refugees on the boat said the smugglers abandoned them at sea before the coast guard "
    "arrived.",
]
SCAMS = [
    "Workers in the compound were forced to run online scams, chatting with victims on "
    "Telegram about fake crypto investments.",
    "The scam compound held hundreds of workers who ran crypto fraud scripts on Telegram "
    "all night.",
    "Victims of the crypto scam lost savings after chatting with compound workers on "
    "Telegram.",
    "Police raided a scam compound where workers ran fake crypto investment chats.",
    "Survivors of the compound said managers beat workers who missed scam targets for "
    "crypto deposits.",
    "Telegram groups advertised jobs that led workers into a scam compound running crypto "
    "fraud.",
]


def summary(doc_id: str, published: str) -> DocumentSummary:
    return DocumentSummary(id=doc_id, title=f"Item {doc_id}", url=f"https://example.org/{doc_id}",
                           source="Example", published=published, relevant=True)


@pytest.fixture
def two_topic_store(tmp_path: Path):
    store = DocumentStore(tmp_path / "documents.sqlite")
    summaries = []
    for prefix, texts, month in (("boat", BOATS, "2026-10"), ("scam", SCAMS, "2026-11")):
        for i, text in enumerate(texts):
            doc_id = f"{prefix}-{i}"
            published = f"{month}-{10 + i:02d}"
            store.add(Document(
                id=doc_id, url=f"https://example.org/{doc_id}", title=f"Item {doc_id}",
                published=published, source="Example", text=text, language="en",
                content_hash=f"hash-{doc_id}"))
            summaries.append(summary(doc_id, published))
    yield store, summaries
    store.close()


def test_two_separated_topics_give_two_themes_with_their_own_terms(two_topic_store):
    store, summaries = two_topic_store
    themes = themes_for_window(summaries, store)
    assert len(themes) == 2
    by_group = {}
    for theme in themes:
        groups = {d.id.split("-")[0] for d in theme.documents}
        assert len(groups) == 1, theme
        by_group[groups.pop()] = theme
    assert set(by_group) == {"boat", "scam"}
    assert {"boat", "sea", "refugees"} & set(by_group["boat"].terms[:5])
    assert {"scam", "crypto", "compound", "telegram"} & set(by_group["scam"].terms[:5])
    assert not {"crypto", "telegram"} & set(by_group["boat"].terms)


def test_each_document_lands_in_its_topic_and_sizes_count_per_month(two_topic_store):
    store, summaries = two_topic_store
    themes = themes_for_window(summaries, store)
    for theme in themes:
        assert theme.size == 6
        month = "2026-10" if theme.documents[0].id.startswith("boat") else "2026-11"
        assert theme.months == ((month, 6),)
        weights = [d.weight for d in theme.documents]
        assert weights == sorted(weights, reverse=True)


def test_same_documents_in_another_order_give_the_same_themes(two_topic_store):
    store, summaries = two_topic_store
    assert themes_for_window(summaries, store) == themes_for_window(summaries[::-1], store)


def test_too_few_documents_give_no_themes():
    inputs = [ThemeInput(summary("a", "2026-01-01"), BOATS[0]),
              ThemeInput(summary("b", "2026-01-02"), SCAMS[0])]
    assert find_themes(inputs) == []
    assert theme_count(3) == 0


def test_theme_count_grows_slowly_with_the_corpus():
    assert theme_count(12) == 2
    assert theme_count(50) == 5
    assert theme_count(10_000) == 12
