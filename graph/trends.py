"""What is new or growing in a date window, each claim traced to its documents.

Everything here is computed from what the ``GraphStore`` protocol returns
(``documents``, ``edges``, ``entity``), so both backends give the same report.
The analysis functions are pure: they take lists of ``DocumentSummary`` and
``Edge`` and return frozen records; ``trends_report`` is the one place that
reads a store.

Counting unit. The protocol gives, per relevant document, the entities it
mentions (not how often), and per relation its evidence sentences with their
documents. So every count here is *documents*: an entity counts once per
relevant document that mentions it, a relation once per document with
evidence for it. A long article repeating a name therefore cannot make a burst
on its own.

Bursts. For each entity and relation, the window is split into a recent
period (the last ``recent_weeks`` weeks, ending on ``until``) and a baseline
(the rest of the window before it, stretched back before the window to cover
at least ``baseline_weeks`` weeks, but never before the oldest relevant
document, so "what grew this month" has a baseline). The baseline rate is smoothed with a
Gamma(``prior_count``, ``prior_weeks``) prior, ``rate = (b + prior_count) /
(baseline_weeks + prior_weeks)``, so an item never seen before has a small,
non-zero expected rate rather than zero. Under "nothing changed" the recent
count is Poisson with mean ``expected = rate * recent_weeks``; the p-value is
the one-sided upper tail ``P(X >= k)``. Items with at least ``min_count``
recent documents and ``p <= max_p_value`` are bursts, ranked by
``score = -log10(p)``; the Benjamini-Hochberg q-value over every item tested
is given too, since many items are tested at once.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
from scipy.stats import poisson

from graph.batch import split_key
from graph.model import DocumentSummary, Edge, GraphStore
from ingest.errors import ConfigError
from nlp.taxonomy import CO_OCCURS, ENTITY_RELATION_TYPES, LOCATED_IN, LOCATION, ROUTE

RECENT_WEEKS = 4
BASELINE_WEEKS = 8  # the shortest baseline: a short window borrows weeks before it
MIN_COUNT = 3
MAX_P_VALUE = 0.05  # the conventional level; q-values are given for the many items tested
PRIOR_COUNT = 0.5  # pseudo-documents in the baseline, so unseen items get a small rate
PRIOR_WEEKS = 1.0  # pseudo-weeks those are spread over
DOCUMENTS_PER_ITEM = 25  # documents listed behind one item (the count says how many in all)
UNNAMED_MODES = frozenset({"", "unknown"})  # modes that take part in no mode change
LISTED = 200  # items listed per kind (the report says how many in all)
ENTITY_SERIES = 20  # most mentioned entities whose series the report carries
# CO_OCCURS says only "in the same sentence": too many to read as news.
EMERGING_RELATION_TYPES: tuple[str, ...] = tuple(
    t for t in ENTITY_RELATION_TYPES if t != CO_OCCURS)
# Documents read per call. Each page skips the ones before it, so reading n costs
# n^2 / (2 * page) rows skipped: 80,000 (a year at 100k) in pages of 500 took 5 s.
_PAGE = 10_000


# -- records ---------------------------------------------------------------
@dataclass(frozen=True)
class SourceDocument:
    """A document behind a claim; ``sentence`` is the evidence, when there is one."""

    id: str
    title: str
    date: str
    url: str
    source: str = ""
    sentence: str = ""


@dataclass(frozen=True)
class Series:
    """Documents per ISO week and per month, aligned with ``TrendCounts.weeks``/``months``."""

    key: str  # entity key, label or relation type
    name: str
    total: int
    weekly: tuple[int, ...]
    monthly: tuple[int, ...]


@dataclass(frozen=True)
class TrendCounts:
    weeks: tuple[str, ...]  # ISO weeks "YYYY-Www" the window touches, ascending
    months: tuple[str, ...]  # "YYYY-MM", ascending
    documents: Series  # relevant documents
    by_label: tuple[Series, ...]  # entity mentions (one per document) per label
    by_relation: tuple[Series, ...]  # (relation, document) pairs per relation type
    by_entity: tuple[Series, ...]  # per entity, most mentioned first
    by_route_mode: tuple[Series, ...] = ()  # (route, document) pairs per ROUTE mode


@dataclass(frozen=True)
class Burst:
    kind: str  # "entity" or "relation"
    key: str  # entity key, or "TYPE|source|target|mode"
    label: str  # entity label, or relation type
    name: str
    recent_count: int
    baseline_count: int
    recent_weeks: float
    baseline_weeks: float
    expected: float  # recent documents expected at the baseline rate
    rate_ratio: float  # recent rate / smoothed baseline rate
    p_value: float
    q_value: float  # Benjamini-Hochberg over all items tested
    score: float  # -log10(p_value)
    first_seen: str  # all-time first date
    document_count: int  # recent documents behind it
    documents: tuple[SourceDocument, ...]  # the recent ones, newest first


@dataclass(frozen=True)
class FirstSeen:
    key: str
    label: str
    name: str
    first_seen: str
    document_count: int
    documents: tuple[SourceDocument, ...]  # in the window, oldest first


@dataclass(frozen=True)
class NewRelation:
    type: str
    source: str
    target: str
    modes: tuple[str, ...]
    first_seen: str
    document_count: int
    documents: tuple[SourceDocument, ...]  # evidence in the window, oldest first


@dataclass(frozen=True)
class ModeChange:
    source: str
    target: str
    mode: str  # the new mode
    first_seen: str
    previous_modes: tuple[str, ...]  # modes reported for the pair before
    previous_last_seen: str
    document_count: int
    documents: tuple[SourceDocument, ...]  # evidence for the new mode, oldest first
    previous_documents: tuple[SourceDocument, ...]  # newest evidence of the earlier modes
    # "route": source/target are the route's ends; "corridor": they are the two
    # countries (LOCATION keys) and ``routes`` the legs reported by the new mode.
    kind: str = "route"
    routes: tuple[str, ...] = ()  # relation keys of the new-mode routes behind it


@dataclass(frozen=True)
class TrendSettings:
    recent_weeks: int = RECENT_WEEKS
    baseline_weeks: int = BASELINE_WEEKS
    min_count: int = MIN_COUNT
    max_p_value: float = MAX_P_VALUE
    prior_count: float = PRIOR_COUNT
    prior_weeks: float = PRIOR_WEEKS
    relation_types: tuple[str, ...] = EMERGING_RELATION_TYPES
    # new relations and mode changes listed at most, and first-seen entities per label
    listed: int = LISTED


@dataclass(frozen=True)
class TrendsReport:
    since: str
    until: str
    recent_since: str  # first day of the recent period
    baseline_since: str  # first day of the baseline (the day before recent_since ends it)
    settings: TrendSettings
    relevant_documents: int
    counts: TrendCounts
    bursts: tuple[Burst, ...]
    first_seen: tuple[FirstSeen, ...]
    new_relations: tuple[NewRelation, ...]
    mode_changes: tuple[ModeChange, ...]
    themes: tuple = ()  # graph.themes.Theme
    notes: tuple[str, ...] = field(default=())
    new_relation_count: int = 0  # all new relations; ``new_relations`` lists settings.listed
    mode_change_count: int = 0  # all mode changes; ``mode_changes`` lists settings.listed
    # All entities first seen; ``first_seen`` lists the settings.listed best documented of
    # each label.
    first_seen_count: int = 0
    burst_count: int = 0  # all bursts; ``bursts`` lists the settings.listed strongest

    def to_dict(self) -> dict:
        """Plain dicts, lists, strings and numbers (``json.dumps`` takes it as is)."""
        return _plain(asdict(self))


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# -- dates -----------------------------------------------------------------
def parse_day(value: str | None, what: str) -> date | None:
    """``value`` as a date, None for None; ``what`` names it in the error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise ConfigError(f"{what} {value!r}: not a date (expected YYYY-MM-DD)") from None


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@lru_cache(maxsize=4096)
def _day_week(day: str) -> str:
    """The ISO week of a day given as text: a report's hundreds of series share its
    few hundred days."""
    return iso_week(date.fromisoformat(day))


def _weeks_between(first: date, last: date) -> tuple[str, ...]:
    start = first - timedelta(days=first.weekday())
    weeks = []
    while start <= last:
        weeks.append(iso_week(start))
        start += timedelta(days=7)
    return tuple(weeks)


def _months_between(first: date, last: date) -> tuple[str, ...]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(months)


def _in(day: str, since: str, until: str) -> bool:
    return since <= day[:10] <= until


# -- counts ----------------------------------------------------------------
def _day_series(key: str, name: str, days: Counter, weeks: Sequence[str],
                months: Sequence[str]) -> Series:
    """A Series from counts per ISO day."""
    by_week: Counter = Counter()
    by_month: Counter = Counter()
    for day, n in days.items():
        by_week[_day_week(day)] += n
        by_month[day[:7]] += n
    return Series(key=key, name=name, total=sum(days.values()),
                  weekly=tuple(by_week.get(w, 0) for w in weeks),
                  monthly=tuple(by_month.get(m, 0) for m in months))


def day_counts_of(rows: Iterable[tuple[str, str, str, int]]
                  ) -> tuple[dict[str, Counter], dict[tuple[str, str], Counter]]:
    """Per-day rows (kind, key, day, n) of the derived trend days, 'label' keyed by label
    and 'relation' by 'TYPE|mode', as (per label, per (type, mode)) day counts."""
    labels: dict[str, Counter] = defaultdict(Counter)
    relations: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for kind, key, day, n in rows:
        if kind == "label":
            labels[key][day] += n
        else:
            type_, _, mode = key.partition("|")
            relations[(type_, mode)][day] += n
    return labels, relations


def entity_name(key: str) -> str:
    return split_key(key)[1]


def relation_key(edge: Edge) -> str:
    return "|".join((edge.type, edge.source, edge.target, edge.mode))


def relation_name(edge: Edge) -> str:
    arrow = f" -[{edge.type}{' ' + edge.mode if edge.mode else ''}]-> "
    return entity_name(edge.source) + arrow + entity_name(edge.target)


def _evidence_documents(edge: Edge, since: str, until: str) -> dict[str, SourceDocument]:
    """One SourceDocument per document with evidence in the window (its first sentence)."""
    found: dict[str, SourceDocument] = {}
    for item in sorted(edge.evidence, key=lambda e: (e.date, e.doc_id)):
        if _in(item.date, since, until) and item.doc_id not in found:
            found[item.doc_id] = SourceDocument(
                id=item.doc_id, title=item.title, date=item.date[:10], url=item.url,
                source=item.source, sentence=item.sentence)
    return found


# -- bursts ----------------------------------------------------------------
def poisson_burst_p_value(recent_count: int, baseline_count: int, recent_weeks: float,
                          baseline_weeks: float, prior_count: float = PRIOR_COUNT,
                          prior_weeks: float = PRIOR_WEEKS) -> tuple[float, float, float]:
    """(p_value, expected, rate_ratio): the chance of ``recent_count`` or more
    in ``recent_weeks`` at the prior-smoothed baseline rate (one-sided Poisson)."""
    rate = (baseline_count + prior_count) / (baseline_weeks + prior_weeks)
    expected = rate * recent_weeks
    p_value = float(poisson.sf(recent_count - 1, expected)) if recent_count > 0 else 1.0
    ratio = (recent_count / recent_weeks) / rate if recent_weeks > 0 else math.inf
    return p_value, expected, ratio


def _benjamini_hochberg(p_values: Sequence[float] | np.ndarray) -> list[float]:
    p = np.asarray(p_values, dtype=float)
    if not len(p):
        return []
    order = np.argsort(p, kind="stable")
    ranked = p[order] * len(p) / np.arange(1, len(p) + 1)
    # Each q is the smallest adjusted p at its rank or above, capped at 1.
    q = np.empty(len(p))
    q[order] = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    return q.tolist()


@dataclass(frozen=True)
class CountedItem:
    """An entity or relation with its documents in the baseline and the recent period."""

    kind: str  # "entity" or "relation"
    key: str
    baseline: int
    recent: int
    edge: Edge | None = None  # the relation's edge (without evidence)

    # Label and name only for the few that burst: thousands of items are tested.
    @property
    def label(self) -> str:
        return self.edge.type if self.edge is not None else split_key(self.key)[0]

    @property
    def name(self) -> str:
        return relation_name(self.edge) if self.edge is not None else entity_name(self.key)


@dataclass(frozen=True)
class _Tested:
    index: int  # into the counts tested
    p_value: float
    expected: float
    rate_ratio: float
    q_value: float


def tested_bursts(counts: Sequence[tuple[int, int]], since: str, until: str, recent_since: str,
                  settings: TrendSettings) -> tuple[list[_Tested], float, float]:
    """Of (baseline, recent) document counts, those that burst (p-values over all
    counts with a recent document, q-values over them all), and the recent and
    baseline lengths in weeks. Arrays throughout: thousands are tested, few burst."""
    recent_days = (date.fromisoformat(until) - date.fromisoformat(recent_since)).days + 1
    baseline_days = (date.fromisoformat(recent_since) - date.fromisoformat(since)).days
    recent_weeks, baseline_weeks = recent_days / 7, max(baseline_days, 0) / 7
    table = np.asarray(counts, dtype=float).reshape(-1, 2)
    counted = np.flatnonzero(table[:, 1] > 0)
    recent = table[counted, 1]
    # One vectorised upper tail for all (the same figures as poisson_burst_p_value).
    rate = (table[counted, 0] + settings.prior_count) / (baseline_weeks + settings.prior_weeks)
    expected = rate * recent_weeks
    p_values = poisson.sf(recent - 1, expected) if len(counted) else np.array([])
    q_values = _benjamini_hochberg(p_values)
    hits = np.flatnonzero((recent >= settings.min_count) & (p_values <= settings.max_p_value))
    return [_Tested(int(counted[i]), float(p_values[i]), float(expected[i]),
                    (float(recent[i]) / recent_weeks) / float(rate[i]), q_values[i])
            for i in hits], recent_weeks, baseline_weeks


def _burst(item: CountedItem, tested: _Tested, recent_weeks: float, baseline_weeks: float,
           first_seen: str, recent_documents: Iterable[SourceDocument]) -> Burst:
    p = tested.p_value
    newest = sorted(recent_documents, key=lambda d: (d.date, d.id), reverse=True)
    return Burst(
        kind=item.kind, key=item.key, label=item.label, name=item.name,
        recent_count=item.recent, baseline_count=item.baseline,
        recent_weeks=round(recent_weeks, 3), baseline_weeks=round(baseline_weeks, 3),
        expected=tested.expected, rate_ratio=tested.rate_ratio, p_value=p,
        q_value=tested.q_value, score=_score(p), first_seen=first_seen,
        document_count=item.recent, documents=tuple(newest[:DOCUMENTS_PER_ITEM]))


def _score(p_value: float) -> float:
    return -math.log10(max(p_value, 1e-300))


def _ranked_bursts(bursts: Iterable[Burst]) -> list[Burst]:
    return sorted(bursts, key=lambda b: (-b.score, -b.rate_ratio, b.kind, b.key))


# -- new things --------------------------------------------------------------
def _oldest_first(docs: Iterable[SourceDocument]) -> tuple[SourceDocument, ...]:
    return tuple(sorted(docs, key=lambda d: (d.date, d.id))[:DOCUMENTS_PER_ITEM])


def _first_date(edge: Edge) -> str:
    return min((e.date[:10] for e in edge.evidence), default=edge.first_seen)


def find_new_relations(edges: Sequence[Edge], since: str, until: str,
                       types: Sequence[str]) -> list[NewRelation]:
    """Pairs (type, source, target), any mode, whose first evidence ever is in the
    window; most documents first, then newest first."""
    pairs: dict[tuple[str, str, str], list[Edge]] = defaultdict(list)
    for edge in edges:
        if edge.type in types:
            pairs[(edge.type, edge.source, edge.target)].append(edge)
    found = []
    for (type_, source, target), group in sorted(pairs.items()):
        first = min(_first_date(e) for e in group)
        if not _in(first, since, until):
            continue
        docs: dict[str, SourceDocument] = {}
        for edge in group:
            for doc_id, doc in _evidence_documents(edge, since, until).items():
                docs.setdefault(doc_id, doc)
        found.append(NewRelation(
            type=type_, source=source, target=target,
            modes=tuple(sorted({e.mode for e in group})), first_seen=first,
            document_count=len(docs), documents=_oldest_first(docs.values())))
    # Most documented first, then newest: a link several sources report is the stronger lead.
    found.sort(key=lambda r: (r.type, r.source, r.target))
    found.sort(key=lambda r: r.first_seen, reverse=True)
    return sorted(found, key=lambda r: -r.document_count)


def _previous_documents(before: Iterable) -> tuple[SourceDocument, ...]:
    """One SourceDocument per document of this evidence, newest first."""
    previous: dict[str, SourceDocument] = {}
    for ev in sorted(before, key=lambda ev: (ev.date, ev.doc_id), reverse=True):
        previous.setdefault(ev.doc_id, SourceDocument(
            id=ev.doc_id, title=ev.title, date=ev.date[:10], url=ev.url, source=ev.source,
            sentence=ev.sentence))
    return tuple(list(previous.values())[:DOCUMENTS_PER_ITEM])


@dataclass(frozen=True)
class _FoundChange:
    """A mode change before its documents are read: which routes gained the mode and
    which had another before."""

    kind: str  # "route" or "corridor"
    source: str
    target: str
    mode: str
    first: str
    new: tuple[Edge, ...]
    earlier: tuple[Edge, ...]


def _mode_change(found: _FoundChange, since: str, until: str) -> ModeChange:
    before = [ev for e in found.earlier for ev in e.evidence if ev.date[:10] < found.first]
    docs: dict[str, SourceDocument] = {}
    for edge in found.new:
        for doc_id, doc in _evidence_documents(edge, since, until).items():
            docs.setdefault(doc_id, doc)
    return ModeChange(
        source=found.source, target=found.target, mode=found.mode, first_seen=found.first,
        previous_modes=tuple(sorted({e.mode for e in found.earlier})),
        previous_last_seen=max((ev.date[:10] for ev in before), default=""),
        document_count=len(docs), documents=_oldest_first(docs.values()),
        previous_documents=_previous_documents(before), kind=found.kind,
        routes=tuple(sorted(relation_key(e) for e in found.new)))


def _found_mode_changes(edges: Sequence[Edge], since: str, until: str,
                        countries: dict[str, str] | None) -> list[_FoundChange]:
    """Routes, and corridors between two countries, that gained in the window a
    named mode they never had before while an earlier report gave another, up to
    reading their documents (``_mode_change`` tells each).

    Route: the exact (origin, destination) pair gained the mode.
    Corridor: the routes whose origin is in one country and destination in
    another (``countries`` maps place keys to country names; see
    ``graph.places.countries_of``) are one corridor, e.g. Sangkhlaburi ->
    Payathonzu and Ranong -> Kawthaung are both Thailand -> Myanmar. The
    corridor changes mode when the first report of a mode on any of its routes
    falls in the window and another named mode was reported on any of them
    before that date. A change's ``documents`` are the new mode's evidence in the
    window, its ``previous_documents`` the earlier modes' evidence before it. A
    corridor change that one route's change already tells (same mode, same
    first date, a route of the corridor) is left out. ``unknown`` and unnamed
    modes take part in neither. Newest first."""
    routes = [e for e in edges if e.type == ROUTE and e.mode not in UNNAMED_MODES]
    by_pair: dict[tuple[str, str], list[Edge]] = defaultdict(list)
    for edge in routes:
        by_pair[(edge.source, edge.target)].append(edge)
    changes = []
    for (source, target), group in sorted(by_pair.items()):
        for edge in group:
            first = _first_date(edge)
            if not _in(first, since, until):
                continue
            earlier = [e for e in group if e.mode != edge.mode and _first_date(e) < first]
            if earlier:
                changes.append(_FoundChange("route", source, target, edge.mode, first, (edge,),
                                            tuple(earlier)))
    told = {(c.mode, c.first, c.source, c.target) for c in changes}
    countries = countries or {}
    by_corridor: dict[tuple[str, str], list[Edge]] = defaultdict(list)
    for edge in routes:
        ends = countries.get(edge.source), countries.get(edge.target)
        if None not in ends and ends[0] != ends[1]:
            by_corridor[ends].append(edge)
    for (origin, destination), group in sorted(by_corridor.items()):
        for mode in sorted({e.mode for e in group}):
            new = [e for e in group if e.mode == mode]
            first = min(_first_date(e) for e in new)
            if not _in(first, since, until):
                continue
            earlier = [e for e in group if e.mode != mode and _first_date(e) < first]
            if not earlier or any((mode, first, e.source, e.target) in told for e in new):
                continue
            changes.append(_FoundChange(
                "corridor", f"{LOCATION}:{origin}", f"{LOCATION}:{destination}", mode, first,
                tuple(new), tuple(earlier)))
    return sorted(changes, key=lambda c: (c.first, c.source, c.target, c.mode), reverse=True)


def _source_document(doc: DocumentSummary) -> SourceDocument:
    return SourceDocument(id=doc.id, title=doc.title, date=doc.published[:10], url=doc.url,
                          source=doc.source)


# -- the report ----------------------------------------------------------------
def read_relevant_documents(graph: GraphStore, since: str | None, until: str | None
                            ) -> list[DocumentSummary]:
    """Every relevant document published in the window, newest first."""
    found: list[DocumentSummary] = []
    while True:
        page = graph.documents(since=since, until=until, relevant_only=True, limit=_PAGE,
                               offset=len(found))
        found.extend(page)
        if len(page) < _PAGE:
            return found


def _baseline_start(oldest: str | None, since: str, recent_start: date,
                    baseline_weeks: int) -> str:
    """The baseline runs from ``since``, or from ``baseline_weeks`` before the
    recent period when that is earlier, but never before the oldest relevant
    document (weeks before the data began would look like weeks of silence)."""
    wanted = min(date.fromisoformat(since), recent_start - timedelta(weeks=baseline_weeks))
    if wanted.isoformat() >= since:
        return since
    start = max(wanted.isoformat(), oldest or since)
    return min(start, since)


def _resolve_window(since: str | None, until: str | None, dates: Sequence[str]
                    ) -> tuple[str, str]:
    start, end = parse_day(since, "--since"), parse_day(until, "--until")
    if start and end and start > end:
        raise ConfigError(f"--since {since} is after --until {until}")
    today = date.today().isoformat()
    resolved_until = end.isoformat() if end else max(dates, default=today)
    resolved_since = start.isoformat() if start else min(dates, default=resolved_until)
    return resolved_since, resolved_until


class ProtocolTrendFacts:
    """What the report needs, worked out from the ``GraphStore`` protocol alone
    (relevant documents and edges with their evidence, read in full). Any
    backend answers through this; a store with a method ``trend_facts()``
    (the embedded one) answers the same questions with aggregates instead.

    Dating: an entity counts once per relevant document mentioning it, dated by
    the document; a relation once per document with evidence for it, dated by
    the document's first evidence in the period asked. The embedded store dates
    them by the mention's and the evidence's own date instead: the same figures
    wherever those carry their document's date, as ``graph.sync`` writes them."""

    def __init__(self, graph: GraphStore) -> None:
        self.graph = graph
        self._docs: dict[tuple, list[DocumentSummary]] = {}
        self._history: dict[str, list[Edge]] = {}

    def _documents(self, since: str | None, until: str | None) -> list[DocumentSummary]:
        if (since, until) not in self._docs:
            self._docs[(since, until)] = read_relevant_documents(self.graph, since, until)
        return self._docs[(since, until)]

    def _edges(self, until: str) -> list[Edge]:
        """Edges with their evidence up to ``until``, from the start of time."""
        if until not in self._history:
            self._history[until] = self.graph.edges(None, None, until)
        return self._history[until]

    def relevant_days(self, since: str | None, until: str | None) -> list[tuple[str, int]]:
        days = Counter(d.published[:10] for d in self._documents(since, until))
        return sorted(days.items())

    def oldest_relevant_day(self) -> str | None:
        relevant = self.graph.counts().get("relevant_documents", 0)
        oldest = self.graph.documents(relevant_only=True, limit=1, offset=max(relevant - 1, 0))
        return oldest[0].published[:10] if oldest else None

    def day_counts(self, since: str, until: str) -> tuple[dict[str, Counter], dict[tuple, Counter]]:
        labels: dict[str, Counter] = defaultdict(Counter)
        for doc in self._documents(since, until):
            for key in doc.entities:
                labels[split_key(key)[0]][doc.published[:10]] += 1
        relations: dict[tuple, Counter] = defaultdict(Counter)
        for edge in self._edges(until):
            for doc in _evidence_documents(edge, since, until).values():
                relations[(edge.type, edge.mode)][doc.date] += 1
        return labels, relations

    def entity_counts(self, start: str, split: str, until: str) -> dict[str, tuple[int, int]]:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for doc in self._documents(start, until):
            for key in doc.entities:
                counts[key][doc.published[:10] >= split] += 1
        return {k: (b, r) for k, (b, r) in counts.items() if r > 0}

    def relation_counts(self, types: Sequence[str], start: str, split: str, until: str
                        ) -> list[tuple[Edge, int, int]]:
        found = []
        for edge in self._edges(until):
            if edge.type not in types:
                continue
            dated = _evidence_documents(edge, start, until).values()
            recent = sum(1 for d in dated if d.date >= split)
            if recent:
                summary = replace(edge, first_seen=_first_date(edge), evidence=())
                found.append((summary, len(dated) - recent, recent))
        return found

    def first_seen(self, keys: Iterable[str]) -> dict[str, str]:
        found = {}
        for key in sorted(set(keys)):
            node = self.graph.entity(key)
            if node is not None and node.first_seen:
                found[key] = node.first_seen[:10]
        return found

    def first_seen_in(self, since: str, until: str) -> dict[str, str]:
        keys = {k for doc in self._documents(since, until) for k in doc.entities}
        return {k: f for k, f in self.first_seen(keys).items() if _in(f, since, until)}

    def top_entities(self, since: str, until: str, limit: int) -> list[str]:
        docs = Counter(k for doc in self._documents(since, until) for k in doc.entities)
        return sorted(docs, key=lambda k: (-docs[k], k))[:limit]

    def entity_days(self, keys: Iterable[str], since: str, until: str) -> dict[str, Counter]:
        wanted, found = set(keys), defaultdict(Counter)
        for doc in self._documents(since, until):
            for key in wanted.intersection(doc.entities):
                found[key][doc.published[:10]] += 1
        return dict(found)

    def entity_documents(self, keys: Iterable[str], since: str, until: str, newest_first: bool,
                         limit: int) -> dict[str, tuple[int, list[SourceDocument]]]:
        wanted, found = set(keys), defaultdict(list)
        for doc in self._documents(since, until):
            for key in wanted.intersection(doc.entities):
                found[key].append(_source_document(doc))
        return {k: (len(docs), sorted(docs, key=lambda d: (d.date, d.id),
                                      reverse=newest_first)[:limit])
                for k, docs in found.items()}

    def with_evidence(self, edges: Iterable[Edge], until: str) -> list[Edge]:
        wanted = {(e.type, e.source, e.target, e.mode) for e in edges}
        return [e for e in self._edges(until) if (e.type, e.source, e.target, e.mode) in wanted]

    def edge_documents(self, edges: Iterable[Edge], since: str, until: str, limit: int,
                       newest_first: bool = True) -> dict[str, list[SourceDocument]]:
        """Per edge (``relation_key``), its newest (or oldest) ``limit`` documents with
        evidence in the window, each with its first sentence there, in that order (date,
        then id)."""
        return {relation_key(edge): sorted(_evidence_documents(edge, since, until).values(),
                                           key=lambda d: (d.date, d.id),
                                           reverse=newest_first)[:limit]
                for edge in self.with_evidence(edges, until)}

    def route_edges(self, until: str) -> list[Edge]:
        return [replace(e, evidence=()) for e in self._edges(until) if e.type == ROUTE]

    def located_in(self, until: str) -> list[Edge]:
        return [replace(e, evidence=()) for e in self._edges(until) if e.type == LOCATED_IN]

    def route_ends(self, until: str) -> set[str]:
        return {k for e in self.route_edges(until) if e.mode not in UNNAMED_MODES
                for k in (e.source, e.target)}

    def mode_change_routes(self, since: str, until: str, countries: dict[str, str]
                           ) -> tuple[list[Edge], set[tuple[str, str]] | None]:
        """Named-mode routes that can take part in a mode change in the window, and the
        corridors (origin, destination country) that can change (None: any)."""
        return [e for e in self.route_edges(until) if e.mode not in UNNAMED_MODES], None

    def pair_edges(self, pairs: Iterable[tuple[str, str, str]], until: str) -> list[Edge]:
        """Every mode's edge (without evidence) of these (type, source, target) pairs."""
        wanted = set(pairs)
        return [replace(e, evidence=()) for e in self._edges(until)
                if (e.type, e.source, e.target) in wanted]

    def new_relation_pairs(self, types: Sequence[str], since: str, until: str, limit: int
                           ) -> tuple[int, list[tuple[str, str, str, int]]]:
        """(how many pairs are new in the window, the first ``limit`` in report order, each
        (type, source, target, documents in the window))."""
        found = find_new_relations(self._edges(until), since, until, types)
        return len(found), [(r.type, r.source, r.target, r.document_count)
                            for r in found[:limit]]

    def window_dates(self, since: str, until: str) -> list[tuple[str, str]]:
        """(id, published) of each relevant document of the window."""
        return [(d.id, d.published) for d in self._documents(since, until)]

    def summaries(self, ids: Iterable[str]) -> list[DocumentSummary]:
        """These documents (of windows read before), in the order of ``ids``; without
        their entities (the themes read only the documents), as the stores give them."""
        known = {d.id: d for docs in self._docs.values() for d in docs}
        return [replace(known[i], entities=()) for i in ids if i in known]


def trend_facts(graph: GraphStore):
    """The cheapest way ``graph`` can answer the report's questions."""
    own = getattr(graph, "trend_facts", None)
    return own() if callable(own) else ProtocolTrendFacts(graph)


@dataclass(frozen=True)
class TrendWindow:
    """The periods a report covers, resolved once and handed to each section, so a
    page can work the sections out (and cache them) one at a time."""

    since: str
    until: str
    recent_since: str  # first day of the recent period
    baseline_since: str  # first day of the baseline
    settings: TrendSettings
    relevant_days: tuple[tuple[str, int], ...]  # (day, relevant documents) in the window

    @property
    def relevant_documents(self) -> int:
        return sum(n for _, n in self.relevant_days)


def trend_window(graph: GraphStore, since: str | None = None, until: str | None = None,
                 settings: TrendSettings | None = None) -> TrendWindow:
    """The window [since, until] (open ends: the oldest/newest relevant document), its
    recent period (the last ``recent_weeks``) and the baseline before it."""
    settings = settings or TrendSettings()
    if settings.recent_weeks < 1:
        raise ConfigError(f"recent weeks {settings.recent_weeks}: must be at least 1")
    parse_day(since, "--since"), parse_day(until, "--until")  # fail before reading
    facts = trend_facts(graph)
    days = facts.relevant_days(since, until)
    since, until = _resolve_window(since, until, [d for d, _ in days])
    recent_start = max(date.fromisoformat(until) - timedelta(days=7 * settings.recent_weeks - 1),
                       date.fromisoformat(since))
    return TrendWindow(
        since=since, until=until, recent_since=recent_start.isoformat(),
        baseline_since=_baseline_start(facts.oldest_relevant_day(), since, recent_start,
                                       settings.baseline_weeks),
        settings=settings, relevant_days=tuple((d, n) for d, n in days if _in(d, since, until)))


@dataclass(frozen=True)
class Listed:
    """A section's items: how many there are in all, and those listed."""

    count: int
    items: tuple


def burst_section(graph: GraphStore, window: TrendWindow) -> Listed:
    """Entities and relations whose recent documents run well above their baseline:
    the ``listed`` strongest, with their newest documents."""
    facts, settings = trend_facts(graph), window.settings
    baseline_since, recent_since, until = window.baseline_since, window.recent_since, window.until
    entities = sorted(facts.entity_counts(baseline_since, recent_since, until).items())
    relations = facts.relation_counts(settings.relation_types, baseline_since, recent_since,
                                      until)
    bursting, recent_weeks, baseline_weeks = tested_bursts(
        [counts for _, counts in entities] + [(b, r) for _, b, r in relations],
        baseline_since, until, recent_since, settings)

    def item_of(index: int) -> CountedItem:  # items only for the few that burst
        if index < len(entities):
            key, (baseline, recent) = entities[index]
            return CountedItem("entity", key, baseline, recent)
        edge, baseline, recent = relations[index - len(entities)]
        return CountedItem("relation", relation_key(edge), baseline, recent, edge=edge)

    # Documents and first dates only for the strongest listed.
    found = sorted(((item_of(t.index), t) for t in bursting),
                   key=lambda found: (-_score(found[1].p_value), -found[1].rate_ratio,
                                      found[0].kind, found[0].key))[:settings.listed]
    entity_keys = [item.key for item, _ in found if item.kind == "entity"]
    first = facts.first_seen(entity_keys)
    documents = facts.entity_documents(entity_keys, recent_since, until, True,
                                       DOCUMENTS_PER_ITEM)
    # A document's evidence all bears its date, so its documents in the recent weeks are
    # those a relation counts there; only the newest few are read, not all its evidence.
    edge_documents = facts.edge_documents(
        [item.edge for item, _ in found if item.edge is not None], recent_since, until,
        DOCUMENTS_PER_ITEM)
    bursts = []
    for item, tested in found:
        if item.kind == "entity":
            docs = documents.get(item.key, (0, []))[1]
            bursts.append(_burst(item, tested, recent_weeks, baseline_weeks,
                                 first.get(item.key, ""), docs))
        else:
            bursts.append(_burst(item, tested, recent_weeks, baseline_weeks,
                                 item.edge.first_seen, edge_documents.get(item.key, [])))
    return Listed(len(bursting), tuple(_ranked_bursts(bursts)))


def first_seen_section(graph: GraphStore, window: TrendWindow) -> Listed:
    """Entities first mentioned in the window: the ``listed`` best documented of each
    label. A year of news names thousands of people for the first time in a quarter,
    and reading the documents of each made this the report's largest cost; per label,
    so a new platform or recruiter is not crowded out by names."""
    facts, since, until = trend_facts(graph), window.since, window.until
    listed = window.settings.listed
    first = facts.first_seen_in(since, until)
    counts = {key: n for key, (n, _) in facts.entity_documents(
        list(first), since, until, False, 0).items() if key in first}

    def order(key: str) -> tuple:
        return (-counts[key], first[key], key)

    by_label: dict[str, list[str]] = defaultdict(list)
    for key in sorted(counts, key=order):
        label = key.partition(":")[0]
        if len(by_label[label]) < listed:
            by_label[label].append(key)
    chosen = sorted((k for keys in by_label.values() for k in keys), key=order)
    documents = facts.entity_documents(chosen, since, until, False, DOCUMENTS_PER_ITEM)
    return Listed(len(counts), tuple(
        FirstSeen(key=key, label=split_key(key)[0], name=entity_name(key), first_seen=first[key],
                  document_count=counts[key], documents=tuple(documents[key][1]))
        for key in chosen))


def counts_section(graph: GraphStore, window: TrendWindow, entities: Sequence[str] = (),
                   entity_limit: int = ENTITY_SERIES) -> TrendCounts:
    """Weekly and monthly series: documents, labels, relation types, route modes, and
    the ``entity_limit`` most mentioned entities plus ``entities``."""
    facts, since, until = trend_facts(graph), window.since, window.until
    weeks = _weeks_between(date.fromisoformat(since), date.fromisoformat(until))
    months = _months_between(date.fromisoformat(since), date.fromisoformat(until))
    labels, relations = facts.day_counts(since, until)
    by_type: dict[str, Counter] = defaultdict(Counter)
    by_mode: dict[str, Counter] = defaultdict(Counter)
    for (type_, mode), days in relations.items():
        by_type[type_].update(days)
        if type_ == ROUTE:
            by_mode[mode or "unknown"].update(days)
    ranked = facts.top_entities(since, until, entity_limit)
    extra = [k for k in dict.fromkeys(entities) if k not in ranked]
    days_of = facts.entity_days([*ranked, *extra], since, until)
    chosen = [*ranked, *(k for k in extra if k in days_of)]
    return TrendCounts(
        weeks=weeks, months=months,
        documents=_day_series("documents", "relevant documents",
                              Counter(dict(window.relevant_days)), weeks, months),
        by_label=tuple(_day_series(label, label, labels[label], weeks, months)
                       for label in sorted(labels) if sum(labels[label].values())),
        by_relation=tuple(_day_series(t, t, by_type[t], weeks, months)
                          for t in sorted(by_type) if sum(by_type[t].values())),
        by_entity=tuple(_day_series(k, entity_name(k), days_of.get(k, Counter()), weeks, months)
                        for k in chosen),
        by_route_mode=tuple(_day_series(m, m, by_mode[m], weeks, months)
                            for m in sorted(by_mode) if sum(by_mode[m].values())),
    )


def emerging_entities(bursts: Listed, first_seen: Listed, settings: TrendSettings
                      ) -> list[str]:
    """The emerging entities whose series a report carries: those that lead the burst
    and first-seen lists (at 100,000 documents the first-seen list alone ran to
    thousands, each series costing a read and a chart option)."""
    return ([b.key for b in bursts.items if b.kind == "entity"]
            + [f.key for f in first_seen.items])[:settings.listed]


def new_relation_section(graph: GraphStore, window: TrendWindow) -> Listed:
    """Relations first reported in the window: the ``listed`` best documented, told
    as ``find_new_relations`` tells them from each listed pair's edges and their
    oldest documents in the window (over a year, the best documented pairs are hubs
    with thousands of statements each)."""
    facts, since, until = trend_facts(graph), window.since, window.until
    total, listed = facts.new_relation_pairs(window.settings.relation_types, since, until,
                                             window.settings.listed)
    group = facts.pair_edges([pair[:3] for pair in listed], until)
    oldest = facts.edge_documents(group, since, until, DOCUMENTS_PER_ITEM, newest_first=False)
    edges: dict[tuple[str, str, str], list[Edge]] = defaultdict(list)
    for edge in group:
        edges[(edge.type, edge.source, edge.target)].append(edge)
    found = []
    for type_, source, target, count in listed:
        pair = edges[(type_, source, target)]
        docs: dict[str, SourceDocument] = {}
        for edge in pair:  # a document of several modes keeps the first mode's sentence
            for doc in oldest.get(relation_key(edge), []):
                docs.setdefault(doc.id, doc)
        found.append(NewRelation(
            type=type_, source=source, target=target,
            modes=tuple(sorted({e.mode for e in pair})),
            first_seen=min(e.first_seen[:10] for e in pair), document_count=count,
            documents=_oldest_first(docs.values())))
    return Listed(total, tuple(found))


def mode_change_section(graph: GraphStore, window: TrendWindow) -> Listed:
    """Routes and corridors that gained a mode in the window: the ``listed`` newest,
    found on the routes' first dates, then told with the evidence of the routes behind
    the changes listed only."""
    from graph.places import countries_of

    facts, since, until = trend_facts(graph), window.since, window.until
    countries = countries_of(facts.route_ends(until), facts.located_in(until))
    routes, corridors = facts.mode_change_routes(since, until, countries)
    found = [c for c in _found_mode_changes(routes, since, until, countries)
             if c.kind == "route" or corridors is None
             or (entity_name(c.source), entity_name(c.target)) in corridors]
    listed = found[:window.settings.listed]
    involved = {relation_key(e): e for c in listed for e in (*c.new, *c.earlier)}
    full = {relation_key(e): e for e in facts.with_evidence(involved.values(), until)}

    def with_evidence(edges: tuple[Edge, ...]) -> tuple[Edge, ...]:
        return tuple(full[relation_key(e)] for e in edges)

    # A route's first date is its first evidence's, as _found_mode_changes dates it.
    return Listed(len(found), tuple(
        _mode_change(replace(c, new=new, earlier=with_evidence(c.earlier),
                             first=min(_first_date(e) for e in new)), since, until)
        for c in listed for new in [with_evidence(c.new)]))


def theme_section(graph: GraphStore, window: TrendWindow, documents,
                  n_themes: int | None = None) -> tuple:
    """Topic clusters of the window's relevant documents (``documents``: an
    ``ingest.store.DocumentStore`` holding their texts)."""
    from graph.themes import sample_ids, themes_of_sample

    # Dates for all, summaries for the sample only: a quarter holds ~20,000 documents.
    facts = trend_facts(graph)
    dated = facts.window_dates(window.since, window.until)
    sample = facts.summaries(sample_ids(dated))
    return tuple(themes_of_sample(sample, len(dated), documents, n_themes=n_themes))


def report_notes(window: TrendWindow, bursts: Listed, first_seen: Listed,
                 new_relations: Listed, mode_changes: Listed, themes_left_out: bool
                 ) -> tuple[str, ...]:
    """What a reader should know about the window and about what is left out."""
    settings = window.settings
    notes: list[str] = []
    if themes_left_out:
        notes.append("themes left out: no document store given")
    baseline_days = (date.fromisoformat(window.recent_since)
                     - date.fromisoformat(window.baseline_since)).days
    if baseline_days <= 0:
        notes.append("no document before the recent period: bursts rest on the prior alone")
    elif baseline_days < 7 * settings.baseline_weeks:
        notes.append(f"the baseline covers only {baseline_days} days (from "
                     f"{window.baseline_since}, where the data begins): treat bursts with care")
    if window.baseline_since < window.since:
        notes.append(f"the baseline reaches back before the window, to {window.baseline_since}")
    if bursts.count > len(bursts.items):
        notes.append(f"{bursts.count} bursts: the {len(bursts.items)} strongest are listed")
    if first_seen.count > len(first_seen.items):
        notes.append(f"{first_seen.count} entities first seen: the {settings.listed} best "
                     "documented of each kind are listed")
    if new_relations.count > len(new_relations.items):
        notes.append(f"{new_relations.count} new relations: the {len(new_relations.items)} "
                     "best documented are listed")
    if mode_changes.count > len(mode_changes.items):
        notes.append(f"{mode_changes.count} route mode changes: the "
                     f"{len(mode_changes.items)} newest are listed")
    return tuple(notes)


def trends_report(graph: GraphStore, documents=None, since: str | None = None,
                  until: str | None = None, *, settings: TrendSettings | None = None,
                  entities: Sequence[str] = (), entity_limit: int = ENTITY_SERIES,
                  n_themes: int | None = None) -> TrendsReport:
    """Counts, bursts, first-seen entities, new relations, route mode changes
    and (when ``documents``, an ``ingest.store.DocumentStore``, is given) themes
    for the relevant documents published in [since, until]: every section of
    ``trend_window``'s window."""
    window = trend_window(graph, since, until, settings)
    bursts = burst_section(graph, window)
    first = first_seen_section(graph, window)
    counts = counts_section(graph, window,
                            [*entities, *emerging_entities(bursts, first, window.settings)],
                            entity_limit)
    themes = () if documents is None else theme_section(graph, window, documents, n_themes)
    new_relations = new_relation_section(graph, window)
    mode_changes = mode_change_section(graph, window)
    return TrendsReport(
        since=window.since, until=window.until, recent_since=window.recent_since,
        baseline_since=window.baseline_since, settings=window.settings,
        relevant_documents=window.relevant_documents, counts=counts, bursts=bursts.items,
        first_seen=first.items, new_relations=new_relations.items,
        mode_changes=mode_changes.items, themes=themes,
        notes=report_notes(window, bursts, first, new_relations, mode_changes,
                           documents is None),
        new_relation_count=new_relations.count, mode_change_count=mode_changes.count,
        first_seen_count=first.count, burst_count=bursts.count,
    )
