"""The rules a ``GraphBatch`` obeys before any backend writes it.

Both backends call ``normalise_batch`` first and then write the result
verbatim, so what ends up in the graph does not depend on the backend:

* A batch is self-contained per document: it carries the whole contribution
  of every document in ``batch.documents``. A mention or evidence row whose
  document has no ``DocumentRow`` in the same batch is an error.
* Rows of documents with ``relevant=False`` are dropped: off-topic documents
  are stored as documents and nothing else.
* Mention rows with the same (doc_id, entity) add up; rows with a count
  below 1 are dropped.
* CO_OCCURS is undirected: its ends are swapped so that ``source < target``.
  Self-loops (source == target) are dropped.
* An edge end with an empty name (``"LOCATION:"``) is not a node. A ROUTE
  with such an end is moved to ``extra["open_routes"]`` (kept countable, not
  an edge); any other relation with an unnamed end is dropped. Mentions of an
  unnamed entity are dropped.
* Evidence rows are unique per (type, source, target, mode, doc_id,
  sentence_index); duplicates merge, their ``via`` names united in order.
* Every entity referenced by a mention or an evidence row gets an
  ``EntityRow`` (label and name taken from its key) if the batch has none;
  entity rows with the same key merge (aliases united, first coordinates).
* Aliases (``merged_aliases``) are whitespace-collapsed, differ from the name
  and from each other after casefolding (of variants the smallest string
  stays), and are sorted.
* Everything is sorted, so equal batches give equal writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from graph.model import DocumentRow, EntityRow, EvidenceRow, GraphBatch, MentionRow
from ingest.errors import StoreError
from nlp.taxonomy import CO_OCCURS, ROUTE

OPEN_ROUTES = "open_routes"  # key in GraphBatch.extra


def split_key(key: str) -> tuple[str, str]:
    """(label, name) of an entity key ``LABEL:name``."""
    label, sep, name = key.partition(":")
    if not sep or not label:
        raise StoreError(f"entity key {key!r}: expected 'LABEL:name'")
    return label, name


def is_named(key: str) -> bool:
    return bool(split_key(key)[1].strip())


def fold(text: str) -> str:
    """Text as both backends match it (names, aliases, titles, queries): casefolded,
    whitespace runs collapsed to one space."""
    return " ".join(text.casefold().split())


def merged_aliases(name: str, *groups: Iterable[str]) -> tuple[str, ...]:
    """The aliases of an entity called ``name`` from several sources, one per
    casefolded spelling (the smallest string of its variants), sorted."""
    by_fold: dict[str, str] = {}
    for alias in (a for group in groups for a in group):
        alias = " ".join(alias.split())
        folded = alias.casefold()
        if alias and folded != name.casefold():
            by_fold[folded] = min(alias, by_fold.get(folded, alias))
    return tuple(sorted(by_fold.values()))


def evidence_key(row: EvidenceRow) -> tuple:
    return (row.type, row.source, row.target, row.mode, row.doc_id, row.sentence_index)


def _united(first: Iterable[str], second: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*first, *second]))


def _merge_evidence(rows: Iterable[EvidenceRow]) -> tuple[EvidenceRow, ...]:
    merged: dict[tuple, EvidenceRow] = {}
    for row in rows:
        key = evidence_key(row)
        if key in merged:
            via = _united(merged[key].via, row.via)
            if via != merged[key].via:
                merged[key] = replace(merged[key], via=via)
        else:
            merged[key] = row
    return tuple(merged[k] for k in sorted(merged))


def _oriented(row: EvidenceRow) -> EvidenceRow:
    if row.type == CO_OCCURS and row.source > row.target:
        return replace(row, source=row.target, target=row.source)
    return row


def normalise_batch(batch: GraphBatch) -> GraphBatch:
    """The batch as both backends write it (see the module docstring)."""
    documents: dict[str, DocumentRow] = {}
    for doc in batch.documents:
        documents[doc.id] = doc  # the last row for an id wins
    relevant = {doc_id for doc_id, doc in documents.items() if doc.relevant}

    def keep(row: MentionRow | EvidenceRow) -> bool:
        if row.doc_id not in documents:
            what = (f"mention of {row.entity!r}" if isinstance(row, MentionRow)
                    else f"{row.type} evidence {row.source!r} -> {row.target!r}")
            raise StoreError(f"graph batch: {what} for document {row.doc_id!r} has no "
                             "DocumentRow in the batch")
        return row.doc_id in relevant

    counts: dict[tuple[str, str], int] = {}
    dates: dict[tuple[str, str], str] = {}
    for m in batch.mentions:
        if not keep(m) or m.count < 1 or not is_named(m.entity):
            continue
        counts[(m.doc_id, m.entity)] = counts.get((m.doc_id, m.entity), 0) + m.count
        dates.setdefault((m.doc_id, m.entity), m.date)
    mentions = tuple(
        MentionRow(doc_id=d, entity=e, count=counts[(d, e)], date=dates[(d, e)])
        for d, e in sorted(counts)
    )

    edges: list[EvidenceRow] = []
    open_routes: list[EvidenceRow] = list(batch.extra.get(OPEN_ROUTES, ()))
    for row in batch.evidence:
        if not keep(row):
            continue
        if not isinstance(row.via, tuple):
            row = replace(row, via=tuple(row.via))
        row = _oriented(row)
        if row.source == row.target:
            continue
        if not (is_named(row.source) and is_named(row.target)):
            if row.type == ROUTE:
                open_routes.append(row)
            continue
        edges.append(row)
    evidence = _merge_evidence(edges)
    open_evidence = _merge_evidence(r for r in open_routes if r.doc_id in relevant)

    entities: dict[str, EntityRow] = {}
    for row in batch.entities:
        if not is_named(row.key):
            continue
        old = entities.get(row.key)
        if old is None:
            entities[row.key] = replace(row, aliases=tuple(row.aliases))
        else:
            entities[row.key] = replace(
                old,
                lat=old.lat if old.lat is not None else row.lat,
                lon=old.lon if old.lon is not None else row.lon,
                aliases=_united(old.aliases, row.aliases),
            )
    referenced = {m.entity for m in mentions}
    referenced.update(k for row in evidence for k in (row.source, row.target))
    for key in referenced - entities.keys():
        label, name = split_key(key)
        entities[key] = EntityRow(key=key, label=label, name=name)
    entity_rows = []
    for key in sorted(entities):
        row = entities[key]
        aliases = merged_aliases(row.name, row.aliases)
        entity_rows.append(row if aliases == row.aliases else replace(row, aliases=aliases))


    extra = dict(batch.extra)
    extra[OPEN_ROUTES] = open_evidence
    return GraphBatch(
        documents=tuple(documents[k] for k in sorted(documents)),
        entities=tuple(entity_rows),
        mentions=mentions,
        evidence=evidence,
        high_water_mark=batch.high_water_mark,
        extra=extra,
        writer=batch.writer,
    )


# -- keeping derived figures by deltas ------------------------------------------------
@dataclass(frozen=True)
class Figures:
    """What rows add up to on an entity or an edge: a count (mentions, or evidence rows for
    an edge), documents (entities only), first and last date ('' when none) and via names."""

    count: int = 0
    documents: int = 0
    first: str = ""
    last: str = ""
    via: frozenset[str] = frozenset()


NO_FIGURES = Figures()


def _earliest(*dates: str) -> str:
    return min((d for d in dates if d), default="")


def _latest(*dates: str) -> str:
    return max((d for d in dates if d), default="")


def updated_figures(stored: Figures, taken: Figures | None, added: Figures | None
                    ) -> Figures | None:
    """The figures after one batch took ``taken`` away and added ``added``, worked out
    without reading the other rows; None when that cannot be done and the figures must be
    recomputed from all rows.

    Adding is always a delta, which keeps a hub's upkeep proportional to the batch. Taking
    away is a delta only when the rows taken were not what set the first or last date and
    their via names come back with the added rows: otherwise another row's value is needed.
    """
    taken = taken or NO_FIGURES
    added = added or NO_FIGURES
    if taken.count:
        if not stored.first < taken.first or not taken.last < stored.last:
            return None
        if not taken.via <= added.via:
            return None
    count = stored.count - taken.count + added.count
    if count <= 0:
        return NO_FIGURES
    return Figures(
        count=count,
        documents=stored.documents - taken.documents + added.documents,
        first=_earliest(stored.first, added.first),
        last=_latest(stored.last, added.last),
        via=stored.via | added.via,
    )
