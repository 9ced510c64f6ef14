"""Bring a graph up to date with the extraction store.

``batch_from_extractions`` turns extractions (with their documents'
metadata) into a ``GraphBatch`` and does no I/O; ``sync_graph`` reads the
extractions newer than the graph's high-water mark and upserts them in
batches, each batch moving the mark in the same transaction as its rows, so
a sync killed half way resumes without loss or duplicates.

What a document contributes:

* every document becomes a ``DocumentRow`` (off-topic ones too, with
  ``relevant=False``) and nothing else unless it is relevant;
* a relevant document's mentions become ``MentionRow`` (count per entity,
  dated by the document's ``published``) and ``EntityRow`` (aliases are the
  surface forms that differ from the canonical name; coordinates from
  ``nlp.geo.coordinates`` when that exists);
* its relations between two entities become ``EvidenceRow``, and every pair
  of distinct entities named in one sentence a CO_OCCURS row (CO_OCCURS
  relations the extractor emits itself merge with these);
* a ROUTE with an unnamed end (key ``"LOCATION:"``) is not an edge: it goes
  to ``extra["open_routes"]``, is stored aside by the embedded backend, and is
  counted in the ``SyncReport``. The named end is still counted through its
  mention.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from itertools import combinations, islice
from typing import Any

from graph.batch import OPEN_ROUTES, merged_aliases, normalise_batch
from graph.curation import Curation, curation_beside
from graph.model import DocumentRow, EntityRow, EvidenceRow, GraphBatch, GraphStore, MentionRow
from ingest.records import Document
from nlp.records import Extraction
from nlp.taxonomy import CO_OCCURS, ENTITY_LABELS, ENTITY_RELATION_TYPES, LOCATION

try:
    from nlp.geo import coordinates as _coordinates  # a gazetteer lookup, when nlp offers one
except ModuleNotFoundError as missing:
    if missing.name != "nlp.geo":
        raise  # nlp.geo exists but imports something absent: a real error
    _coordinates = None
except ImportError:  # nlp.geo without a coordinates() yet
    _coordinates = None

log = logging.getLogger(__name__)


def location_coordinates(name: str) -> tuple[float | None, float | None]:
    """(lat, lon) of a canonical LOCATION name, (None, None) when unknown."""
    found = _coordinates(name) if _coordinates is not None else None
    if not found:
        return (None, None)
    lat, lon = found
    return (float(lat), float(lon))


@dataclass(frozen=True)
class SyncReport:
    extractions: int = 0  # extractions read
    documents: int = 0  # documents written
    relevant: int = 0  # of which relevant
    missing_documents: int = 0  # extractions whose document the document store lacks
    open_routes: int = 0  # routes with an unnamed end, kept aside
    batches: int = 0
    high_water_mark: int = 0
    rebuilt: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        text = (f"{self.documents} documents ({self.relevant} relevant) from "
                f"{self.extractions} extractions in {self.batches} batches, "
                f"high-water mark {self.high_water_mark}, {self.seconds:.1f}s")
        if self.missing_documents:
            text += f"; {self.missing_documents} skipped (document missing)"
        if self.rebuilt:
            text = "rebuilt: " + text
        return text


def _is_entity_key(key: str) -> bool:
    label, sep, _ = key.partition(":")
    return bool(sep) and label in ENTITY_LABELS


def _sentence_texts(extraction: Extraction) -> dict[int, str]:
    """Sentence texts by index: the extraction's own, else those its relations quote."""
    texts = {i: r.sentence_text for r in extraction.relations
             for i in (r.sentence,) if r.sentence_text}
    texts.update(enumerate(extraction.sentences))
    return texts


def _document_rows(extraction: Extraction, doc: Document):
    """(mentions, entities, evidence) rows of one relevant document."""
    date = doc.published
    counts: dict[str, int] = defaultdict(int)
    surfaces: dict[str, list[str]] = defaultdict(list)
    names: dict[str, tuple[str, str]] = {}
    by_sentence: dict[int, set[str]] = defaultdict(set)
    for m in extraction.mentions:
        if not m.name or m.label not in ENTITY_LABELS:
            continue
        counts[m.key] += 1
        surfaces[m.key].append(m.text)
        names[m.key] = (m.label, m.name)
        by_sentence[m.sentence].add(m.key)

    mentions = [MentionRow(doc_id=doc.id, entity=k, count=n, date=date) for k, n in counts.items()]
    entities = []
    for key, (label, name) in names.items():
        lat, lon = location_coordinates(name) if label == LOCATION else (None, None)
        entities.append(EntityRow(key=key, label=label, name=name, lat=lat, lon=lon,
                                  aliases=merged_aliases(name, surfaces[key])))

    sentences = _sentence_texts(extraction)
    evidence = []
    for r in extraction.relations:
        if r.type not in ENTITY_RELATION_TYPES:
            continue  # MENTIONS are the mention rows; document -> CRIME is a mention too
        if not (_is_entity_key(r.source) and _is_entity_key(r.target)):
            continue
        evidence.append(EvidenceRow(
            type=r.type, source=r.source, target=r.target, mode=r.mode, via=tuple(r.via),
            doc_id=doc.id, sentence_index=r.sentence,
            sentence=r.sentence_text or sentences.get(r.sentence, ""), date=date))
    for index, keys in sorted(by_sentence.items()):
        for a, b in combinations(sorted(keys), 2):
            evidence.append(EvidenceRow(
                type=CO_OCCURS, source=a, target=b, mode="", via=(), doc_id=doc.id,
                sentence_index=index, sentence=sentences.get(index, ""), date=date))
    return mentions, entities, evidence


def batch_from_extractions(items: list[tuple[int, Extraction, Document]],
                           curation: Curation | None = None) -> GraphBatch:
    """The graph rows of these (seq, extraction, document) items, normalised
    (``graph.batch``); a document extracted twice counts by its latest extraction.
    The batch's high-water mark is the largest seq (None for no items).
    ``curation`` (``graph.curation``) corrects each extraction's entities first."""
    latest: dict[str, tuple[int, Extraction, Document]] = {}
    for seq, extraction, doc in sorted(items, key=lambda item: item[0]):
        latest[doc.id] = (seq, extraction, doc)
    documents, entities, mentions, evidence = [], [], [], []
    for _, extraction, doc in latest.values():
        if curation:
            extraction = curation.apply(extraction)
        documents.append(DocumentRow(
            id=doc.id, title=doc.title, url=doc.url, source=doc.source,
            published=doc.published, relevant=extraction.relevant,
            language=extraction.language or doc.language))
        if extraction.relevant:
            m, e, v = _document_rows(extraction, doc)
            mentions += m
            entities += e
            evidence += v
    return normalise_batch(GraphBatch(
        documents=tuple(documents), entities=tuple(entities), mentions=tuple(mentions),
        evidence=tuple(evidence),
        high_water_mark=max((seq for seq, _, _ in items), default=None),
    ))


def _by_id(found: Any) -> Mapping[str, Document]:
    if isinstance(found, Mapping):
        return found
    return {doc.id: doc for doc in found}


def _chunks(pairs: Iterator[tuple[int, Extraction]], size: int) -> Iterator[list]:
    while chunk := list(islice(pairs, size)):
        yield chunk


def sync_graph(
    extractions: Any,
    documents: Any,
    graph: GraphStore,
    batch_size: int = 200,
    rebuild: bool = False,
    progress: Callable[..., None] | None = None,
    curation: Curation | None = None,
    writer: str = "",
) -> SyncReport:
    """Write every extraction after the graph's high-water mark into ``graph``.

    ``extractions`` is an ``nlp.store.ExtractionStore`` (``iter_extractions``,
    ``max_seq``), ``documents`` an ``ingest.store.DocumentStore``
    (``get_many``). ``rebuild`` clears the graph first; so does an extraction
    store whose newest seq is below the graph's mark (it was rebuilt, so the
    graph's mark no longer means anything). ``progress(advance, total=,
    description=)`` is called per batch, counted in extraction seqs.
    ``curation`` defaults to the rules kept beside the extraction store
    (``graph.curation.curation_beside``), so every build applies them.

    ``writer`` names this data directory when several feed one shared graph
    (each has its own seqs, so each keeps its own mark). A named writer whose
    mark is past its newest extraction re-sends everything from the start
    instead of clearing: the graph also holds the other writers' documents,
    and writing a document again replaces its contribution. ``rebuild``
    still clears the whole shared graph; every writer's mark goes with it,
    so each re-sends its documents at its next build.
    """
    started = time.monotonic()
    if curation is None:
        curation = curation_beside(extractions)
    newest = extractions.max_seq() or 0
    mark = graph.high_water_mark(writer)
    if not rebuild and mark > newest:
        if writer:
            log.warning("writer %s: graph high-water mark %d is past the newest extraction %d: "
                        "sending every extraction again", writer, mark, newest)
            mark = 0
        else:
            log.warning("graph high-water mark %d is past the newest extraction %d: rebuilding",
                        mark, newest)
            rebuild = True
    if rebuild:
        graph.clear()
        mark = 0
    if progress is not None:
        progress(0, total=max(newest - mark, 0), description="graph")
    totals: dict[str, int] = defaultdict(int)
    pairs = extractions.iter_extractions(after_seq=mark, batch_size=batch_size)
    for chunk in _chunks(iter(pairs), batch_size):
        found = _by_id(documents.get_many(sorted({e.doc_id for _, e in chunk})))
        items = []
        for seq, extraction in chunk:
            doc = found.get(extraction.doc_id)
            if doc is None:
                log.warning("extraction %d: document %s is not in the document store; skipped",
                            seq, extraction.doc_id)
                totals["missing"] += 1
                continue
            items.append((seq, extraction, doc))
        batch = replace(batch_from_extractions(items, curation), high_water_mark=chunk[-1][0],
                        writer=writer)
        graph.upsert(batch)
        totals["extractions"] += len(chunk)
        totals["documents"] += len(batch.documents)
        totals["relevant"] += sum(d.relevant for d in batch.documents)
        totals["open_routes"] += len(batch.extra.get(OPEN_ROUTES, ()))
        totals["batches"] += 1
        if progress is not None:
            progress(chunk[-1][0] - mark, description=f"graph: seq {chunk[-1][0]}")
        mark = chunk[-1][0]
    return SyncReport(
        extractions=totals["extractions"], documents=totals["documents"],
        relevant=totals["relevant"], missing_documents=totals["missing"],
        open_routes=totals["open_routes"], batches=totals["batches"],
        high_water_mark=graph.high_water_mark(writer), rebuilt=rebuild,
        seconds=time.monotonic() - started,
    )
