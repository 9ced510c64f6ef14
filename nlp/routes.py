"""ROUTE relations from sentence structure (pure functions over a Doc).

A sentence that moves people ("trafficked", "flew", "driven", "ferried") is
split into legs ("then", "before", ", and drove ..."); in each leg a place's
role comes from the words before it: "from" makes an origin, "to"/"into"/
"bound for" a destination, "via"/"through"/"across" a place passed through,
and places listed together ("from China, Indonesia and Vietnam") share a
role. A leg whose origin is unnamed starts where the previous leg ended when
that leg was stated in the same or the previous sentence; summary routes
(A to C) that stated legs (A to B, B to C) already cover are dropped.
Returns, repatriations, rescues and escapes are not routes (TAXONOMY.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from spacy.tokens import Doc, Span

ORIGIN, DESTINATION, VIA = "origin", "destination", "via"
SCAN_WINDOW = 8
COORDINATORS = {",", "and", "or", "&"}
LEG_STARTERS = {"on", "from", "then", "finally", "later", "eventually", "afterwards"}


@dataclass(frozen=True)
class RouteRules:
    trigger_stems: tuple[str, ...]
    triggers: frozenset[str]
    blockers: tuple[str, ...]
    goods: frozenset[str]
    officials: frozenset[str]
    people: frozenset[str]
    origin_verbs: frozenset[str]
    destination_markers: frozenset[str]
    destination_bound: frozenset[str]
    via_markers: frozenset[str]
    place_nouns: frozenset[str]
    path_nouns: frozenset[str]
    mode_strong: dict[str, frozenset[str]]
    mode_weak: dict[str, frozenset[str]]
    river_words: frozenset[str]

    @classmethod
    def from_lexicon(cls, lex: dict[str, Any]) -> RouteRules:
        return cls(
            trigger_stems=tuple(lex["route_trigger_stems"]),
            triggers=frozenset(lex["route_triggers"]),
            blockers=tuple(lex["route_blockers"]),
            goods=frozenset(lex["route_goods"]),
            officials=frozenset(lex["route_officials"]),
            people=frozenset(lex["route_people"]),
            origin_verbs=frozenset(lex["origin_verbs"]),
            destination_markers=frozenset(lex["destination_markers"]),
            destination_bound=frozenset(lex["destination_bound"]),
            via_markers=frozenset(w for w in lex["via_markers"] if " " not in w),
            place_nouns=frozenset(lex["place_nouns"]),
            path_nouns=frozenset(lex["path_nouns"]),
            mode_strong={k: frozenset(v) for k, v in lex["mode_strong"].items()},
            mode_weak={k: frozenset(v) for k, v in lex["mode_weak"].items()},
            river_words=frozenset(lex["river_words"]),
        )

    def is_trigger(self, word: str) -> bool:
        return word in self.triggers or word.startswith(self.trigger_stems)


@dataclass(frozen=True)
class Route:
    origin: str
    destination: str
    via: tuple[str, ...]
    mode: str
    sentence: int
    leg: int = 0


@dataclass(frozen=True)
class Tokens:
    """Per-token values read once per document (token access from Python is slow)."""

    text: list[str]
    lower: list[str]
    tag: list[str]
    punct: list[bool]
    place_at: dict[int, int]  # token index -> start of the place span covering it

    @classmethod
    def of(cls, doc: Doc, places: list[Span]) -> Tokens:
        text, lower, tag, punct = [], [], [], []
        for token in doc:
            text.append(token.text)
            lower.append(token.lower_)
            tag.append(token.tag_)
            punct.append(token.is_punct and token.text not in ("-", "'"))
        place_at = {i: p.start for p in places for i in range(p.start, p.end)}
        return cls(text, lower, tag, punct, place_at)


def _role(place: Span, leg_start: int, tokens: Tokens, rules: RouteRules) -> str | None:
    """The role the words just before ``place`` give it within its leg."""
    lower, tag = tokens.lower, tokens.tag
    end = place.end
    # "Myanmar's Karen State": the possessor is not where people are taken.
    if end < len(lower) and lower[end] in ("'s", "’s"):
        return None
    i = place.start - 1
    stop = max(leg_start, place.start - SCAN_WINDOW)
    passed_in = False
    place_noun = False
    previous = ""
    while i >= stop:
        word = lower[i]
        if i in tokens.place_at and tokens.place_at[i] != place.start:
            return None  # "to Bokeo province in Laos": Laos is where Bokeo is
        if word == "from" or (word == "of" and i > 0 and lower[i - 1] == "out"):
            return ORIGIN
        if word in rules.destination_markers:
            # "to work in X": an infinitive, not a destination.
            if word == "to" and i + 1 < len(tag) and tag[i + 1] == "VB":
                return None
            # "the road to the Three Pagodas Pass" names a road, not a journey.
            if i > 1 and lower[i - 1] in rules.path_nouns and lower[i - 2] != "by":
                return None
            # "to young people in China" is not a journey to China; "into compounds in X" is.
            if passed_in and not place_noun:
                return None
            return DESTINATION
        if word == "for" and i > 0 and lower[i - 1] in rules.destination_bound:
            return DESTINATION
        if word in rules.via_markers:
            return VIA
        if word in rules.origin_verbs and previous in ("in", "at", "up"):
            return ORIGIN
        if word == "up" and passed_in:
            previous = word
            i -= 1
            continue
        if tokens.punct[i] or tag[i].startswith("VB"):
            return None
        if word in ("in", "at"):
            passed_in = True
        if word in rules.place_nouns:
            place_noun = True
        previous = word
        i -= 1
    return None


def _legs(sentence: Span, tokens: Tokens) -> list[tuple[int, int]]:
    """Token ranges of the sentence split where a new leg of the journey starts."""
    lower, tag = tokens.lower, tokens.tag
    legs: list[tuple[int, int]] = []
    start = sentence.start
    for i in range(sentence.start, sentence.end - 1):
        word, following = lower[i], lower[i + 1]
        split = word in ("then", ";") or (word == "before" and tag[i + 1] == "VBG")
        if word in ("and", ",") and (
            following in LEG_STARTERS or tag[i + 1].startswith(("VB", "RB"))
        ):
            split = True
        if word in (",", "and") and following in ("a", "an"):
            split = True
        if split:
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


def _roles(
    places: list[Span], start: int, end: int, tokens: Tokens, rules: RouteRules
) -> list[tuple[Span, str | None]]:
    """Each place of the leg with its role; listed places share the role of the first."""
    in_leg = [p for p in places if p.start >= start and p.end <= end]
    roles: list[tuple[Span, str | None]] = []
    for place in in_leg:
        role = _role(place, start, tokens, rules)
        if role is None and roles:
            before, before_role = roles[-1]
            gap = tokens.lower[before.end : place.start]
            if gap and all(w in COORDINATORS for w in gap):
                role = before_role
        roles.append((place, role))
    return roles


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
    if any(w.startswith(rules.blockers) for w in words) or "sent home" in " ".join(words):
        return []
    routes: list[Route] = []
    pending_origins: list[str] = []
    last_mode = ""
    triggered = False
    for leg, (start, end) in enumerate(_legs(sentence, tokens)):
        leg_words = tokens.lower[start:end]
        roles = _roles(places, start, end, tokens, rules)
        destinations = [(p, r) for p, r in roles if r == DESTINATION]
        origins = _group(roles, ORIGIN, before=destinations[0][0] if destinations else None)
        verbless = not any(t.startswith("VB") for t in tokens.tag[start:end])
        leg_triggered = any(rules.is_trigger(w) for w in leg_words)
        # A leg moves people itself, or continues one that did ("then on to Bangkok").
        moving = leg_triggered or (triggered and verbless)
        triggered = triggered or leg_triggered
        if not destinations:
            pending_origins = [p.kb_id_ for p, _ in origins] or pending_origins
            continue
        if not moving or any(w in rules.goods for w in leg_words):
            continue
        if _officials_travel(leg_words, rules):
            continue
        via = []
        for place, role in roles:
            if role == VIA and place.kb_id_ not in via:
                via.append(place.kb_id_)
        origin_names = [p.kb_id_ for p, _ in origins] or pending_origins or [""]
        if "there" in leg_words or "where" in leg_words[:2]:
            origin_names = [p.kb_id_ for p, _ in origins] or [""]  # "from there": chained later
        pending_origins = []
        own_origins = _origins_before(roles, destinations)
        # The words of the journey itself decide first ("by boat from Ranong to Kawthaung"),
        # then the rest of the leg.
        first_origin = min((p.start for p, _ in origins), default=destinations[0][0].start)
        journey = tokens.lower[max(start, first_origin - 6) : destinations[-1][0].end]
        mode = _mode(journey, tuple(via), rules)
        if mode == "unknown":
            mode = _mode(leg_words, tuple(via), rules)
        if mode == "unknown" and last_mode and verbless:
            mode = last_mode  # "flown to Dubai, then on to Bangkok"
        if mode == "unknown" and context:
            mode = _mode(context, tuple(via), rules)
        last_mode = mode
        for destination, _ in destinations:
            name = destination.kb_id_
            for origin in own_origins.get(destination.start) or origin_names:
                if origin == name:
                    continue
                via_names = tuple(v for v in via if v not in (origin, name))
                routes.append(Route(origin, name, via_names, mode, index, leg))
    return routes


def _origins_before(
    roles: list[tuple[Span, str | None]], destinations: list[tuple[Span, str | None]]
) -> dict[int, list[str]]:
    """For each later destination, the origins named between it and the destination before
    ("to the border ..., then by boat from Ranong to Kawthaung")."""
    own: dict[int, list[str]] = {}
    for previous, (destination, _) in zip(destinations, destinations[1:], strict=False):
        names = [
            p.kb_id_
            for p, r in roles
            if r == ORIGIN and previous[0].end <= p.start < destination.start
        ]
        if names:
            own[destination.start] = names
    return own


def _officials_travel(words: list[str], rules: RouteRules) -> bool:
    """A delegation or minister travelling ("the minister flew to Bangkok") is not a route."""
    for i, word in enumerate(words):
        if word in rules.officials and not any(w in rules.people for w in words):
            following = words[i + 1 : i + 4]
            if any(rules.is_trigger(w) for w in following):
                return True
    return False


def _group(
    roles: list[tuple[Span, str | None]], role: str, before: Span | None = None
) -> list[tuple[Span, str | None]]:
    """The places of one role that belong together: the first destinations listed together,
    or the origins listed after the last "from" before the destination."""
    found: list[tuple[Span, str | None]] = []
    for place, place_role in roles:
        if before is not None and place.start >= before.start:
            break
        if place_role != role:
            if found and role == DESTINATION:
                break
            continue
        if role == ORIGIN and found and (place.start - found[-1][0].end) > 3:
            found = []  # a later "from" starts a new list of origins
        found.append((place, place_role))
    return found


def document_routes(
    doc: Doc, sentences: list[Span], places_by_sentence: list[list[Span]], rules: RouteRules
) -> list[Route]:
    """All route legs of a document, with unnamed origins chained and summaries dropped."""
    found: list[Route] = []
    if not any(places_by_sentence):
        return found
    tokens = Tokens.of(doc, [p for group in places_by_sentence for p in group])
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
        if last is not None and (last.sentence, last.leg) == (route.sentence, route.leg):
            # Places listed in one leg share its origin; they do not follow each other.
            last = next(
                (
                    r
                    for r in reversed(chained)
                    if (r.sentence, r.leg) != (route.sentence, route.leg)
                ),
                None,
            )
        if (
            not route.origin
            and last is not None
            and route.sentence - last.sentence <= 1
            and last.destination != route.destination
        ):
            route = replace(route, origin=last.destination)
        chained.append(route)
    named_ends = {r.destination for r in chained if r.origin}
    pairs = {(r.origin, r.destination) for r in chained}
    kept: list[Route] = []
    for route in chained:
        covered = any(
            (route.origin, middle) in pairs and (middle, route.destination) in pairs
            for _, middle in pairs
            if middle not in (route.origin, route.destination)
        )
        if route.origin and covered:
            continue
        if not route.origin and route.destination in named_ends:
            continue  # the same journey is stated with its origin elsewhere
        if all(
            (k.origin, k.destination, k.mode) != (route.origin, route.destination, route.mode)
            for k in kept
        ):
            kept.append(route)
    return kept
