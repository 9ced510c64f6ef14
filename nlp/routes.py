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

from dataclasses import dataclass, field, replace
from typing import Any

from spacy.tokens import Doc, Span

ORIGIN, DESTINATION, VIA = "origin", "destination", "via"
SCAN_WINDOW = 8
RETURN_WINDOW = 15  # tokens before a destination in which an escape or return word blocks it
COORDINATORS = {",", "and", "or", "&"}
LEG_STARTERS = {"on", "from", "then", "finally", "later", "eventually", "afterwards"}
# "driven to Mae Sot and across the Moei River into Myawaddy": a new leg, with no verb.
PATH_LEG_STARTERS = {"across", "over", "into", "through"}
# Words that carry a journey on from the sentence before ("From there they were taken to",
# "After arriving in Bangkok", "The next day"): without one, an unnamed origin stays unnamed.
CONTINUATIONS = {
    "there", "then", "next", "later", "after", "afterwards", "arriving", "arrived", "arrival",
    "once", "onward", "onwards", "on", "again", "finally", "eventually", "subsequently",
    "where", "further", "final", "another", "night", "morning", "day", "days", "week", "weeks",
    "nights", "hours",
}
POSSESSIVES = ("'s", "’s")
# verbs of setting off: with "from"/"out of" a place, an origin whether or not an end is named
DEPARTING = {
    "set", "setting", "sailed", "departed", "departing", "left", "leaving", "flew", "flown",
}
# "spent two nights in Hat Yai", "a night in a guesthouse in Mae Sot": a stop on the way
STAYS = {"night", "nights", "stayed", "spent", "waited"}
# "boarded a trawler for Malaysia": the vessel's destination is the people's
BOARDING = {"boarded", "boarding", "board", "put"}
# countries that are also one city: a journey goes on from them to another city
CITY_STATES = frozenset({"Singapore", "Hong Kong", "Macao"})
# how the names of compounds and zones end ("Golden Lotus Park", "Dara Sakor Zone")
COMPOUND_NAME_ENDS = {"Park", "Compound", "Zone", "SEZ", "Garden", "Gardens"}
PATH_WORDS = {"along", "down", "up", "onto", "over"}
# "driven through Shan State before arriving in Tachileik" is one leg
ARRIVING = {"arriving", "reaching", "landing"}
QUOTES = {'"', "“", "‘", "'"}


@dataclass(frozen=True)
class RouteRules:
    trigger_stems: tuple[str, ...]
    triggers: frozenset[str]
    blockers: tuple[str, ...]
    return_words: tuple[str, ...]
    goods: frozenset[str]
    officials: frozenset[str]
    self_movers: frozenset[str]  # businesses and suspects moving themselves, not victims
    belief_verbs: frozenset[str]
    people: frozenset[str]
    origin_verbs: frozenset[str]
    departure_verbs: frozenset[str]
    entry_verbs: frozenset[str]
    strong_triggers: tuple[str, ...]
    destination_markers: frozenset[str]
    destination_bound: frozenset[str]
    via_markers: frozenset[str]
    place_nouns: frozenset[str]
    path_nouns: frozenset[str]
    mode_strong: dict[str, frozenset[str]]
    mode_weak: dict[str, frozenset[str]]
    river_words: frozenset[str]
    water_words: frozenset[str]
    # "ended up in Mae Sot": the place is where the leg ends
    arrival_end_verbs: frozenset[str] = frozenset()
    # "before arriving in Tachileik": an arrival that closes a leg, not one that opens it
    sequence_words: frozenset[str] = frozenset()
    # "into the zone" -> the zone named earlier: noun -> what the antecedent's name must hold
    reference_nouns: dict[str, str] = field(default_factory=dict)
    compounds: frozenset[str] = frozenset()  # canonical names of named compounds and zones
    countries: frozenset[str] = frozenset()

    @classmethod
    def from_lexicon(
        cls,
        lex: dict[str, Any],
        compounds: frozenset[str] = frozenset(),
        countries: frozenset[str] = frozenset(),
    ) -> RouteRules:
        return cls(
            trigger_stems=tuple(lex["route_trigger_stems"]),
            triggers=frozenset(lex["route_triggers"]),
            blockers=tuple(lex["route_blockers"]),
            return_words=tuple(lex["return_words"]),
            goods=frozenset(lex["route_goods"]),
            officials=frozenset(lex["route_officials"]),
            self_movers=frozenset(lex["route_self_movers"]),
            belief_verbs=frozenset(lex["belief_verbs"]),
            people=frozenset(lex["route_people"]),
            origin_verbs=frozenset(lex["origin_verbs"]),
            departure_verbs=frozenset(lex["departure_verbs"]),
            entry_verbs=frozenset(lex["entry_verbs"]),
            strong_triggers=tuple(lex["route_strong_trigger_stems"]),
            destination_markers=frozenset(lex["destination_markers"]),
            destination_bound=frozenset(lex["destination_bound"]),
            via_markers=frozenset(w for w in lex["via_markers"] if " " not in w),
            place_nouns=frozenset(lex["place_nouns"]),
            path_nouns=frozenset(lex["path_nouns"]),
            mode_strong={k: frozenset(v) for k, v in lex["mode_strong"].items()},
            mode_weak={k: frozenset(v) for k, v in lex["mode_weak"].items()},
            river_words=frozenset(lex["river_words"]),
            water_words=frozenset(lex["water_words"]),
            arrival_end_verbs=frozenset(lex.get("arrival_end_verbs", ())),
            sequence_words=frozenset(lex.get("sequence_words", ())),
            reference_nouns=dict(lex.get("reference_nouns", {})),
            compounds=compounds,
            countries=countries - CITY_STATES,
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
    continues: bool = False  # the leg says it goes on from an earlier one ("from there", "then")
    open_end: bool = False  # a departure whose end the sentence does not name ("set out from X")
    tentative: bool = False  # "left X": kept only once a later leg or sentence names the end


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
    # "Myanmar's Karen State": the possessor is not where people are taken; "Bangkok's
    # airport" still names Bangkok as the end of the journey.
    owned = end + 1
    if (
        end < len(lower)
        and lower[end] in POSSESSIVES
        and (owned >= len(lower) or owned in tokens.place_at or not tokens.text[owned].islower())
    ):
        return None
    # "the Malaysia-bound boat"
    if end + 1 < len(lower) and lower[end] == "-" and lower[end + 1] in rules.destination_bound:
        return DESTINATION
    i = place.start - 1
    stop = max(leg_start, place.start - SCAN_WINDOW)
    passed_in = False
    place_noun = False
    previous = ""
    while i >= stop:
        word = lower[i]
        if word in POSSESSIVES and i - 1 in tokens.place_at:
            # "from Myanmar's Shan State": the role is given before the possessor.
            i = tokens.place_at[i - 1] - 1
            continue
        if i in tokens.place_at and tokens.place_at[i] != place.start:
            # "boats leaving Cox's Bazar for Malaysia": the other place is the origin.
            start = tokens.place_at[i]
            if word_before_is_departure(start, lower, rules) and lower[i + 1] == "for":
                return DESTINATION
            return None  # "to Bokeo province in Laos": Laos is where Bokeo is
        if word == "from" or (word == "of" and i > 0 and lower[i - 1] == "out"):
            return ORIGIN
        if word in rules.destination_markers:
            # "to work in X": an infinitive, not a destination.
            # ... unless the "verb" heads a place ("to scam compounds in Cambodia").
            if (
                word == "to"
                and i + 1 < len(tag)
                and tag[i + 1] == "VB"
                and not (i + 2 < len(lower) and lower[i + 2] in rules.place_nouns)
            ):
                return None
            # "the road to the Three Pagodas Pass" names a road, not a journey.
            if (
                i > 1
                and lower[i - 1] in rules.path_nouns
                and lower[i - 2] != "by"
                and not _path_travelled(i - 1, lower, rules)
            ):
                return None
            # "to young people in China" is not a journey to China; "into compounds in X" is.
            if passed_in and not place_noun:
                return None
            return DESTINATION
        if word == "for" and i > 0 and lower[i - 1] in rules.destination_bound:
            return DESTINATION
        if word == "crossing" and i > 0 and lower[i - 1] in ("border", "frontier") and passed_in:
            # "towards the border crossing at Padang Besar": the crossing is where they go
            place_noun = True
            previous = "border"
            i -= 2
            continue
        if word in rules.via_markers:
            return VIA
        if passed_in and word == "ashore":
            return DESTINATION  # "the refugees were brought ashore in Aceh"
        if passed_in and word in STAYS:
            return ORIGIN  # "a night in a guesthouse in Mae Sot": the next leg starts there
        if word in rules.arrival_end_verbs and previous == "up":
            return DESTINATION  # "ended up in Mae Sot"
        if word in rules.origin_verbs and previous in ("in", "at", "up"):
            if i > 0 and lower[i - 1] in rules.sequence_words:
                return DESTINATION  # "before arriving in Tachileik": the leg ends there
            return ORIGIN
        if word in rules.departure_verbs and i == place.start - 1:
            return ORIGIN  # "the boat left Teknaf"
        if word in rules.entry_verbs and i == place.start - 1:
            return DESTINATION  # "they entered the Philippines through Clark"
        opens = i == leg_start or (i == leg_start + 1 and tokens.text[leg_start] in QUOTES)
        if opens and tokens.text[i] in ("In", "At"):
            return ORIGIN  # "In Bangkok a van drove them to the border", "At Mae Sai they ..."
        if word == "up" and passed_in:
            previous = word
            i -= 1
            continue
        if tag[i].startswith("VB") and lower[i + 1] in rules.place_nouns:
            i -= 1  # "to scam compounds in Cambodia": the tagger's verb is a modifier
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


def _path_travelled(noun: int, lower: list[str], rules: RouteRules) -> bool:
    """Whether the path noun at ``noun`` is the way people went ("walked across the bridge to
    Tachileik", "driven along the road to Mae Sot"), not a name ("the road to X is closed")."""
    before = noun - 1
    if before >= 0 and lower[before] in ("the", "a", "an"):
        before -= 1
    return before >= 0 and (lower[before] in rules.via_markers or lower[before] in PATH_WORDS)


def word_before_is_departure(start: int, lower: list[str], rules: RouteRules) -> bool:
    return start > 0 and lower[start - 1] in rules.departure_verbs


def _legs(sentence: Span, tokens: Tokens) -> list[tuple[int, int]]:
    """Token ranges of the sentence split where a new leg of the journey starts."""
    lower, tag = tokens.lower, tokens.tag
    legs: list[tuple[int, int]] = []
    start = sentence.start
    for i in range(sentence.start, sentence.end - 1):
        word, following = lower[i], lower[i + 1]
        split = word in ("then", ";") or (
            word == "before" and tag[i + 1] == "VBG" and following not in ARRIVING
        )
        if word in ("and", ",") and (
            following in LEG_STARTERS or tag[i + 1].startswith(("VB", "RB"))
        ):
            split = True
        if (
            word == "and"
            and i > start
            and lower[i - 1] == ","
            and i + 1 not in tokens.place_at
            and following != "the"
        ):
            split = True  # ", and at night they were taken across": a new clause
        if word == "and" and following in PATH_LEG_STARTERS:
            split = True
        if word in (",", "and") and following in ("a", "an"):
            split = True
        if word == "," and following == "where":
            split = True  # "driven to Mae Sot, where they were taken into Myawaddy": a new leg
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


def _attached_verb(marker: Any) -> Any:
    """What a preposition belongs to, through the people moved: "recruited the victims in
    Sisaket" (not through a place: "left Cox's Bazar in Bangladesh")."""
    attached = marker.head
    if (
        attached.dep_ in ("dobj", "nsubjpass")
        and not attached.tag_.startswith("VB")
        and not attached.ent_type_
    ):
        return attached.head
    return attached


def _role_by_attachment(place: Span, rules: RouteRules) -> str | None:
    """The role the parse gives a place the words just before it do not: "recruited the
    victims in Sisaket", "the boat had left Teknaf, near the camps, for Malaysia"."""
    marker = place.root.head
    if marker is place.root:
        return None
    doc = place.doc
    if place.start >= 2 and doc[place.start - 1].text == "," and doc[place.start - 2].ent_type_:
        return None  # "Cox's Bazar, Bangladesh": the country locates the place before it
    verb = _attached_verb(marker).lower_
    if marker.lower_ in ("in", "at") and verb in rules.origin_verbs:
        return ORIGIN
    departing = (
        verb in rules.departure_verbs or verb in rules.destination_bound or verb in BOARDING
    )
    if marker.lower_ == "for" and departing:
        return DESTINATION
    vehicle = marker.head  # "a trawler for Malaysia", "the bus for Mae Sot"
    vessel = vehicle.tag_.startswith("NN") and rules.is_trigger(vehicle.lower_)
    if marker.lower_ == "for" and vessel:
        return DESTINATION
    return None


def _roles(
    places: list[Span], start: int, end: int, tokens: Tokens, rules: RouteRules
) -> list[tuple[Span, str | None]]:
    """Each place of the leg with its role; listed places share the role of the first."""
    in_leg = [p for p in places if p.start >= start and p.end <= end]
    roles: list[tuple[Span, str | None]] = []
    for place in in_leg:
        if _border_side(place, tokens):
            roles.append((place, None))
            continue
        role = _role(place, start, tokens, rules) or _role_by_attachment(place, rules)
        if role is None and roles:
            before, before_role = roles[-1]
            gap = tokens.lower[before.end : place.start]
            following = tokens.lower[place.end] if place.end < len(tokens.lower) else ""
            listed = following in ("and", "or", "&") or (
                following == "," and place.end + 1 in tokens.place_at
            )
            if gap == [","] and not listed:
                role = None  # "to Sihanoukville, Cambodia": where the place is, not a list
            elif gap and all(w in COORDINATORS for w in gap):
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
    carried: list[Span] | None = None,
) -> list[Route]:
    """Route legs stated in one sentence; ``context`` is the words of the sentences before it,
    ``carried`` the places the sentence before named as where people were recruited."""
    words = tokens.lower[sentence.start : sentence.end]
    if "sent home" in " ".join(words):
        return []
    # A sentence about a rescue or a return keeps only journeys a trafficking verb states
    # ("Indonesians trafficked to Cambodia were rescued"), not "rescued and taken to Mae Sot".
    # A semicolon ends a clause: "handed to a driver ...; the next night they crossed into
    # Myawaddy" is not blocked by the hand-over before it.
    clauses = _clauses(sentence, tokens)
    routes: list[Route] = []
    pending_origins: list[Span] = list(carried or [])
    last_mode = ""
    triggered = False
    for leg, (start, end) in enumerate(_legs(sentence, tokens)):
        leg_words = tokens.lower[start:end]
        segment = next(
            (c for c in clauses if c[0] <= start < c[1]), (sentence.start, sentence.end)
        )
        blocked = any(w.startswith(rules.blockers) for w in tokens.lower[segment[0] : segment[1]])
        roles = _roles(places, start, end, tokens, rules)
        destinations = [(p, r) for p, r in roles if r == DESTINATION]
        origins = _group(roles, ORIGIN, before=destinations[0][0] if destinations else None)
        # "Ministers met in Jakarta and said ... moved people to Laos": where officials met
        # is not where the people left from.
        origins = [(p, r) for p, r in origins if not _moved_officials(p, rules)]
        # "the victims, most of them from Kenya, were flown to Bangkok": where people come
        # from, said between commas with no verb, is not where the leg starts.
        origins = [(p, r) for p, r in origins if not _described_between_commas(p, tokens)]
        # "..., and across the river into Myawaddy, where they were held": no verb before
        # the destination continues the journey of the leg before.
        until = destinations[0][0].start if destinations else end
        verbless = not any(t.startswith("VB") for t in tokens.tag[start:until])
        leg_triggered = any(
            rules.is_trigger(tokens.lower[i]) and not _crime_as_modifier(i, tokens, rules)
            for i in range(start, end)
        )
        # A leg moves people itself, or continues one that did ("then on to Bangkok").
        # "..., and ended up in Mae Sot": an arrival ends the journey the sentence began.
        arrives = any(w in rules.arrival_end_verbs or w in rules.entry_verbs for w in leg_words)
        moving = leg_triggered or (triggered and (verbless or arrives))
        triggered = triggered or leg_triggered
        # Goods are what is moved, named before where it goes ("moved their operations to
        # Laos"), not what happens there ("into Myanmar, where ... online scam operations").
        carried_words = tokens.lower[start : destinations[-1][0].end] if destinations else leg_words
        # Only a clause carries its origin on ("picked up in Buriram, and ..."), not a
        # description of someone ("Zhang, a shopkeeper from Fujian province, says ...").
        clause = any(t.startswith("VB") for t in tokens.tag[start:end])
        if not moving or any(w in rules.goods for w in carried_words):
            if not destinations and clause:
                pending_origins = [p for p, _ in origins] or pending_origins
            continue
        if _officials_travel(leg_words, rules):
            continue
        if not destinations:
            # "driven from Bangkok's airport to the border": the far end is unnamed.
            border_at = _unnamed_border(start, end, tokens)
            named = [p for p, _ in origins if border_at is not None and p.start < border_at]
            if named and not blocked and not _group(roles, DESTINATION):
                mode = _mode(tokens.lower[named[0].start - 6 : end], (), rules)
                last_mode = mode
                for place in named:
                    routes.append(Route(place.kb_id_, "", (), mode, index, leg))
                pending_origins = []
                continue
            # What happens after the leg (", where they were handed to armed men") says
            # nothing of whether the leg itself was a return.
            blocked_here = any(
                w.startswith(rules.blockers) for w in tokens.lower[segment[0] : end]
            )
            if border_at is not None and not origins and not blocked_here:
                # "..., and were then put on a bus to the border": the leg goes on from where
                # the one before it ended (chained in ``document_routes``).
                mode = _mode(leg_words, (), rules)
                mode = last_mode if mode == "unknown" and last_mode else mode
                routes.append(Route("", "", (), mode, index, leg, True, open_end=True))
                continue
            departed = [p for p, _ in origins if _departs(p, rules)]
            passed = [p for p, r in roles if r == VIA]
            if not departed and passed and leg_triggered:
                # "moved them onward from Bangkok through Laos": an origin and a way, no end
                departed = [p for p, _ in origins if p.start < passed[0].start]
            if departed and not blocked_here and not _group(roles, DESTINATION):
                # "a second boat that set out from Rakhine State is still missing"
                mode = _mode(leg_words, (), rules)
                if mode == "unknown":
                    mode = _mode(words, (), rules)
                last_mode = mode
                # "left Yangon" alone may be a life story, not a journey: kept only if a later
                # leg names where it went.
                weak = _governing_verb(departed[0]).lower_ in ("left", "leaving")
                way = tuple(p.kb_id_ for p in passed if p.start > departed[-1].start)
                for place in departed:
                    route = Route(place.kb_id_, "", way, mode, index, leg, open_end=True)
                    routes.append(replace(route, tentative=weak))
                pending_origins = []
                continue
            if clause:
                # "transited through Bangkok before being taken to Mae Sot": a town passed
                # through is where the next leg starts (a river or sea crossed is not).
                passed = [p for p, r in roles if r == VIA and not _is_water(p, rules)]
                pending_origins = [p for p, _ in origins] or passed or pending_origins
            continue
        first_destination = destinations[0][0].start
        if blocked:
            destinations = [(p, r) for p, r in destinations if _not_a_return(p, rules, segment)]
        # "The delegation travelled to Naypyidaw to discuss the trafficking of workers"
        destinations = [(p, r) for p, r in destinations if not _moved_officials(p, rules)]
        # "the company had moved to Thailand": a business or a suspect, not victims, went there
        destinations = [(p, r) for p, r in destinations if not _business_moved(p, rules)]
        # "I thought I was going to Dubai": what someone believed, not a journey made
        destinations = [(p, r) for p, r in destinations if not _believed(p, rules)]
        # "trafficking victims could be sent to Myanmar if the crackdown continued"
        destinations = [(p, r) for p, r in destinations if not _hypothetical(p)]
        # "crossed back from Myawaddy to Mae Sot", "sent back to Indonesia": a return
        destinations = [(p, r) for p, r in destinations if not _goes_back(p)]
        if not destinations:
            continue
        if not origins and destinations[0][0].start != first_destination:
            # "told they were going to Singapore, but were driven from Johor Bahru to Kuala
            # Lumpur": the origins belong to the destination that is left.
            origins = [
                (p, r)
                for p, r in _group(roles, ORIGIN, before=destinations[0][0])
                if p.start > first_destination
                and not _moved_officials(p, rules)
                and not _described_between_commas(p, tokens)
            ]
        if origins and not _in_same_clause(origins[0][0], destinations[0][0]):
            origins = []
        if not origins:
            # "trafficked into Cambodia from Vietnam": the origin follows the destination.
            origins = _origins_after(roles, destinations[0][0])
        if not origins and not pending_origins:
            # "workers in Nunukan, who were about to be taken to Tawau": where the people
            # a relative clause describes were is where the journey starts.
            origins = _where_described_were(destinations[0][0], roles, tokens)
        via = []
        for place, role in roles:
            if role == VIA and place.kb_id_ not in via and _same_movement(place, destinations):
                via.append(place.kb_id_)
        if blocked:
            pending_origins = []  # "returned from Myanmar ..., and ... to Thailand"
        carried = [p.kb_id_ for p in pending_origins]
        origin_names = [p.kb_id_ for p, _ in origins] or carried or [""]
        if "there" in leg_words or "where" in leg_words[:2]:
            origin_names = [p.kb_id_ for p, _ in origins] or [""]  # "from there": chained later
            if not origins and tokens.lower[start] == "where":
                # "gathered in Medan, where they were put on a flight to Kuala Lumpur": the
                # place "where" follows is where the leg starts.
                antecedent = _place_ending_at(places, start - 1, tokens)
                if antecedent is not None:
                    origin_names = [antecedent.kb_id_]
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
        if mode == "unknown":
            # "put in a van and taken to Mae Sot", "to Kolkata and on to Delhi by train"
            mode = _mode(words, tuple(via), rules)
        if mode == "unknown" and context:
            mode = _mode(context, tuple(via), rules)
        last_mode = mode
        # A crossing ("ferried across the Mekong to Huay Xai") starts where people already were.
        crossing = any(r == VIA and _is_water(p, rules) for p, r in roles)
        continues = crossing or any(
            w in CONTINUATIONS or w in rules.origin_verbs
            for w in tokens.lower[sentence.start : destinations[0][0].start]
        )
        for destination, _ in destinations:
            name = destination.kb_id_
            for origin in own_origins.get(destination.start) or origin_names:
                if origin == name:
                    continue
                via_names = tuple(v for v in via if v not in (origin, name))
                routes.append(Route(origin, name, via_names, mode, index, leg, continues))
    return routes


def _departs(place: Span, rules: RouteRules) -> bool:
    """Whether people set off from ``place`` ("set out from Rakhine State", "the boat left
    Teknaf", "flew out of Colombo"), whatever the sentence says of where they went."""
    verb = _governing_verb(place)
    if verb is None or not rules.is_trigger(verb.lower_) and verb.lower_ not in DEPARTING:
        return False
    word = verb.lower_
    if word in ("set", "setting"):
        return any(c.lower_ in ("out", "off") and c.dep_ == "prt" for c in verb.children)
    if word.startswith(("fl", "flown")):
        return any(c.lower_ == "out" for c in verb.children)
    return word in DEPARTING


def _where_described_were(
    destination: Span, roles: list[tuple[Span, str | None]], tokens: Tokens
) -> list[tuple[Span, str | None]]:
    """The place "in"/"at" which the people were whom a relative clause moves to
    ``destination`` ("43 workers in Nunukan, who were to be taken by boat to Tawau"); the
    parser may hang the clause on the place itself."""
    verb = _governing_verb(destination)
    for _ in range(3):
        if verb is None:
            return []
        if any(c.dep_ == "aux" and c.lower_ in ("had", "has", "have") for c in verb.children):
            return []  # "victims in Bangkok who had been smuggled to Mae Sot": already there
        if verb.dep_ == "relcl" or verb.head is verb:
            break
        if verb.dep_ not in ("xcomp", "conj", "acomp"):
            return []
        verb = verb.head
    if verb is None or verb.dep_ != "relcl" or verb.i >= destination.start:
        return []
    described = verb.head
    if described.i in tokens.place_at:
        marker = described.head
        while marker.dep_ == "conj" and marker.head is not marker:
            marker = marker.head  # "in Nunukan, North Kalimantan, who ..."
        marker = marker.head if marker.i in tokens.place_at else marker
        if marker.lower_ not in ("in", "at"):
            return []
        start = tokens.place_at[described.i]
        return [(p, ORIGIN) for p, _ in roles if p.start == start]
    for child in described.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "at"):
            for grandchild in child.children:
                if grandchild.i in tokens.place_at:
                    start = tokens.place_at[grandchild.i]
                    return [(p, ORIGIN) for p, _ in roles if p.start == start]
    return []


def _described_between_commas(place: Span, tokens: Tokens) -> bool:
    """Whether "from <place>" sits in a verbless aside between commas ("the recruits, all from
    Java, were taken to Batam"); not "from Vietnam, Laos and Cambodia" (a list)."""
    lower, tag = tokens.lower, tokens.tag
    if place.start < 1 or lower[place.start - 1] != "from":
        return False
    if place.end >= len(lower) or lower[place.end] != ",":
        return False
    if place.end + 1 in tokens.place_at or (
        place.end + 1 < len(lower) and lower[place.end + 1] in ("and", "or")
    ):
        return False  # a list of places goes on
    i = place.start - 2
    while i >= 0 and lower[i] != ",":
        if tag[i].startswith("VB") or tokens.punct[i]:
            return False
        i -= 1
    return i >= 0 and place.start - 1 - i <= 5


def _place_ending_at(places: list[Span], at: int, tokens: Tokens) -> Span | None:
    """The place just before ``at`` (a comma), as in "Medan, where ..."."""
    if at < 1 or tokens.lower[at] != ",":
        return None
    return next((p for p in places if p.end == at), None)


def _governing_verb(place: Span) -> Any:
    """The verb whose preposition takes the place ("trafficked" in "trafficked to X")."""
    token = place.root
    for _ in range(6):
        if token.head is token:
            return None
        token = token.head
        if token.tag_.startswith("VB"):
            return token
    return None


def _clauses(sentence: Span, tokens: Tokens) -> list[tuple[int, int]]:
    """Token ranges of the sentence between semicolons."""
    found: list[tuple[int, int]] = []
    start = sentence.start
    for i in range(sentence.start, sentence.end):
        if tokens.lower[i] == ";":
            found.append((start, i))
            start = i + 1
    found.append((start, sentence.end))
    return found


def _not_a_return(
    place: Span, rules: RouteRules, clause: tuple[int, int] | None = None
) -> bool:
    """In a sentence about a rescue or return, whether the journey to ``place`` is still an
    outward one: a trafficking verb takes it ("Indonesians trafficked to Cambodia were
    rescued"), or no rescue or return word governs, joins or qualifies its verb ("rescued and
    taken to Mae Sot", "the rescued workers were taken to", "after escaping, ...")."""
    verb = _governing_verb(place)
    if verb is None or not rules.is_trigger(verb.lower_):
        return False  # "adverts that promise travel to Thailand"
    if verb.lower_.startswith(rules.strong_triggers):
        return True
    # "who fled a compound near Payathonzu, Myanmar, and crossed into Kanchanaburi": a rescue
    # or escape word shortly before the place, whatever the parse made of it.
    low, high = clause or (place.sent.start, place.sent.end)
    before = place.doc[max(low, place.start - RETURN_WINDOW) : place.start]
    if any(t.lower_.startswith(rules.return_words) for t in before):
        return False
    # "walked across to Mae Sot, where police began screening them"
    near = [verb, *place.root.subtree]
    for conjunct in verb.conjuncts:
        # "crossed into Tak and were held for screening", not "taken to villages in Jiangxi,
        # where they were handed to men" (a clause about the destination).
        near.append(conjunct)
        for child in conjunct.children:
            near.append(child)
            near.extend(child.children)
    head = verb
    # Up to the clause that holds the verb; a relative clause ("workers who were about to
    # be taken to Tawau") describes people, and what was done to them does not block it.
    while head.dep_ not in ("relcl", "acl", "ROOT") and head.head is not head:
        head = head.head
        # "arrived home after crossing into Thailand", "fled the compound and crossed into"
        near.extend([head, *head.children, *head.conjuncts])
    for child in verb.children:
        near.append(child)
        # the people moved, what happened before, and the purpose ("for flights home")
        if child.dep_ in ("nsubj", "nsubjpass", "advcl") or child.lower_ == "for":
            near.extend(child.subtree)
    return not any(t.lower_.startswith(rules.blockers) for t in near if low <= t.i < high)


def _is_water(place: Span, rules: RouteRules) -> bool:
    return any(word in rules.water_words for word in place.kb_id_.lower().split())


def _moved_officials(place: Span, rules: RouteRules) -> bool:
    """Whether the verb taking people to ``place`` has officials as its subject."""
    verb = _governing_verb(place)
    if verb is None:
        return False
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects and verb.dep_ == "advcl":
        # "Driving into Sihanoukville, the first thing a visitor sees": the main clause's
        # subject is the one who moves.
        subjects = [
            t
            for c in verb.head.children
            if c.dep_ in ("nsubj", "nsubjpass")
            for t in c.subtree
        ]
    return any(t.lower_ in rules.officials for t in subjects)


def _business_moved(place: Span, rules: RouteRules) -> bool:
    """Whether the verb to ``place`` has a business or a suspect as its subject and moves no
    one ("the company had moved to Thailand", "the suspect travelled to Myawaddy"; not "the
    company sent them to Cambodia")."""
    verb = _governing_verb(place)
    if verb is None:
        return False
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    moves_someone = any(c.dep_ in ("dobj", "dative") for c in verb.children)
    return not moves_someone and any(s.lower_ in rules.self_movers for s in subjects)


def _believed(place: Span, rules: RouteRules) -> bool:
    """Whether the journey to ``place`` is only the content of a belief ("I thought I was
    going to Dubai", "believing they would be taken to Singapore")."""
    verb = _governing_verb(place)
    for _ in range(3):
        if verb is None or verb.head is verb:
            return False
        if verb.dep_ in ("ccomp", "xcomp", "advcl") and verb.head.lower_ in rules.belief_verbs:
            return True
        if verb.dep_ == "ccomp" and _told_passive(verb.head):
            return True  # "they had been told they were going to Singapore": a promise
        if verb.dep_ not in ("ccomp", "xcomp", "conj", "aux"):
            return False
        verb = verb.head
    return False


def _told_passive(verb: Any) -> bool:
    """ "were told", "had been told": what people were told, not what happened to them."""
    return verb.lower_ == "told" and any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)


def _hypothetical(place: Span) -> bool:
    """Whether the journey to ``place`` is only possible ("could be sent to Myanmar",
    "might be trafficked to Laos") or conditional ("if they are taken to Cambodia")."""
    verb = _governing_verb(place)
    if verb is None:
        return False
    for child in verb.children:
        if child.dep_ == "aux" and child.lower_ in ("could", "might", "should"):
            return True
        if child.dep_ == "mark" and child.lower_ == "if":
            return True
    return False


def _crime_as_modifier(i: int, tokens: Tokens, rules: RouteRules) -> bool:
    """Whether the word at ``i`` names the crime rather than moving anyone: "the
    trafficking victims", "a smuggling ring", "human trafficking" (not "accused of
    trafficking women to Cambodia")."""
    word, tag = tokens.lower[i], tokens.tag
    if not word.startswith(rules.strong_triggers):
        return False
    if tag[i].startswith("NN"):
        return True
    before = tag[i - 1] if i > 0 else ""
    after = tag[i + 1] if i + 1 < len(tag) else ""
    modifier_slot = before in ("", "DT", "PRP$", "CD", "JJ") and after.startswith("NN")
    return word.endswith("ing") and modifier_slot


def _goes_back(place: Span) -> bool:
    """Whether the verb taking people to ``place`` says they go back ("crossed back",
    "sent back to Indonesia", "brought them back to Mae Sot")."""
    verb = _governing_verb(place)
    if verb is None:
        return False
    return any(c.lower_ == "back" and c.dep_ in ("advmod", "prt") for c in verb.children)


def _same_movement(via: Span, destinations: list[tuple[Span, str | None]]) -> bool:
    """A place passed through belongs to the journey to the destination, not to another verb
    of the sentence ("trafficked to Myanmar ... brought home through Bangkok")."""
    verb = _governing_verb(destinations[0][0])
    via_verb = _governing_verb(via)
    if verb is None or via_verb is None or via_verb == verb:
        return True
    return via_verb in verb.conjuncts or via_verb in verb.subtree and via_verb.dep_ in (
        "xcomp",
        "conj",
    )


def _in_same_clause(origin: Span, destination: Span) -> bool:
    """Whether "from X" belongs to the movement to ``destination``, not to a person described
    on the way ("Zhang, a shopkeeper from Fujian, ... her son, who had travelled to
    Thailand")."""
    verb = _governing_verb(destination)
    if verb is None:
        return True
    if origin.root in verb.subtree or destination.root in origin.root.head.subtree:
        return True
    # "picked up in Buriram and driven to ...": the origin's own verb leads to the movement.
    attached = origin.root.head.head
    return attached.tag_.startswith("VB") and (
        attached in verb.conjuncts or attached in verb.ancestors
    )


def _origins_after(
    roles: list[tuple[Span, str | None]], destination: Span
) -> list[tuple[Span, str | None]]:
    """Origins named after the destination whose "from" belongs to the same movement:
    "trafficked to Cambodia from China, Vietnam and Indonesia"."""
    after = [(p, r) for p, r in roles if p.start > destination.start]
    found = _group(after, ORIGIN)
    if not found:
        return []
    first = found[0][0]
    marker = first.root.head
    if marker.lower_ not in ("from", "of"):
        return []
    verb = _governing_verb(destination)
    attached = marker.head
    if attached == verb or destination.start <= attached.i < destination.end:
        return found
    if attached == destination.root.head.head and attached.tag_.startswith("NN"):
        return found  # "a trawler for Malaysia from Teknaf": both hang on the vessel
    return []


def _border_side(place: Span, tokens: Tokens) -> bool:
    """Whether the place only names one side of a border ("along the Thai-Myanmar border",
    "the Myanmar-Thailand border"): the border is where people go, not the country."""
    lower = tokens.lower
    hyphen_before = place.start > 0 and lower[place.start - 1] == "-"
    hyphen_after = place.end < len(lower) and lower[place.end] == "-"
    if not (hyphen_before or hyphen_after):
        return False
    after = lower[place.end : place.end + 4]
    return any(w in ("border", "borders", "frontier", "borderlands") for w in after)


def _unnamed_border(start: int, end: int, tokens: Tokens) -> int | None:
    """Where a leg goes "to the border" (or "to the Thai border") without naming a place."""
    lower, tag = tokens.lower, tokens.tag
    for i in range(start, end - 2):
        if lower[i] not in ("to", "towards", "toward"):
            continue
        # "to the border", "to the Thai border", "to a house near the border"
        for j in range(i + 1, min(end, i + 7)):
            if j in tokens.place_at or tag[j].startswith("VB") or tokens.punct[j]:
                break
            if lower[j] in ("border", "frontier"):
                return i
    return None


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


def _stayed_at(place: Span, tokens: Tokens) -> bool:
    """ "after a night in a guesthouse in Mae Sot": a stop the journey goes on from."""
    before = tokens.lower[max(0, place.start - SCAN_WINDOW) : place.start]
    return "in" in before and any(w in STAYS for w in before)


def _recruited_at(place: Span, rules: RouteRules) -> bool:
    """ "Most of the men were recruited in Colombo": where the next sentence's journey starts."""
    token = place.root
    while token.dep_ == "conj" and token.head is not token:
        token = token.head  # "in Sisaket and Surin"
    marker = token.head
    return (
        marker.lower_ in ("in", "at", "from")
        and _attached_verb(marker).lower_ in rules.origin_verbs
    )


def _is_compound(name: str, rules: RouteRules) -> bool:
    """A named compound or zone: in the gazetteer, or named like one ("Golden Lotus Park")."""
    return name in rules.compounds or name.rsplit(" ", 1)[-1] in COMPOUND_NAME_ENDS


def _antecedent(noun: str, named: list[Span], rules: RouteRules) -> str | None:
    """The compound or zone "the <noun>" refers to: the last one named before it whose name
    fits the noun ("the park" -> KK Park, "the zone" -> Golden Triangle SEZ)."""
    needs = rules.reference_nouns[noun]
    for place in reversed(named):
        name = place.kb_id_
        if _is_compound(name, rules) and needs in name.lower():
            return name
    return None


def _with_references(
    doc: Doc, sentences: list[Span], places_by_sentence: list[list[Span]], rules: RouteRules
) -> list[list[Span]]:
    """Each sentence's places plus "the compound", "the zone", "the park" standing for the
    compound or zone the document named before ("taken across the river into the zone")."""
    if not rules.reference_nouns or not any(
        _is_compound(p.kb_id_, rules) for group in places_by_sentence for p in group
    ):
        return places_by_sentence  # no compound named: nothing to refer back to
    named: list[Span] = []
    result: list[list[Span]] = []
    for sentence, places in zip(sentences, places_by_sentence, strict=True):
        if not any(_is_compound(p.kb_id_, rules) for p in named):
            named.extend(places)
            result.append(places)
            continue
        added: list[Span] = []
        covered = {i for p in places for i in range(p.start, p.end)}
        for token in sentence:
            if (
                token.lower_ not in rules.reference_nouns
                or token.tag_ != "NN"
                or token.i in covered
                or token.i == 0
                or doc[token.i - 1].lower_ != "the"
                or (token.i + 1 < len(doc) and doc[token.i + 1].lower_ in ("'s", "’s", "of"))
            ):
                continue
            earlier = named + [p for p in places if p.end <= token.i]
            name = _antecedent(token.lower_, earlier, rules)
            if name is not None:
                added.append(Span(doc, token.i, token.i + 1, label="LOCATION", kb_id=name))
        named.extend(places)
        result.append(sorted([*places, *added], key=lambda p: p.start) if added else places)
    return result


def _arrived(route: Route, sentences: list[Span], places_by_sentence: list[list[Span]]) -> Route:
    """A departure with no named end, followed by a sentence opening "At Bangkok ..." or
    "In Bangkok, ...": the journey ended there ("He flew out of Colombo. At Bangkok a driver
    met him")."""
    if not route.open_end or route.destination or route.sentence + 1 >= len(sentences):
        return route
    sentence = sentences[route.sentence + 1]
    first = sentence.start
    if sentence[0].text in QUOTES:
        first += 1
    if sentence.doc[first].text not in ("At", "In"):
        return route
    place = next((p for p in places_by_sentence[route.sentence + 1] if p.start == first + 1), None)
    if place is None or place.kb_id_ == route.origin:
        return route
    return replace(route, destination=place.kb_id_)


def _adjacent(earlier: int, later: int, places_by_sentence: list[list[Span]]) -> bool:
    """Whether a journey told in sentence ``later`` can go on from sentence ``earlier``: the
    next sentence, or one after sentences that name no place (a quote, a description)."""
    if later - earlier == 1:
        return True
    return 1 < later - earlier <= 3 and not any(places_by_sentence[earlier + 1 : later])


def _goes_on_from_a_return(
    before: Span, sentence: Span, tokens: Tokens, rules: RouteRules
) -> bool:
    """Whether ``sentence`` tells, with a pronoun for the people, the next step of a rescue or
    return the sentence before told, and names no trafficking of its own."""
    if tokens.lower[sentence.start] not in ("they", "he", "she"):
        return False
    words = tokens.lower[sentence.start : sentence.end]
    if any(w.startswith(rules.strong_triggers) for w in words) or "had" in words:
        return False  # "He told her he had been driven from Bangkok ...": the way there
    return any(w.startswith(rules.return_words) for w in tokens.lower[before.start : before.end])


def document_routes(
    doc: Doc, sentences: list[Span], places_by_sentence: list[list[Span]], rules: RouteRules
) -> list[Route]:
    """All route legs of a document, with unnamed origins chained and summaries dropped."""
    found: list[Route] = []
    if not any(places_by_sentence):
        return found
    places_by_sentence = _with_references(doc, sentences, places_by_sentence, rules)
    tokens = Tokens.of(doc, [p for group in places_by_sentence for p in group])
    for index, sentence in enumerate(sentences):
        if not places_by_sentence[index]:
            continue
        context = tokens.lower[sentences[max(0, index - 2)].start : sentence.start]
        carried = []
        if index > 0 and not any(r.sentence == index - 1 for r in found):
            before = sentences[index - 1]
            starts = [
                p
                for p, role in _roles(
                    places_by_sentence[index - 1], before.start, before.end, tokens, rules
                )
                if role == ORIGIN
            ]
            carried = [p for p in starts if _recruited_at(p, rules)]
            stops = [p for p in starts if _stayed_at(p, tokens)]
            if stops:
                carried = stops[-1:]  # the last stop is where the next sentence's leg starts
        if index > 0 and _goes_on_from_a_return(sentences[index - 1], sentence, tokens, rules):
            continue  # "The rescued workers were taken to Phnom Penh. They left on a flight to
            # Jakarta": the same people's way home
        found.extend(
            sentence_routes(
                sentence, index, places_by_sentence[index], context, tokens, rules, carried
            )
        )
    found = [_arrived(r, sentences, places_by_sentence) for r in found]
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
            and (
                route.sentence == last.sentence
                or (
                    (route.continues or last.open_end)
                    and _adjacent(last.sentence, route.sentence, places_by_sentence)
                )
            )
            and last.destination != route.destination
            # "trafficked into Cambodia, then taken to Sihanoukville": the leg did not start
            # from the whole country; its origin stays unnamed.
            and not (
                last.destination in rules.countries and route.destination not in rules.countries
            )
        ):
            if last.open_end and not last.destination and last.origin:
                # "set out from Teknaf and, days later, reached Langkawi": one journey
                chained.remove(last)
                route = replace(route, origin=last.origin)
            else:
                route = replace(route, origin=last.destination)
        chained.append(route)
    chained = [r for r in chained if (r.origin or r.destination) and not (
        r.tentative and not r.destination
    )]
    leaving = {r.origin for r in chained if r.destination}
    # "left Cox's Bazar ... bound for Malaysia" said elsewhere: the departure is covered
    chained = [r for r in chained if not (r.open_end and not r.destination and r.origin in leaving)]
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
