"""Build a briefing from the graph: pure selection and wording, no layout.

``build_briefing`` reads the store once (through ``trends_report`` and the
window's relevant documents) and turns the report into short statements.
Every statement cites the documents it rests on; a citation is one source
document, numbered in order of first use.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from graph.batch import split_key
from graph.briefing.model import Briefing, Chart, ChartSeries, Citation, Section, Statement
from graph.model import DocumentSummary, GraphStore
from graph.trends import (
    SourceDocument,
    TrendSettings,
    TrendsReport,
    entity_name,
    parse_day,
    read_relevant_documents,
    trends_report,
)
from ingest.errors import ConfigError
from nlp.taxonomy import (
    CO_OCCURS,
    CRIME,
    ENTITY_LABELS,
    LOCATION,
    ORG,
    PERSON,
    PLATFORM,
    RECRUITER,
    RECRUITS_VIA,
    ROUTE,
)

LABEL_WORDS = {LOCATION: "places", PLATFORM: "platforms", RECRUITER: "recruiters",
               ORG: "organisations", PERSON: "people", CRIME: "crime types"}
LABEL_WORD = {LOCATION: "place", PLATFORM: "platform", RECRUITER: "recruiter",
              ORG: "organisation", PERSON: "person", CRIME: "crime type"}
ITEMS_PER_SECTION = 8  # a briefing is read in minutes: longer lists go to the dashboard
CITED_PER_STATEMENT = 3
KEY_DOCUMENTS = 6
TOP_ENTITIES_CHARTED = 10
EMERGING_MIN_DOCUMENTS = 2  # a first-seen name in one document only is not yet a trend


class _Citations:
    """Numbers source documents in order of first use."""

    def __init__(self) -> None:
        self.by_id: dict[str, Citation] = {}

    def cite(self, docs: Iterable[SourceDocument | DocumentSummary]) -> tuple[int, ...]:
        numbers = []
        for doc in docs:
            if doc.id not in self.by_id:
                published = getattr(doc, "date", "") or getattr(doc, "published", "")
                self.by_id[doc.id] = Citation(
                    number=len(self.by_id) + 1, doc_id=doc.id,
                    title=" ".join((doc.title or "").split()) or "(untitled)",
                    publisher=" ".join((doc.source or "").split()) or "unknown publisher",
                    date=published[:10], url=(doc.url or "").strip())
            numbers.append(self.by_id[doc.id].number)
        return tuple(dict.fromkeys(numbers))

    def all(self) -> tuple[Citation, ...]:
        return tuple(sorted(self.by_id.values(), key=lambda c: c.number))


def _plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def _statement(text: str, citations: _Citations, docs: Sequence) -> Statement | None:
    numbers = citations.cite(list(docs)[:CITED_PER_STATEMENT])
    return Statement(text=text, citations=numbers) if numbers else None


def _keep(statements: Iterable[Statement | None]) -> tuple[Statement, ...]:
    return tuple(s for s in statements if s is not None)


def _first_and_newest(docs: Sequence[SourceDocument]) -> list[SourceDocument]:
    """The first report and the newest one (docs are oldest first)."""
    return list(dict.fromkeys([docs[0], docs[-1]])) if docs else []


# -- sections ----------------------------------------------------------------
def _headline(docs: Sequence[DocumentSummary], reported: int, co_occurrences: int, since: str,
              until: str, citations: _Citations) -> Section:
    oldest_first = sorted(docs, key=lambda d: (d.published, d.id))
    publishers = {d.source for d in docs}
    statements: list[Statement | None] = []
    if oldest_first:
        first, newest = oldest_first[0], oldest_first[-1]
        statements.append(_statement(
            f"{_plural(len(docs), 'relevant document')} from "
            f"{_plural(len(publishers), 'publisher')} were published between {since} and "
            f"{until}; the earliest on {first.published[:10]}, the newest on "
            f"{newest.published[:10]}.", citations, [first, newest]))
        keys = {k for d in docs for k in d.entities}
        richest = max(docs, key=lambda d: (len(d.entities), d.published, d.id))
        statements.append(_statement(
            f"They name {_plural(len(keys), 'distinct entity', 'distinct entities')}, linked by "
            f"{_plural(reported, 'reported relation')}"
            f" and {_plural(co_occurrences, 'co-occurrence')} in a sentence; the "
            f"most detailed report names {len(richest.entities)}.", citations, [richest]))
        by_label: dict[str, Counter] = defaultdict(Counter)
        for doc in docs:
            for key in doc.entities:
                by_label[split_key(key)[0]][key] += 1
        for label in ENTITY_LABELS:
            counted = by_label.get(label)
            if not counted:
                continue
            top, n = min(counted.items(), key=lambda kv: (-kv[1], kv[0]))
            behind = [d for d in reversed(oldest_first) if top in d.entities]
            statements.append(_statement(
                f"{LABEL_WORDS[label].capitalize()}: {len(counted)} named; the most often "
                f"named is {entity_name(top)}, in {_plural(n, 'document')}.",
                citations, behind[:1]))
    return Section("headline", "Headline figures", _keep(statements),
                   empty="No relevant document was published in this window.")


def _emerging(report: TrendsReport, citations: _Citations) -> Section:
    statements: list[Statement | None] = []
    bursts = [b for b in report.bursts][:ITEMS_PER_SECTION]
    for b in bursts:
        what = (f"{b.name} ({LABEL_WORD.get(b.label, b.label.lower())})" if b.kind == "entity"
                else _relation_words(b.key))
        statements.append(_statement(
            f"{what} is rising: {_plural(b.recent_count, 'document')} since "
            f"{report.recent_since} against {b.baseline_count} in the "
            f"{b.baseline_weeks:.0f} weeks before (rate {b.rate_ratio:.1f} times the earlier "
            f"one, p = {b.p_value:.2g}).", citations, b.documents))
    shown = {b.key for b in bursts}
    first = [f for f in report.first_seen
             if f.document_count >= EMERGING_MIN_DOCUMENTS and f.key not in shown]
    for f in first[:ITEMS_PER_SECTION]:
        statements.append(_statement(
            f"{f.name} ({LABEL_WORD.get(f.label, f.label.lower())}) is named for the first "
            f"time on {f.first_seen}, and in {_plural(f.document_count, 'document')} of the "
            "window.", citations, _first_and_newest(f.documents)))
    return Section("emerging", "What is emerging", _keep(statements),
                   empty="Nothing rises or appears for the first time in this window.")


def _relation_words(key: str) -> str:
    """"The route A to B by sea" for a relation key "TYPE|source|target|mode"."""
    type_, source, target, mode = (key.split("|") + ["", "", "", ""])[:4]
    by = f" by {mode}" if mode and mode != "unknown" else ""
    if type_ == ROUTE:
        return f"The route {entity_name(source)} to {entity_name(target)}{by}"
    verb = type_.lower().replace("_", " ")
    return f"The link {entity_name(source)} {verb} {entity_name(target)}"


def _routes(report: TrendsReport, citations: _Citations) -> Section:
    statements: list[Statement | None] = []
    routes = [r for r in report.new_relations if r.type == ROUTE]
    for r in routes[:ITEMS_PER_SECTION]:
        modes = [m for m in r.modes if m and m != "unknown"]
        how = f"by {' and '.join(modes)}" if modes else "(mode not stated)"
        statements.append(_statement(
            f"New route: {entity_name(r.source)} to {entity_name(r.target)} {how}, first "
            f"reported on {r.first_seen}, in {_plural(r.document_count, 'document')}.",
            citations, _first_and_newest(r.documents)))
    for c in report.mode_changes[:ITEMS_PER_SECTION]:
        statements.append(_statement(
            f"Route change: {entity_name(c.source)} to {entity_name(c.target)} is reported by "
            f"{c.mode} from {c.first_seen}; earlier reports gave {', '.join(c.previous_modes)}.",
            citations, [*c.documents[:2], *c.previous_documents[:1]]))
    return Section("routes", "New routes", _keep(statements),
                   empty="No route is reported for the first time in this window.")


def _platforms(report: TrendsReport, citations: _Citations) -> Section:
    statements: list[Statement | None] = []
    for f in [f for f in report.first_seen if f.label in (PLATFORM, RECRUITER)
              ][:ITEMS_PER_SECTION]:
        statements.append(_statement(
            f"New {LABEL_WORD[f.label]}: {f.name}, first named on {f.first_seen}, in "
            f"{_plural(f.document_count, 'document')}.", citations,
            _first_and_newest(f.documents)))
    for r in [r for r in report.new_relations if r.type == RECRUITS_VIA][:ITEMS_PER_SECTION]:
        statements.append(_statement(
            f"{entity_name(r.source)} is reported recruiting through {entity_name(r.target)} "
            f"from {r.first_seen} ({_plural(r.document_count, 'document')}).", citations,
            _first_and_newest(r.documents)))
    return Section("platforms", "New platforms and recruiters", _keep(statements),
                   empty="No platform or recruiter is named for the first time in this window.")


def _themes(report: TrendsReport, citations: _Citations) -> Section:
    statements: list[Statement | None] = []
    for theme in report.themes[:ITEMS_PER_SECTION]:
        peak = max(theme.months, key=lambda m: (m[1], m[0]))[0] if theme.months else ""
        statements.append(_statement(
            f"Theme {theme.number}: {', '.join(theme.terms[:5])}; "
            f"{_plural(theme.size, 'document')}"
            f"{f' of a sample of {theme.clustered:,}' if theme.sampled else ''}, most in {peak}.",
            citations,
            [SourceDocument(id=d.id, title=d.title, date=d.date, url=d.url, source=d.source)
             for d in theme.documents[:2]]))
    return Section("themes", "Main themes", _keep(statements),
                   empty="Too few documents (or no stored texts) to find themes.")


def _key_documents(report: TrendsReport, citations: _Citations) -> Section:
    """The documents behind the most emerging items, newest first among equals."""
    weight: Counter = Counter()
    docs: dict[str, SourceDocument] = {}
    groups = [b.documents for b in report.bursts] + [f.documents for f in report.first_seen
                                                     if f.document_count >= 2]
    groups += [r.documents for r in report.new_relations]
    for group in groups:
        for doc in group:
            weight[doc.id] += 1
            docs.setdefault(doc.id, doc)
    ranked = sorted(docs.values(), key=lambda d: (-weight[d.id], _negated(d.date), d.id))
    statements = [
        _statement(f"{d.date}, {' '.join(d.source.split()) or 'unknown publisher'}: "
                   f"{' '.join(d.title.split()) or '(untitled)'}.", citations, [d])
        for d in ranked[:KEY_DOCUMENTS]]
    return Section("key_documents", "Key documents", _keep(statements),
                   empty="No document stands behind an emerging item.")


def _negated(day: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in day)


# -- charts ------------------------------------------------------------------
def _charts(report: TrendsReport, docs: Sequence[DocumentSummary]) -> tuple[Chart, ...]:
    counts = report.counts
    over_time = Chart(
        key="counts-over-time", title="Relevant documents and entity mentions per week",
        kind="line", categories=counts.weeks,
        series=(ChartSeries("relevant documents", counts.documents.weekly),
                *(ChartSeries(LABEL_WORDS.get(s.key, s.key), s.weekly)
                  for s in counts.by_label)),
        y_label="documents")
    named = Counter(k for d in docs for k in d.entities)
    top = sorted(named.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_ENTITIES_CHARTED]
    top_entities = Chart(
        key="top-entities", title="Most named entities in the window", kind="barh",
        categories=tuple(f"{entity_name(k)} ({LABEL_WORD.get(split_key(k)[0], '')})"
                         for k, _ in top),
        series=(ChartSeries("documents", tuple(n for _, n in top)),), y_label="documents")
    charts = [over_time, top_entities] if top else [over_time]
    return tuple(c for c in charts if any(any(s.values) for s in c.series))


# -- the briefing --------------------------------------------------------------
def briefing_window(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """Validated window ends: a date that is not one, or since after until, is a ConfigError."""
    start, end = parse_day(since, "--since"), parse_day(until, "--until")
    if start and end and start > end:
        raise ConfigError(f"--since {since} is after --until {until}")
    return (start.isoformat() if start else None, end.isoformat() if end else None)


def build_briefing(graph: GraphStore, documents=None, since: str | None = None,
                   until: str | None = None, *, title: str = "Situation briefing",
                   settings: TrendSettings | None = None, generated: str | None = None
                   ) -> Briefing:
    """The briefing for relevant documents published in [since, until];
    ``documents`` (an ``ingest.store.DocumentStore``) lets it find themes."""
    since, until = briefing_window(since, until)
    report = trends_report(graph, documents, since, until, settings=settings)
    docs = read_relevant_documents(graph, report.since, report.until)
    # Counted, not read: the window's edges with their evidence took 5.5 s at 100k.
    co_occurrences = graph.edge_count((CO_OCCURS,), report.since, report.until)
    reported = graph.edge_count(None, report.since, report.until) - co_occurrences
    citations = _Citations()
    sections = (
        _headline(docs, reported, co_occurrences, report.since, report.until, citations),
        _emerging(report, citations),
        _routes(report, citations),
        _platforms(report, citations),
        _themes(report, citations),
        _key_documents(report, citations),
    )
    return Briefing(
        title=" ".join(title.split()) or "Situation briefing",
        subtitle=f"Current and emerging trends, {report.since} to {report.until}",
        since=report.since, until=report.until,
        generated=generated or date.today().isoformat(),
        relevant_documents=len(docs), sections=sections, citations=citations.all(),
        charts=_charts(report, docs), notes=report.notes)
