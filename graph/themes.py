"""Themes: topic clusters over the relevant documents of a window.

TF-IDF over title and text, then non-negative matrix factorisation (NMF) with
a fixed seed, so the same documents always give the same themes. Each
document belongs to the theme it loads on most; a theme is its top terms, its
documents per month and its most representative documents (highest loading).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from graph.model import DocumentSummary

RANDOM_STATE = 0
TOP_TERMS = 10
REPRESENTATIVE_DOCUMENTS = 5
MIN_DOCUMENTS = 4  # fewer than this and there is nothing to cluster
MAX_THEMES = 12
# Letters only, two or more: years, figures and ids say nothing about a topic.
WORD_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"


@dataclass(frozen=True)
class ThemeDocument:
    id: str
    title: str
    date: str
    url: str
    source: str
    weight: float  # the document's loading on the theme, 0..1 of its total


@dataclass(frozen=True)
class Theme:
    number: int  # 1.. by size
    label: str  # the first few top terms
    terms: tuple[str, ...]
    size: int  # documents whose strongest theme this is
    months: tuple[tuple[str, int], ...]  # ("YYYY-MM", documents), ascending
    documents: tuple[ThemeDocument, ...]  # most representative first


@dataclass(frozen=True)
class ThemeInput:
    """One document to cluster: its summary and its text."""

    summary: DocumentSummary
    text: str


def theme_count(n_documents: int) -> int:
    """The rule of thumb sqrt(n/2), at least two, at most ``MAX_THEMES`` and
    never more than half the documents; none below ``MIN_DOCUMENTS``."""
    if n_documents < MIN_DOCUMENTS:
        return 0
    return max(2, min(MAX_THEMES, round(math.sqrt(n_documents / 2)), n_documents // 2))


def find_themes(inputs: Sequence[ThemeInput], n_themes: int | None = None,
                random_state: int = RANDOM_STATE) -> list[Theme]:
    """Themes of ``inputs`` (ordered by size, then by their first term); [] when
    there are too few documents or words to cluster."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    inputs = sorted(inputs, key=lambda d: d.summary.id)  # the order must not matter
    wanted = theme_count(len(inputs)) if n_themes is None else n_themes
    if wanted < 1 or len(inputs) < max(wanted, 2):
        return []
    vectorizer = TfidfVectorizer(
        stop_words="english", token_pattern=WORD_PATTERN, sublinear_tf=True,
        min_df=2 if len(inputs) >= 10 else 1, max_df=0.9, ngram_range=(1, 2),
        max_features=20_000)
    texts = [f"{d.summary.title}. {d.text}" for d in inputs]
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # nothing left after stop words and document-frequency cuts
        return []
    if matrix.shape[1] < wanted:
        return []
    model = NMF(n_components=wanted, init="nndsvda", random_state=random_state, max_iter=1000)
    loadings = model.fit_transform(matrix)
    vocabulary = vectorizer.get_feature_names_out()

    themes = []
    for topic in range(wanted):
        members = []
        for row, doc in enumerate(inputs):
            total = loadings[row].sum()
            if total > 0 and loadings[row].argmax() == topic:
                members.append((float(loadings[row, topic] / total), doc))
        if not members:
            continue
        members.sort(key=lambda m: (-m[0], m[1].summary.id))
        order = model.components_[topic].argsort()[::-1]
        terms = tuple(str(vocabulary[i]) for i in order[:TOP_TERMS]
                      if model.components_[topic, i] > 0)
        months = Counter(doc.summary.published[:7] for _, doc in members)
        themes.append(Theme(
            number=0, label=", ".join(terms[:3]), terms=terms, size=len(members),
            months=tuple(sorted(months.items())),
            documents=tuple(
                ThemeDocument(id=d.summary.id, title=d.summary.title,
                              date=d.summary.published[:10], url=d.summary.url,
                              source=d.summary.source, weight=round(w, 4))
                for w, d in members[:REPRESENTATIVE_DOCUMENTS]),
        ))
    themes.sort(key=lambda t: (-t.size, t.terms))
    return [Theme(number=i, label=t.label, terms=t.terms, size=t.size, months=t.months,
                  documents=t.documents) for i, t in enumerate(themes, start=1)]


def themes_for_window(summaries: Sequence[DocumentSummary], document_store,
                      n_themes: int | None = None) -> list[Theme]:
    """Themes of these relevant documents, their texts read from
    ``document_store`` (an ``ingest.store.DocumentStore``); documents the store
    does not hold are left out."""
    texts = document_store.get_many(s.id for s in summaries)
    inputs = [ThemeInput(summary=s, text=texts[s.id].text) for s in summaries if s.id in texts]
    return find_themes(inputs, n_themes=n_themes)
