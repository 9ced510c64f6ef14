"""Themes: topic clusters over the relevant documents of a window.

TF-IDF over title and text, then non-negative matrix factorisation (NMF) with
a fixed seed, so the same documents always give the same themes. Each
document belongs to the theme it loads on most; a theme is its top terms, its
documents per month and its most representative documents (highest loading).

A window of more than ``SAMPLE_SIZE`` documents is clustered on a sample of
that many, spread over its weeks and chosen by a stable hash of the ids (so
the same documents give the same sample); only the sample's texts are read.
Each theme then says how many documents it was found in, of how many.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from itertools import chain

from graph.model import DocumentSummary

RANDOM_STATE = 0
TOP_TERMS = 10
REPRESENTATIVE_DOCUMENTS = 5
MIN_DOCUMENTS = 4  # fewer than this and there is nothing to cluster
MAX_THEMES = 12
# Letters only, two or more: years, figures and ids say nothing about a topic.
WORD_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"
_WORD = re.compile(WORD_PATTERN)
_ASCII_WORD = re.compile(r"\b[a-z][a-z]+\b")  # the same on lower-case ASCII
# At most this many documents are clustered. On 25,000 generated articles the
# top terms of themes from samples of 1,000 to 5,000 matched those from all of
# them about equally (mean best Jaccard 0.85-0.91); 1,200 keeps a 100,000-document
# year's 90-day window (19,854 documents) near 0.3 s of CPU, where 2,000 took 0.4 s.
SAMPLE_SIZE = 1_200
# Measured on 2,000-document samples: 5,000 terms (against 20,000) and float32
# cut NMF's time by 40% with the same top terms; tol 1e-3 stops at 36 rather
# than 63 iterations with the same terms. Unigrams alone lost the themes.
MAX_FEATURES = 5_000
NMF_TOLERANCE = 1e-3
# A full sample (where the time goes) stops sooner: on four 90-day windows of the
# 100,000-document corpus, tol 5e-3 stops after 18 iterations instead of 31 with
# a reconstruction error 0.003% higher, and its top terms match those of all
# ~19,850 documents of the window as well (mean best Jaccard 0.911 against 0.914).
# Fewer documents keep 1e-3: with 5e-3 the themes of a 222-document window and of
# the 50 sample-feed articles (in 8 or 12 themes) drifted from the converged ones.
SAMPLE_NMF_TOLERANCE = 5e-3
NMF_MAX_ITER = 400


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
    size: int  # documents (of the clustered ones) whose strongest theme this is
    months: tuple[tuple[str, int], ...]  # ("YYYY-MM", documents), ascending
    documents: tuple[ThemeDocument, ...]  # most representative first
    clustered: int = 0  # documents the themes were found in (0: not recorded)
    of: int = 0  # documents in the window; more than ``clustered`` when sampled

    @property
    def sampled(self) -> bool:
        """True when the themes come from part of the window's documents, so
        ``size`` and ``months`` count that part only."""
        return 0 < self.clustered < self.of


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


def _stable_hash(doc_id: str) -> bytes:
    # Python's hash() of a str changes between processes; this does not.
    return hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest()


@lru_cache(maxsize=4096)  # a window has a few hundred days at most
def _week(day: str) -> str:
    """"YYYY-Www", which sorts in time order; an unusable date is its own stratum."""
    try:
        year, week, _ = date.fromisoformat(day).isocalendar()
    except ValueError:
        return f"~{day}"
    return f"{year:04d}-W{week:02d}"


def sample_ids(dated: Iterable[tuple[str, str]], size: int = SAMPLE_SIZE) -> list[str]:
    """Of (document id, published) pairs, at most ``size`` ids (each once), sorted
    and the same whatever the pairs' order. Each week of publication gets its share
    of the sample (largest remainders, ties to the earlier week), so the months of a
    window keep their proportions; within a week the documents with the smallest
    stable hash of their id are taken."""
    unique = dict(dated)
    if len(unique) <= size:
        return sorted(unique)
    weeks: dict[str, list[str]] = defaultdict(list)
    for doc_id, published in unique.items():
        weeks[_week(published[:10])].append(doc_id)
    keys = sorted(weeks)
    shares = {k: size * len(weeks[k]) / len(unique) for k in keys}
    quota = {k: math.floor(shares[k]) for k in keys}
    left = size - sum(quota.values())
    # sorted() is stable: among equal remainders the earlier week gets the document.
    for k in sorted(keys, key=lambda k: -(shares[k] - quota[k]))[:left]:
        quota[k] += 1
    chosen = []
    for k in keys:
        chosen.extend(sorted(weeks[k], key=lambda i: (_stable_hash(i), i))[:quota[k]])
    return sorted(chosen)


def window_sample(summaries: Iterable[DocumentSummary],
                  size: int = SAMPLE_SIZE) -> list[DocumentSummary]:
    """:func:`sample_ids` of these documents: at most ``size`` (one per id), sorted by
    id."""
    unique = {s.id: s for s in summaries}
    return [unique[i] for i in sample_ids(((s.id, s.published) for s in unique.values()),
                                          size)]


def _words(text: str, stop_words: frozenset[str]) -> list[str]:
    """The words of ``text`` in lower case, stop words left out: what
    ``TfidfVectorizer(stop_words="english", token_pattern=WORD_PATTERN)`` splits it into."""
    text = text.lower()
    # On ASCII text the letters are a-z, and this pattern finds the same words in 60%
    # of the time (most articles are ASCII).
    found = (_ASCII_WORD if text.isascii() else _WORD).findall(text)
    return [w for w in found if w not in stop_words]


def term_counts(texts: Sequence[str], min_df: int, max_df: float, max_features: int):
    """(count matrix, its terms) of ``texts``: the same as sklearn's ``CountVectorizer``
    with our analysis (:func:`_words`, then each pair of neighbouring words),
    ``min_df`` (a count), ``max_df`` (a share) and ``max_features`` gives (terms
    alphabetical; past ``max_features``, the most frequent, ties as sklearn breaks
    them). Counted with numpy instead of its Python loop over every term, in a third of
    the time: word pairs are counted as pairs of word numbers, and only the pairs kept
    are written out as text. No terms: an empty vocabulary."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    per_text = [_words(t, ENGLISH_STOP_WORDS) for t in texts]
    words = list(chain.from_iterable(per_text))
    seen = list(dict.fromkeys(words))  # each word once, in order of first use
    n_words = len(seen)
    number = dict(zip(seen, range(n_words), strict=True))
    word_column = np.fromiter(map(number.__getitem__, words), dtype=np.int64,
                              count=len(words))
    word_row = np.repeat(np.arange(len(texts), dtype=np.int64),
                         np.fromiter(map(len, per_text), dtype=np.int64, count=len(texts)))
    # Neighbours within one text; a pair is first word * n_words + second word.
    within = word_row[1:] == word_row[:-1]
    pairs, pair_column = np.unique((word_column[:-1] * n_words + word_column[1:])[within],
                                   return_inverse=True)
    n_terms = n_words + len(pairs)  # words first, then pairs
    rows = np.concatenate([word_row, word_row[1:][within]])
    columns = np.concatenate([word_column, n_words + pair_column.ravel()])
    # A term used twice in a text is two entries, summed into one.
    counts = sp.csr_matrix((np.ones(len(columns), dtype=np.float32), (rows, columns)),
                           shape=(len(texts), n_terms))
    df = np.bincount(counts.indices, minlength=n_terms)
    kept = np.flatnonzero((df >= min_df) & (df <= max_df * len(texts)))

    def term(column: int) -> str:
        if column < n_words:
            return seen[column]
        first, second = divmod(int(pairs[column - n_words]), n_words)
        return f"{seen[first]} {seen[second]}"

    names = [term(c) for c in kept.tolist()]
    order = sorted(range(len(names)), key=names.__getitem__)
    kept, names = kept[order], [names[i] for i in order]
    if len(kept) > max_features:
        # sklearn's cut exactly: argsort of minus the totals, over the kept terms in
        # alphabetical order (float32 counts), then back into that order.
        totals = np.asarray(counts.sum(axis=0)).ravel()[kept]
        cut = np.sort((-totals).argsort()[:max_features])
        kept, names = kept[cut], [names[i] for i in cut.tolist()]
    return counts[:, kept], names


@lru_cache(maxsize=1)
def _thread_pools():
    """The BLAS and OpenMP pools sklearn loads, found once: threadpool_limits() looks
    for them again on every call (~4 ms each time)."""
    import sklearn.decomposition  # noqa: F401  (its libraries must be loaded first)
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def find_themes(inputs: Sequence[ThemeInput], n_themes: int | None = None,
                random_state: int = RANDOM_STATE) -> list[Theme]:
    """Themes of ``inputs`` (ordered by size, then by their first term); [] when
    there are too few documents or words to cluster. Every document given is
    clustered: sampling is :func:`themes_for_window`'s."""
    import numpy as np
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfTransformer

    inputs = sorted(inputs, key=lambda d: d.summary.id)  # the order must not matter
    wanted = theme_count(len(inputs)) if n_themes is None else n_themes
    if wanted < 1 or len(inputs) < max(wanted, 2):
        return []
    texts = [f"{d.summary.title}. {d.text}" for d in inputs]
    counts, vocabulary = term_counts(texts, min_df=2 if len(inputs) >= 10 else 1, max_df=0.9,
                                     max_features=MAX_FEATURES)
    if len(vocabulary) < wanted:  # too little left after stop words and frequency cuts
        return []
    # TfidfVectorizer(sublinear_tf=True)'s weighting of the same counts.
    weighting = TfidfTransformer(sublinear_tf=True).fit(counts)
    matrix = weighting.transform(counts, copy=False)
    tolerance = SAMPLE_NMF_TOLERANCE if len(inputs) >= SAMPLE_SIZE else NMF_TOLERANCE
    model = NMF(n_components=wanted, init="nndsvda", random_state=random_state,
                tol=tolerance, max_iter=NMF_MAX_ITER)
    # One BLAS thread: on a shared two-core server the second thread's spinning
    # doubled NMF's CPU time for a small gain in wall time.
    with _thread_pools().limit(limits=1):
        loadings = model.fit_transform(matrix)
    totals = loadings.sum(axis=1)
    strongest = np.where(totals > 0, loadings.argmax(axis=1), -1)

    themes = []
    for topic in range(wanted):
        rows = np.flatnonzero(strongest == topic)
        if rows.size == 0:
            continue
        members = sorted(
            ((float(loadings[r, topic] / totals[r]), inputs[r]) for r in rows),
            key=lambda m: (-m[0], m[1].summary.id))
        weights = model.components_[topic]
        order = weights.argsort()[::-1]
        terms = tuple(str(vocabulary[i]) for i in order[:TOP_TERMS] if weights[i] > 0)
        months = Counter(doc.summary.published[:7] for _, doc in members)
        themes.append(Theme(
            number=0, label=", ".join(terms[:3]), terms=terms, size=len(members),
            months=tuple(sorted(months.items())),
            documents=tuple(
                ThemeDocument(id=d.summary.id, title=d.summary.title,
                              date=d.summary.published[:10], url=d.summary.url,
                              source=d.summary.source, weight=round(w, 4))
                for w, d in members[:REPRESENTATIVE_DOCUMENTS]),
            clustered=len(inputs), of=len(inputs),
        ))
    themes.sort(key=lambda t: (-t.size, t.terms))
    return [replace(t, number=i) for i, t in enumerate(themes, start=1)]


def themes_for_window(summaries: Sequence[DocumentSummary], document_store,
                      n_themes: int | None = None,
                      sample_size: int = SAMPLE_SIZE) -> list[Theme]:
    """Themes of these relevant documents, their texts read from
    ``document_store`` (an ``ingest.store.DocumentStore``); documents the store
    does not hold are left out. Above ``sample_size`` documents the themes are
    those of :func:`window_sample`, and only its texts are read; each theme's
    ``clustered`` and ``of`` say how many documents were clustered, of how many
    in the window."""
    return themes_of_sample(window_sample(summaries, sample_size),
                            len({s.id for s in summaries}), document_store, n_themes)


def themes_of_sample(sample: Sequence[DocumentSummary], of: int, document_store,
                     n_themes: int | None = None) -> list[Theme]:
    """Themes of a window's sample (:func:`sample_ids`) of ``of`` documents, their texts
    read from ``document_store``."""
    texts = document_store.get_many(s.id for s in sample)
    inputs = [ThemeInput(summary=s, text=texts[s.id].text) for s in sample if s.id in texts]
    return [replace(t, of=of) for t in find_themes(inputs, n_themes=n_themes)]
