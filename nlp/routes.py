"""ROUTE relations from sentence structure (pure functions over a Doc).

A sentence that moves people ("trafficked", "flew", "driven", "ferried")
is split into legs at "then"; in each leg a place's role comes from the
words before it: "from" makes an origin, "to"/"into"/"bound for" a
destination, "via"/"through"/"across" a place passed through. Legs whose
origin is unnamed take the previous leg's destination when that leg was
stated just before; summary routes (A to C) that stated legs (A to B, B to C)
already cover are dropped. Returns, repatriations, rescues and escapes are
not routes (TAXONOMY.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from spacy.tokens import Doc, Span

ORIGIN, DESTINATION, VIA = "origin", "destination", "via"
SCAN_WINDOW = 8
# Words a role scan may pass over between its marker and the place.
PASS_OVER = {
    "in",
    "at",
    "near",
    "around",
    "of",
    "the",
    "a",
    "an",
    "outside",
    "province",
    "district",
}


@dataclass(frozen=True)
class RouteRules:
    triggers: tuple[str, ...]
    blockers: tuple[str, ...]
    goods: frozenset[str]
    officials: frozenset[str]
    people: frozenset[str]
    origin_verbs: frozenset[str]
    destination_markers: frozenset[str]
    destination_bound: frozenset[str]
    via_markers: frozenset[str]
    mode_strong: dict[str, frozenset[str]]
    mode_weak: dict[str, frozenset[str]]
    river_words: frozenset[str]

    @classmethod
    def from_lexicon(cls, lex: dict[str, Any]) -> RouteRules:
        return cls(
            triggers=tuple(lex["route_triggers"]),
            blockers=tuple(lex["route_blockers"]),
            goods=frozenset(lex["route_goods"]),
            officials=frozenset(lex["route_officials"]),
            people=frozenset(lex["route_people"]),
            origin_verbs=frozenset(lex["origin_verbs"]),
            destination_markers=frozenset(lex["destination_markers"]),
            destination_bound=frozenset(lex["destination_bound"]),
            via_markers=frozenset(w for w in lex["via_markers"] if " " not in w),
            mode_strong={k: frozenset(v) for k, v in lex["mode_strong"].items()},
            mode_weak={k: frozenset(v) for k, v in lex["mode_weak"].items()},
            river_words=frozenset(lex["river_words"]),
        )


@dataclass(frozen=True)
class Route:
    origin: str
    destination: str
    via: tuple[str, ...]
    mode: str
    sentence: int


@dataclass(frozen=True)
class Tokens:
    """Per-token values read once per document (token access from Python is slow)."""

    lower: list[str]
    tag: list[str]
    punct: list[bool]

    @classmethod
    def of(cls, doc: Doc) -> Tokens:
        lower, tag, punct = [], [], []
        for token in doc:
            lower.append(token.lower_)
            tag.append(token.tag_)
            punct.append(token.is_punct and token.text not in ("-", "'"))
        return cls(lower, tag, punct)


def _role(place: Span, leg_start: int, tokens: Tokens, rules: RouteRules) -> str | None:
    """The role the words just before ``place`` give it within its leg."""
    lower, tag = tokens.lower, tokens.tag
    i = place.start - 1
    stop = max(leg_start, place.start - SCAN_WINDOW)
    passed_in = False
    while i >= stop:
        word = lower[i]
        if word == "from" or (word == "of" and i > 0 and lower[i - 1] == "out"):
            return ORIGIN
        if word in rules.destination_markers:
            # "to work in X": an infinitive, not a destination.
            if word == "to" and i + 1 < len(tag) and tag[i + 1] == "VB":
                return None
            return DESTINATION
        if word == "for" and i > 0 and lower[i - 1] in rules.destination_bound:
            return DESTINATION
        if word in rules.via_markers:
            return VIA
        if passed_in and word in rules.origin_verbs:
            return ORIGIN
        if word == "up" and passed_in:
            i -= 1
            continue
        if tokens.punct[i] or tag[i].startswith("VB"):
            return None
        if word in ("in", "at"):
            passed_in = True
        i -= 1
    return None


def _legs(sentence: Span, tokens: Tokens) -> list[tuple[int, int]]:
    """Token ranges of the sentence split at "then" and semicolons."""
    legs: list[tuple[int, int]] = []
    start = sentence.start
    for i in range(sentence.start, sentence.end):
        if tokens.lower[i] in ("then", ";"):
            if i > start:
                legs.append((start, i))
            start = i + 1
    if start < sentence.end:
        legs.append((start, sentence.end))
    return legs


def _mode(words: list[str], via: tuple[str, ...], rules: RouteRules) -> str:
    """Mode from the first telling word, strong ones (flew, boat, road) before weak (border)."""
    text = " " + " ".join(words) + " "
    river = any(w in rules.river_words for w in words) or any("River" in v for v in via)
    for table in (rules.mode_strong, rules.mode_weak):
        first: tuple[int, str] | None = None
        for mode, vocabulary in table.items():
            for term in vocabulary:
                at = text.find(f" {term} ")
                if at >= 0 and (first is None or at < first[0]):
                    first = (at, mode)
        if first is not None:
            return "land" if first[1] == "sea" and river else first[1]
    return "unknown"


def sentence_routes(
    sentence: Span,
    index: int,
    places: list[Span],
    context: list[str],
    tokens: Tokens,
    rules: RouteRules,
) -> list[Route]:
    """Route legs stated in one sentence; ``context`` is the words of the sentences before it."""
    words = tokens.lower[sentence.start : sentence.end]
    text = " ".join(words)
    if any(w.startswith(rules.blockers) for w in words) or "sent home" in text:
        return []
    routes: list[Route] = []
    for start, end in _legs(sentence, tokens):
        leg_words = tokens.lower[start:end]
        if not any(w.startswith(rules.triggers) for w in leg_words):
            continue
        if any(w in rules.goods for w in leg_words):
            continue
        if any(w in rules.officials for w in leg_words) and not any(
            w in rules.people for w in leg_words
        ):
            continue
        origins: list[tuple[int, str]] = []
        destinations: list[tuple[int, str]] = []
        via: list[str] = []
        for place in places:
            if place.start < start or place.end > end:
                continue
            role = _role(place, start, tokens, rules)
            if role == ORIGIN:
                origins.append((place.start, place.kb_id_))
            elif role == DESTINATION:
                destinations.append((place.start, place.kb_id_))
            elif role == VIA and place.kb_id_ not in via:
                via.append(place.kb_id_)
        if not destinations:
            continue
        dest_at, destination = destinations[0]
        before = [name for at, name in origins if at < dest_at]
        origin = before[-1] if before else (origins[0][1] if origins else "")
        if origin == destination:
            continue
        via_names = tuple(v for v in via if v not in (origin, destination))
        mode = _mode(leg_words, via_names, rules)
        if mode == "unknown" and context:
            mode = _mode(context, via_names, rules)
        routes.append(Route(origin, destination, via_names, mode, index))
    return routes


def document_routes(
    doc: Doc, sentences: list[Span], places_by_sentence: list[list[Span]], rules: RouteRules
) -> list[Route]:
    """All route legs of a document, with unnamed origins chained and summaries dropped."""
    found: list[Route] = []
    if not any(places_by_sentence):
        return found
    tokens = Tokens.of(doc)
    for index, sentence in enumerate(sentences):
        if not places_by_sentence[index]:
            continue
        context = tokens.lower[sentences[max(0, index - 2)].start : sentence.start]
        found.extend(
            sentence_routes(sentence, index, places_by_sentence[index], context, tokens, rules)
        )
    chained: list[Route] = []
    for route in found:
        last = chained[-1] if chained else None
        if (
            not route.origin
            and last is not None
            and route.sentence - last.sentence <= 1
            and last.destination != route.destination
        ):
            route = replace(route, origin=last.destination)
        chained.append(route)
    pairs = {(r.origin, r.destination) for r in chained}
    kept = []
    for route in chained:
        covered = any(
            (route.origin, middle) in pairs and (middle, route.destination) in pairs
            for _, middle in pairs
            if middle not in (route.origin, route.destination)
        )
        if route.origin and covered:
            continue
        kept.append(route)
    return kept
