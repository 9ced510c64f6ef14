"""FollowTheMoney entity streams (JSON lines), for Aleph and the ``ftm`` tools.

How the taxonomy maps onto the FollowTheMoney 4 model:

* LOCATION -> ``Address`` (``full`` and ``name`` the canonical name, ``country``
  when the name is a country, coordinates when known);
* ORG -> ``Organization``; RECRUITER -> ``Organization`` with the topic
  ``crime.traffick`` and a note saying what the label means; PLATFORM ->
  ``Organization`` classified as an online platform; PERSON -> ``Person``;
* CRIME has no FollowTheMoney schema (it is a closed list of crime types, not
  a thing): each crime becomes ``keywords`` and ``topics`` of the entities
  that INVOLVE it and of the articles naming it, and every INVOLVES relation a
  ``Note`` on its entity carrying the evidence. Relations between two crimes
  or a crime and anything else than INVOLVES have no holder and are skipped;
* documents -> ``Article``; an entity named in an exported document -> a
  ``Mention`` (``resolved`` to the entity where the model allows a legal
  entity there);
* every other relation -> ``UnknownLink`` (subject -> object), ``role`` the
  relation (a route's mode and via), ``startDate``/``endDate`` first and last
  seen, the evidence sentences with their titles, dates and links in
  ``description``, a short ``summary``, the articles in ``proof`` and their
  links in ``sourceUrl``. Co-occurrence in a sentence is not an association,
  so no ``Associate`` edges are claimed.

Ids are ``make_id("scamtrace", kind, identity)``: the same graph gives the same
ids every time, so a re-import into Aleph updates rather than duplicates.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pycountry
from followthemoney import model
from followthemoney.proxy import EntityProxy

from graph.export.collect import ExportGraph, edge_id
from graph.model import Edge, EntityNode, Evidence
from nlp.taxonomy import (
    CO_OCCURS,
    CRIME,
    INVOLVES,
    LOCATED_IN,
    LOCATION,
    OPERATES_IN,
    ORG,
    PERSON,
    PLATFORM,
    RECRUITER,
    RECRUITS_VIA,
    ROUTE,
)

log = logging.getLogger(__name__)

SUFFIX = ".ftm.json"
NAMESPACE = "scamtrace"

SCHEMA_OF_LABEL: dict[str, str] = {
    LOCATION: "Address",
    ORG: "Organization",
    RECRUITER: "Organization",
    PLATFORM: "Organization",
    PERSON: "Person",
}
LABEL_NOTES: dict[str, str] = {
    RECRUITER: "scamtrace label RECRUITER: a party the sources name as recruiting, "
               "trafficking, smuggling or exploiting people (agency, broker, company or "
               "armed group running compounds).",
    PLATFORM: "scamtrace label PLATFORM: an online platform, app or payment channel the "
              "sources name as used to recruit, deceive, pay or launder.",
}
LABEL_TOPICS: dict[str, tuple[str, ...]] = {RECRUITER: ("crime.traffick",)}
PLATFORM_CLASSIFICATION = "online platform"
# UnknownLink roles, read "subject <role> object".
ROLE_OF_TYPE: dict[str, str] = {
    CO_OCCURS: "named in the same sentence as",
    RECRUITS_VIA: "recruits via",
    OPERATES_IN: "operates in",
    LOCATED_IN: "located in",
    ROUTE: "route of people to",
}

# FollowTheMoney topics for the closed CRIME list (nlp.taxonomy.CRIME_TYPES).
CRIME_TOPICS: dict[str, tuple[str, ...]] = {
    "trafficking in persons": ("crime.traffick.human",),
    "people smuggling": ("crime.traffick",),
    "forced criminality": ("crime.traffick.human",),
    "online scam": ("crime.fraud", "crime.cyber"),
    "romance scam": ("crime.fraud",),
    "investment fraud": ("crime.fraud",),
    "pig butchering": ("crime.fraud", "crime.cyber"),
    "forced labour": ("crime.traffick.human",),
    "money laundering": ("crime.fin",),
    "sexual exploitation": ("crime.traffick.human",),
    "debt bondage": ("crime.traffick.human",),
    "illegal recruitment": ("crime",),
    "cyber fraud": ("crime.cyber", "crime.fraud"),
    "illegal gambling": ("crime",),
    "kidnapping": ("crime",),
    "extortion": ("crime",),
}


@functools.cache
def _country_codes() -> dict[str, str]:
    """Country names (short, common, official; casefolded) -> ISO code. pycountry rather
    than the FollowTheMoney registry, whose first lookup takes seconds."""
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name:
                codes.setdefault(name.casefold(), country.alpha_2.lower())
    return codes


def _proxy(schema: str, *identity: str) -> EntityProxy:
    proxy = model.make_entity(schema)
    proxy.make_id(NAMESPACE, *identity)
    return proxy


def _name_of(key: str) -> str:
    return key.split(":", 1)[1]


def _label_of(key: str) -> str:
    return key.split(":", 1)[0]


def entity_id(key: str) -> str:
    return _proxy("Thing", "entity", key).id  # type: ignore[return-value]


def document_id(doc_id: str) -> str:
    return _proxy("Article", "document", doc_id).id  # type: ignore[return-value]


def _role(edge: Edge) -> str:
    role = ROLE_OF_TYPE.get(edge.type, edge.type.lower())
    if edge.type == ROUTE:
        role += f" ({edge.mode or 'unknown'}{', via ' + ', '.join(edge.via) if edge.via else ''})"
    return role


def _evidence_text(evidence: tuple[Evidence, ...]) -> str:
    lines = []
    for item in evidence:
        cited = " | ".join(x for x in (item.date, item.source, item.title, item.url) if x)
        lines.append(f"\u201c{item.sentence}\u201d ({cited})")
    return "\n\n".join(lines)


def _add_evidence(proxy: EntityProxy, edge: Edge) -> None:
    proxy.add("summary", f"{edge.type}: {edge.weight} piece(s) of evidence, "
                         f"{edge.first_seen} to {edge.last_seen} (scamtrace)")
    proxy.add("description", _evidence_text(edge.evidence))
    for item in edge.evidence:
        proxy.add("proof", document_id(item.doc_id))
        proxy.add("sourceUrl", item.url or None)
        proxy.add("publisher", item.source or None)


def _entity(node: EntityNode, crimes: set[str]) -> EntityProxy:
    proxy = _proxy(SCHEMA_OF_LABEL[node.label], "entity", node.key)
    proxy.add("name", node.name)
    proxy.add("alias", list(node.aliases))
    proxy.add("keywords", node.label)
    proxy.add("notes", f"Mentioned {node.mentions} time(s) in {node.documents} document(s), "
                       f"first {node.first_seen or '-'}, last {node.last_seen or '-'} (scamtrace).")
    proxy.add("notes", LABEL_NOTES.get(node.label))
    proxy.add("topics", list(LABEL_TOPICS.get(node.label, ())))
    for crime in sorted(crimes):
        proxy.add("keywords", crime)
        proxy.add("topics", list(CRIME_TOPICS.get(crime, ())))
    if node.label == LOCATION:
        proxy.add("full", node.name)
        proxy.add("country", _country_codes().get(node.name.casefold()))
        if node.lat is not None and node.lon is not None:
            proxy.add("latitude", node.lat)
            proxy.add("longitude", node.lon)
    if node.label == PLATFORM:
        proxy.add("classification", PLATFORM_CLASSIFICATION)
    return proxy


def entities(graph: ExportGraph) -> Iterator[EntityProxy]:
    """Every FollowTheMoney entity of the export: entities, articles, mentions, links, notes."""
    nodes = {n.key: n for n in graph.nodes if n.label in SCHEMA_OF_LABEL}
    crimes_of: dict[str, set[str]] = {key: set() for key in nodes}
    involves = {edge_id(e): e for e in graph.edges
                if e.type == INVOLVES and e.source in nodes and _label_of(e.target) == CRIME}
    for edge in involves.values():
        crimes_of[edge.source].add(_name_of(edge.target))
    for key, node in nodes.items():
        yield _entity(node, crimes_of[key])

    # Articles: every exported document, and every document cited as evidence.
    articles: dict[str, EntityProxy] = {}

    def article(doc_id: str) -> EntityProxy:
        if doc_id not in articles:
            articles[doc_id] = _proxy("Article", "document", doc_id)
        return articles[doc_id]

    for document in graph.documents:
        proxy = article(document.id)
        proxy.add("title", document.title)
        proxy.add("publishedAt", document.published)
        proxy.add("sourceUrl", document.url or None)
        proxy.add("publisher", document.source or None)
        proxy.add("language", document.language)
        for key in document.entities:
            label, name = _label_of(key), _name_of(key)
            if label == CRIME:
                proxy.add("keywords", name)
                proxy.add("topics", list(CRIME_TOPICS.get(name, ())))
            elif label == PERSON:
                proxy.add("peopleMentioned", name)
            elif label == LOCATION:
                proxy.add("locationMentioned", name)
            else:
                proxy.add("companiesMentioned", name)
    for edge in graph.edges:
        for item in edge.evidence:
            proxy = article(item.doc_id)
            if not proxy.has("title"):
                proxy.add("title", item.title or None)
                proxy.add("publishedAt", item.date)
                proxy.add("sourceUrl", item.url or None)
                proxy.add("publisher", item.source or None)
    yield from articles.values()

    for document in graph.documents:
        for key in document.entities:
            if key not in nodes:
                continue
            mention = _proxy("Mention", "mention", document.id, key)
            mention.add("document", document_id(document.id))
            mention.add("name", nodes[key].name)
            schema = model.get(SCHEMA_OF_LABEL[nodes[key].label])
            mention.add("detectedSchema", schema.name)
            if schema.is_a("LegalEntity"):
                mention.add("resolved", entity_id(key))
            yield mention

    skipped = 0
    for edge in graph.edges:
        if edge_id(edge) in involves:
            note = _proxy("Note", "involves", edge_id(edge))
            crime = _name_of(edge.target)
            note.add("entity", entity_id(edge.source))
            note.add("name", f"{nodes[edge.source].name}: {crime}")
            note.add("keywords", crime)
            note.add("topics", list(CRIME_TOPICS.get(crime, ())))
            _add_evidence(note, edge)
            yield note
        elif edge.source in nodes and edge.target in nodes:
            link = _proxy("UnknownLink", "edge", edge_id(edge))
            link.add("subject", entity_id(edge.source))
            link.add("object", entity_id(edge.target))
            link.add("role", _role(edge))
            link.add("recordId", edge_id(edge))
            link.add("startDate", edge.first_seen or None)
            link.add("endDate", edge.last_seen or None)
            _add_evidence(link, edge)
            yield link
        else:
            skipped += 1
    if skipped:
        log.info("FollowTheMoney export: %d relation(s) with a CRIME end other than INVOLVES "
                 "have no FollowTheMoney holder and were left out", skipped)


def write(graph: ExportGraph, output: Path) -> list[Path]:
    with output.open("w", encoding="utf-8") as fh:
        for proxy in entities(graph):
            fh.write(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True))
            fh.write("\n")
    return [output]
