"""Themes over a small corpus of two clearly separated topics, read from a
real DocumentStore, and the themes of the bundled sample."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from graph.model import DocumentSummary
from graph.themes import (
    SAMPLE_SIZE,
    WORD_PATTERN,
    ThemeInput,
    find_themes,
    term_counts,
    theme_count,
    themes_for_window,
    window_sample,
)
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


def test_a_small_window_is_clustered_whole(two_topic_store):
    store, summaries = two_topic_store
    for theme in themes_for_window(summaries, store):
        assert (theme.clustered, theme.of, theme.sampled) == (12, 12, False)


# Three planted topics, each with words of its own, plus words every document shares.
PLANTED = {
    "boat": (
        "boat", "sea", "refugees", "coast", "navy", "fishermen", "harbour", "drifted", "engine",
        "sank", "sailors", "waves", "deck", "ferry"
    ),
    "scam": (
        "compound", "scam", "crypto", "telegram", "victims", "fraud", "chats", "deposits",
        "scripts", "managers", "investment", "wallet", "casino", "targets"
    ),
    "flood": (
        "flood", "rain", "river", "dam", "villages", "evacuated", "water", "monsoon", "landslide",
        "rice", "fields", "farmers", "mud", "levee"
    ),
}
SHARED = (
    "officials", "said", "reported", "week", "region", "local", "people", "according", "police"
)
LARGE_WINDOW = SAMPLE_SIZE + 400
LARGE_START = date(2026, 9, 1)


def planted_text(topic: str, rng: random.Random) -> str:
    words = rng.choices(PLANTED[topic], k=14) + rng.choices(SHARED, k=6)
    rng.shuffle(words)
    return " ".join(words) + "."


@pytest.fixture(scope="module")
def large_window(tmp_path_factory):
    """More documents than the sample holds, spread over 90 days (three months)."""
    store = DocumentStore(tmp_path_factory.mktemp("large") / "documents.sqlite")
    rng = random.Random(7)
    summaries = []
    with store.transaction():
        for i in range(LARGE_WINDOW):
            topic = list(PLANTED)[i % 3]
            doc_id = f"{topic}-{i:05d}"
            published = (LARGE_START + timedelta(days=i * 90 // LARGE_WINDOW)).isoformat()
            store.add(Document(
                id=doc_id, url=f"https://example.org/{doc_id}", title=f"Item {doc_id}",
                published=published, source="Example", text=planted_text(topic, rng),
                language="en", content_hash=f"hash-{doc_id}"))
            summaries.append(summary(doc_id, published))
    yield store, summaries
    store.close()


def test_a_window_above_the_sample_size_still_finds_its_planted_topics(large_window):
    store, summaries = large_window
    themes = themes_for_window(summaries, store, n_themes=3)
    sample = window_sample(summaries)
    assert len(sample) == SAMPLE_SIZE < len(summaries)
    assert [(t.clustered, t.of, t.sampled) for t in themes] == [
        (SAMPLE_SIZE, LARGE_WINDOW, True)] * 3
    by_topic = {}
    for theme in themes:
        [topic] = {d.id.split("-")[0] for d in theme.documents}
        by_topic[topic] = theme
        assert set(theme.terms[:5]) <= set(PLANTED[topic]), theme.terms
    assert set(by_topic) == set(PLANTED)
    # Sizes and months count exactly the sampled documents of each topic.
    for topic, theme in by_topic.items():
        members = [s for s in sample if s.id.startswith(f"{topic}-")]
        assert theme.size == len(members)
        assert dict(theme.months) == Counter(s.published[:7] for s in members)
    assert sum(t.size for t in themes) == SAMPLE_SIZE


def test_the_sample_keeps_each_month_in_proportion(large_window):
    _, summaries = large_window
    sampled = Counter(s.published[:7] for s in window_sample(summaries))
    window = Counter(s.published[:7] for s in summaries)
    assert set(sampled) == set(window) == {"2026-09", "2026-10", "2026-11"}
    for month, count in window.items():
        # Shares are kept per week; a week across two months moves a few documents.
        assert abs(sampled[month] - SAMPLE_SIZE * count / LARGE_WINDOW) <= 10


def test_a_sampled_window_gives_the_same_themes_in_any_order(large_window):
    store, summaries = large_window
    shuffled = summaries[:]
    random.Random(3).shuffle(shuffled)
    assert themes_for_window(summaries, store) == themes_for_window(shuffled, store)


def test_sample_shares_follow_the_weeks_and_ignore_the_input_order():
    busy = [summary(f"busy-{i:03d}", "2026-10-05") for i in range(300)]  # a Monday
    quiet = [summary(f"quiet-{i:03d}", "2026-10-14") for i in range(100)]  # the next week
    sample = window_sample(busy + quiet, size=40)
    assert Counter(s.id.split("-")[0] for s in sample) == {"busy": 30, "quiet": 10}
    assert window_sample(quiet[::-1] + busy[::-1], size=40) == sample
    assert window_sample(quiet, size=100) == sorted(quiet, key=lambda s: s.id)


# Words of other scripts and letters next to digits, underscores and signs: ASCII
# texts take a quicker pattern, and these must still split as sklearn splits them.
NOT_ASCII = [
    "Workers at the Café Mékong in Hà Nội said the compound_7 site paid x² more.",
    "Người lao động ở Hà Nội nói rằng compound 7 trả tiền ít hơn; café workers agreed.",
    "ÉTAT: the Café Mékong recruiter moved 12workers and ½ of the staff to Myawaddy.",
    "Recruiters in Mae Sot (แม่สอด) offered the café job; the ÉTAT report named them.",
]


@pytest.mark.parametrize("max_features", [5, 1_000, 5_000])
def test_term_counts_are_sklearn_s_count_vectorizer_s(large_window, max_features):
    # Many terms share a count, so the cut at max_features must break ties as sklearn does.
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    store, summaries = large_window
    found = store.get_many(s.id for s in summaries[:300])
    texts = [f"{d.title}. {d.text}" for d in found.values()] + BOATS + SCAMS + NOT_ASCII
    counts, terms = term_counts(texts, min_df=2, max_df=0.9, max_features=max_features)
    sklearn = CountVectorizer(stop_words="english", token_pattern=WORD_PATTERN,
                              ngram_range=(1, 2), min_df=2, max_df=0.9,
                              max_features=max_features, dtype=np.float32)
    expected = sklearn.fit_transform(texts)
    assert terms == list(sklearn.get_feature_names_out())
    assert counts.shape == expected.shape and (counts != expected).nnz == 0


def test_texts_of_stop_words_only_give_no_terms_and_no_themes():
    counts, terms = term_counts(["The and of it.", "It is the one."] * 3, 1, 0.9, 100)
    assert terms == [] and counts.shape == (6, 0)
    inputs = [ThemeInput(summary(f"d{i}", "2026-10-01"), "It is what it is.") for i in range(6)]
    assert find_themes(inputs) == []
