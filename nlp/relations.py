"""Relations between the canonical mentions of one Doc (pure functions).

Every relation is tied to the sentence that states it. CO_OCCURS joins every
pair of distinct entities named in one sentence; the typed relations
(RECRUITS_VIA, OPERATES_IN, LOCATED_IN, INVOLVES) are read from sentences
where both ends are named; ROUTE comes from ``nlp.routes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from spacy.tokens import Doc, Span

from nlp.records import entity_key
from nlp.routes import RouteRules, document_routes
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

# Words allowed between "KK Park" and "Myanmar" in "KK Park, near Myawaddy in Myanmar".
LOCATED_GAP = {",", "in", "near", "outside", "of", "the", "'s", "’s", "province", "district", "on"}
INVOLVING_LABELS = (RECRUITER, PERSON, PLATFORM)
# A relation as plain values: (type, source key, target key, sentence, mode, via).
RelationRow = tuple[str, str, str, int, str, tuple[str, ...]]


@dataclass(frozen=True)
class RelationRules:
    routes: RouteRules
    countries: frozenset[str]
    operates_words: tuple[str, ...]


def _sentence_index(sentences: list[Span], mentions: list[Span]) -> list[list[Span]]:
    starts = [s.start for s in sentences]
    grouped: list[list[Span]] = [[] for _ in sentences]
    position = 0
    for mention in mentions:
        while position + 1 < len(starts) and starts[position + 1] <= mention.start:
            position += 1
        if position >= len(starts) or mention.start < starts[0]:
            continue
        grouped[position].append(mention)
    return grouped


def _is_region(name: str, rules: RelationRules) -> bool:
    return name in rules.countries or name.endswith((" State", " Region", " Province"))


def _is_larger(place: str, other: str, gap: list[str], rules: RelationRules) -> bool:
    """Whether ``other`` contains ``place`` given the words between them."""
    if _is_region(other, rules) and place not in rules.countries:
        return True
    return gap[-1] == "near" and not _is_region(place, rules)


def located_in(mentions: list[Span], rules: RelationRules) -> list[tuple[str, str]]:
    """(place, larger place): "Myawaddy, Myanmar", "KK Park, near Myawaddy"."""
    doc_places = [m for m in mentions if m.label_ == LOCATION]
    pairs: list[tuple[str, str]] = []
    for first, second in zip(doc_places, doc_places[1:], strict=False):
        if first.kb_id_ == second.kb_id_ or second.start < first.end:
            continue
        gap = [t.lower_ for t in first.doc[first.end : second.start]]
        if len(gap) > 4 or any(w not in LOCATED_GAP for w in gap):
            continue
        if gap and gap[0] in ("'s", "’s") and _is_region(first.kb_id_, rules):
            pairs.append((second.kb_id_, first.kb_id_))
        elif gap and _is_larger(first.kb_id_, second.kb_id_, gap, rules):
            pairs.append((first.kb_id_, second.kb_id_))
    return pairs


def document_relations(doc: Doc, mentions: list[Span], rules: RelationRules) -> list[RelationRow]:
    """All relations of one document as plain rows (see ``RelationRow``)."""
    sentences = list(doc.sents)
    grouped = _sentence_index(sentences, mentions)
    rows: list[RelationRow] = []
    seen: set[RelationRow] = set()

    def add(row: RelationRow) -> None:
        if row not in seen:
            seen.add(row)
            rows.append(row)

    for index, in_sentence in enumerate(grouped):
        keys = sorted({entity_key(m.label_, m.kb_id_) for m in in_sentence})
        for source, target in combinations(keys, 2):
            add((CO_OCCURS, source, target, index, "", ()))
        by_label: dict[str, list[str]] = {}
        for m in in_sentence:
            names = by_label.setdefault(m.label_, [])
            if m.kb_id_ not in names:
                names.append(m.kb_id_)
        for recruiter in by_label.get(RECRUITER, []):
            for platform in by_label.get(PLATFORM, []):
                add(
                    (
                        RECRUITS_VIA,
                        entity_key(RECRUITER, recruiter),
                        entity_key(PLATFORM, platform),
                        index,
                        "",
                        (),
                    )
                )
        sentence_text = sentences[index].text.lower()
        operates = any(w in sentence_text for w in rules.operates_words)
        for label in (RECRUITER, ORG):
            if label == ORG and not operates:
                continue
            for party in by_label.get(label, []):
                for place in by_label.get(LOCATION, []):
                    add(
                        (
                            OPERATES_IN,
                            entity_key(label, party),
                            entity_key(LOCATION, place),
                            index,
                            "",
                            (),
                        )
                    )
        for place, larger in located_in(in_sentence, rules):
            add(
                (
                    LOCATED_IN,
                    entity_key(LOCATION, place),
                    entity_key(LOCATION, larger),
                    index,
                    "",
                    (),
                )
            )
        for label in INVOLVING_LABELS:
            for name in by_label.get(label, []):
                for crime in by_label.get(CRIME, []):
                    add(
                        (INVOLVES, entity_key(label, name), entity_key(CRIME, crime), index, "", ())
                    )
    places = [[m for m in group if m.label_ == LOCATION] for group in grouped]
    # "from Myawaddy, Myanmar" said elsewhere: a journey between a place and the place that
    # contains it is a misread location, not a movement.
    containing = {pair for group in grouped for pair in located_in(group, rules)}
    for route in document_routes(doc, sentences, places, rules.routes):
        ends = (route.origin, route.destination)
        if ends in containing or ends[::-1] in containing:
            continue
        add(
            (
                ROUTE,
                entity_key(LOCATION, route.origin),
                entity_key(LOCATION, route.destination),
                route.sentence,
                route.mode,
                route.via,
            )
        )
    return rows
