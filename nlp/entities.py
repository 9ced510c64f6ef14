"""Canonical entity mentions from a parsed Doc (pure functions).

The entity ruler has already put gazetteer matches into ``doc.ents`` (with
the canonical name as ``ent_id_``) and the statistical NER has filled the
rest; the CRIME span ruler has put its matches in ``doc.spans``. This module
turns all of that into taxonomy-labelled spans whose ``kb_id_`` is the
canonical name, applying the hard-case conventions of TAXONOMY.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from nlp.gazetteer import Gazetteer
from nlp.taxonomy import CRIME, LOCATION, ORG, PERSON, PLATFORM, RECRUITER

MODEL_PLACE_LABELS = ("GPE", "LOC")
# Last words of the names of scam compounds and economic zones.
COMPOUND_HEADS = {"Park", "Compound", "Zone", "SEZ", "Garden", "Gardens"}
# Words before a crime term that make it about goods, not people.
NOT_PEOPLE_BEFORE = {
    "drug",
    "drugs",
    "arms",
    "wildlife",
    "narcotics",
    "weapons",
    "gun",
    "guns",
    "timber",
    "fuel",
    "goods",
    "cigarette",
    "cigarettes",
    "oil",
    "ivory",
    "gold",
    "organ",
}
NOT_PEOPLE_AFTER = {
    "drugs",
    "goods",
    "weapons",
    "arms",
    "gold",
    "fuel",
    "timber",
    "wildlife",
    "cigarettes",
}
DETERMINERS = {"the", "The", "THE"}
# words a name does not end on: the model's span ran on into the next phrase
TRAILING_FUNCTION_WORDS = {"of", "the", "and", "for", "in", "on", "at"}
DASHES = {"–", "—", "-", "--"}
POSSESSIVES = {"'s", "’s", "'", "’"}
NAME_TOKEN = re.compile(r"^[A-Z][\w'’\-]*\w$|^[A-Z]$", re.UNICODE)
# Dropped from a name the text gives; a persona's "Sir Mark" or "Boss Ton" keeps its title.
COURTESY_TITLES = {"Dr", "Dr.", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Prof.", "Professor"}
NAME_SUFFIXES = {"Jr.", "Sr.", "Jr", "Sr", "II", "III", "IV"}
# Nouns after "said X, a ..." that describe a body, not a person.
BODY_NOUNS = {
    "group", "organisation", "organization", "ngo", "charity", "agency", "company", "firm",
    "network", "foundation", "coalition", "body", "union", "alliance", "association",
    "newspaper", "website", "think", "consultancy", "bank", "platform", "unit", "department",
}
# Words after a name that make it a place's or a market's name ("the Rong Kluea market").
NOT_PERSON_AFTER = {
    "market", "bridge", "road", "temple", "station", "airport", "crossing", "checkpoint",
    "river", "district", "village", "province", "town", "camp", "compound", "resort",
}


@dataclass(frozen=True)
class EntityRules:
    """The word lists and alias tables the rules consult, built once from the gazetteer."""

    aliases: dict[str, tuple[str, str]]
    countries: frozenset[str]
    broad_regions: frozenset[str]
    adjective_heads: frozenset[str]
    adjective_heads_cased: frozenset[str]
    adjective_preceders: tuple[str, ...]
    place_suffixes: frozenset[str]
    fac_place_words: frozenset[str]
    org_head_words: frozenset[str]
    org_noise_prefixes: frozenset[str]
    recruiter_org_words: frozenset[str]
    recruiter_by_verbs: frozenset[str]
    recruiter_subject_verbs: tuple[str, ...]
    compound_words: frozenset[str]
    person_titles: frozenset[str]
    platform_context: frozenset[str]
    platform_credit_words: frozenset[str]
    demonyms: dict[str, str]
    abbreviated_countries: frozenset[str]
    generic_recruiter_words: frozenset[str]
    not_recruiter_before: frozenset[str]
    agent_context: tuple[str, ...]
    place_nouns: frozenset[str]
    government_words: frozenset[str]
    org_noise_words: frozenset[str]
    not_org_last_words: frozenset[str]
    bare_national_bodies: tuple[str, ...]

    @classmethod
    def from_gazetteer(cls, gazetteer: Gazetteer) -> EntityRules:
        lex: dict[str, Any] = gazetteer.lexicon
        return cls(
            aliases=gazetteer.string_aliases(),
            countries=gazetteer.countries,
            broad_regions=frozenset(lex["broad_regions"]),
            adjective_heads=frozenset(lex["adjective_heads"]),
            adjective_heads_cased=frozenset(lex["adjective_heads_cased"]),
            adjective_preceders=tuple(lex["adjective_preceders"]),
            place_suffixes=frozenset(lex["place_suffixes"]),
            fac_place_words=frozenset(lex["fac_place_words"]),
            org_head_words=frozenset(lex["org_head_words"]),
            org_noise_prefixes=frozenset(lex["org_noise_prefixes"]),
            recruiter_org_words=frozenset(lex["recruiter_org_words"]),
            recruiter_by_verbs=frozenset(lex["recruiter_by_verbs"]),
            recruiter_subject_verbs=tuple(lex["recruiter_subject_verbs"]),
            compound_words=frozenset(lex["compound_words"]),
            person_titles=frozenset(lex["person_titles"]),
            platform_context=frozenset(lex["platform_context"]),
            platform_credit_words=frozenset(lex["platform_credit_words"]),
            demonyms=dict(lex["demonyms"]),
            abbreviated_countries=frozenset(lex["abbreviated_countries"]),
            generic_recruiter_words=frozenset(lex["generic_recruiter_words"]),
            not_recruiter_before=frozenset(lex["not_recruiter_before"]),
            agent_context=tuple(lex["agent_context"]),
            place_nouns=frozenset(lex["place_nouns"]),
            government_words=frozenset(lex["government_words"]),
            org_noise_words=frozenset(lex["org_noise_words"]),
            not_org_last_words=frozenset(lex["not_org_last_words"]),
            bare_national_bodies=tuple(lex["bare_national_bodies"]),
        )


NAME_BEFORE_INTRO = "NAME_BEFORE"  # the name is the match's last token
NAME_AFTER_INTRO = "NAME_AFTER"  # the name is the match's first token
NAME_WITH_PREFIX = "NAME_WITH_PREFIX"  # the name starts with the match's first token
NAME_AFTER_SAID = "NAME_AFTER_SAID"  # "said Thida Win, a labour organiser": the second token
NAME_PARTICLES = {"da", "de", "dos", "van", "von", "bin", "binti", "al", "le", "la", "del", "der"}
# Things, not people, that the text may introduce by name ("a compound called ...").
NAMED_THINGS = {
    "compound",
    "company",
    "firm",
    "app",
    "group",
    "platform",
    "network",
    "agency",
    "channel",
    "page",
    "website",
    "site",
    "scheme",
    "operation",
    "village",
    "town",
    "camp",
    "zone",
    "park",
    "area",
    "place",
    "business",
    "casino",
    "hotel",
    "building",
    "project",
    "programme",
    "program",
    "account",
    "vessel",
    "boat",
    "ship",
    "syndicate",
    "gang",
    "militia",
    "marketplace",
}
QUOTES = {'"', "“", "”", "'", "‘", "’"}


def pseudonym_matcher(vocab: Vocab) -> Matcher:
    """Phrases introducing a name the text gives ("called himself Andi", "known only as Rina",
    "said Dewi, 26", "Joseph, a 27-year-old")."""
    name = {"IS_TITLE": True, "IS_ALPHA": True, "LENGTH": {">=": 2}}
    quote = {"ORTH": {"IN": sorted(QUOTES)}, "OP": "?"}
    matcher = Matcher(vocab)
    calling = ["called", "calling", "call", "named", "dubbed", "pseudonym", "alias", "surname"]
    calling += ["nickname"]
    matcher.add(
        NAME_BEFORE_INTRO,
        [
            [
                {"LOWER": {"IN": calling}},
                {
                    "LOWER": {
                        "IN": ["himself", "herself", "themselves", "him", "her", "them", "only"]
                    },
                    "OP": "*",
                },
                {"ORTH": {"IN": [",", ":"]}, "OP": "?"},
                quote,
                name,
            ],
            [
                {
                    "LOWER": {
                        "IN": [
                            "identified",
                            "name",
                            "named",
                            "known",
                            "referred",
                            "introduced",
                            "gave",
                            "giving",
                            "uses",
                            "used",
                            "using",
                            "went",
                            "goes",
                        ]
                    }
                },
                {
                    "LOWER": {
                        "IN": [
                            "only",
                            "to",
                            "by",
                            "here",
                            "himself",
                            "herself",
                            "simply",
                            "his",
                            "her",
                            "their",
                            "name",
                            "the",
                            "a",
                            "first",
                            "under",
                        ]
                    },
                    "OP": "*",
                },
                {"LOWER": {"IN": ["as", "name"]}},
                quote,
                name,
            ],
        ],
    )
    # Karen names keep their prefix: "Saw Chit Thu", "Saw Htoo Eh Moo", "Naw Hser".
    matcher.add(NAME_WITH_PREFIX, [[{"ORTH": {"IN": ["Saw", "Naw"]}}, name]])
    matcher.add(
        NAME_AFTER_SAID,
        [
            [
                {"LOWER": {"IN": ["said", "says", "told"]}},
                name,
                {**name, "OP": "?"},
                {**name, "OP": "?"},
                {"ORTH": ","},
                {"LOWER": {"IN": ["a", "an"]}},
                {"IS_LOWER": True, "LOWER": {"NOT_IN": sorted(BODY_NOUNS)}},
            ]
        ],
    )
    matcher.add(
        NAME_AFTER_INTRO,
        [
            [name, {"ORTH": ","}, {"LIKE_NUM": True}, {"ORTH": {"IN": [",", "."]}}],
            [
                name,
                {"ORTH": ","},
                {"LOWER": {"IN": ["a", "an"]}},
                {"TEXT": {"REGEX": r"^\d+-year-old$"}},
            ],
            [
                name,
                {"ORTH": ","},
                {"LOWER": {"IN": ["a", "an"]}},
                {"LIKE_NUM": True},
                {"ORTH": "-"},
                {"LOWER": "year"},
            ],
        ],
    )
    return matcher


def _followed_by_age(doc: Doc, first: int) -> bool:
    """ "Bikash, 23, which is not his real name": a name with an age is a person's, whatever
    kind of entity the model took the word for (gazetteer places never reach here)."""
    at = first + 2
    return (
        at + 1 < len(doc)
        and doc[first + 1].text == ","
        and doc[at].is_digit
        and len(doc[at].text) == 2
        and 12 <= int(doc[at].text) <= 90
        and doc[at + 1].text == ","
    )


def given_names(
    doc: Doc,
    matcher: Matcher,
    taken: set[int],
    other_entities: set[int],
    model_people: set[int],
) -> dict[tuple[int, int], str]:
    """Token ranges of the names the text gives people, never inside gazetteer matches.

    A name found only by the weak cue ("X, 26,") must not be another kind of entity."""
    before = doc.vocab.strings[NAME_BEFORE_INTRO]
    after_said = doc.vocab.strings[NAME_AFTER_SAID]
    with_prefix = doc.vocab.strings[NAME_WITH_PREFIX]
    found: dict[tuple[int, int], str] = {}
    for match_id, start, end in matcher(doc):
        first = end - 1 if match_id == before else start + (match_id == after_said)
        token = doc[first]
        if first in taken or token.is_stop:
            continue
        if match_id != before:
            # "said Dewi, 26," and "Joseph, a 27-year-old" name people whatever the model says.
            strong = (first > 0 and doc[first - 1].lower_ in ("said", "says", "told")) or (
                end - start > 3 and doc[start + 2].lower_ in ("a", "an")
            )
            # "Wang, 31," where the model knows "Wang Xing": the full name is found elsewhere.
            aged = _followed_by_age(doc, first) and not any(
                doc[i].text == token.text for i in model_people
            )
            strong = strong or match_id == with_prefix or aged
            if (first in model_people and match_id != with_prefix) or (
                first in other_entities and not strong
            ):
                continue
            # "said Somchai Boonmee, 58": the words before belong to the name.
            while (
                first > 0
                and first - 1 not in taken
                and doc[first - 1].is_title
                and doc[first - 1].is_alpha
                and not doc[first - 1].is_stop
            ):
                first -= 1
        if match_id == before and start > 0 and doc[start - 1].lower_ in NAMED_THINGS:
            continue  # "a compound called Golden Lotus Park", "an app called Signal"
        last = first + 1
        # "Daniel Harper", "Jose da Costa": take the following name words too.
        while (
            last < len(doc)
            and last - first < 4
            and last not in taken
            and (doc[last].is_title and doc[last].is_alpha or doc[last].text in NAME_PARTICLES)
        ):
            last += 1
        while doc[last - 1].text in NAME_PARTICLES:
            last -= 1
        if last - first > 1 and doc[last - 1].text in COMPOUND_HEADS:
            continue
        found[(first, last)] = doc[first:last].text
    return found


def _trim(span: Span, rules: EntityRules, strip_place_suffix: bool) -> Span | None:
    """Drop a leading "the", a trailing possessive and (for places) "province"-like words."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and doc[start].text in DETERMINERS:
        start += 1
    while end > start and (
        doc[end - 1].text in POSSESSIVES
        or doc[end - 1].is_punct
        or doc[end - 1].lower_ in TRAILING_FUNCTION_WORDS
    ):
        end -= 1  # "the Directorate of Criminal Investigation of the": the name ends before
    if strip_place_suffix:
        while (
            end - start > 1
            and doc[end - 1].lower_ in rules.place_suffixes
            and doc[end - 1].is_lower
        ):
            end -= 1
    if start >= end:
        return None
    return doc[start:end]


def is_adjective_use(span: Span, rules: EntityRules) -> bool:
    """A country name used as a modifier ("UK analysts", "the Ambassador of Sri Lanka")."""
    doc = span.doc
    if span.end < len(doc):
        following = doc[span.end]
        if following.text in rules.adjective_heads_cased:
            return True
        # "Malaysia's prime minister", "Kenya's foreign ministry" (not "Myanmar's Shan State").
        if following.text in POSSESSIVES and span.end + 1 < len(doc):
            owned = doc[span.end + 1]
            if owned.text in rules.adjective_heads_cased or (
                owned.is_lower and owned.lower_ not in rules.place_nouns
            ):
                return True
        # "US agency", "US Department of Justice", "US-based": abbreviations used as modifiers.
        if span.text in rules.abbreviated_countries and (
            following.tag_.startswith(("NN", "JJ")) or following.text == "-"
        ):
            return True
        if following.is_lower and following.lower_ in rules.adjective_heads:
            return True
    before = " ".join(t.lower_ for t in doc[max(0, span.start - 3) : span.start])
    return any(before.endswith(p) for p in rules.adjective_preceders)


def _platform_in_use(span: Span, rules: EntityRules) -> bool:
    """A platform counts where its sentence speaks of recruiting, deceiving, paying, laundering."""
    doc = span.doc
    before = {t.lower_ for t in doc[max(0, span.start - 3) : span.start]}
    if before & rules.platform_credit_words:
        return False
    for token in span.sent:
        word = token.lower_
        if word in rules.platform_context or word.startswith(
            ("recruit", "scam", "launder", "traffick")
        ):
            return True
    return False


def _is_recruiter_org(span: Span, rules: EntityRules) -> bool:
    """An organisation the sentence shows recruiting, trafficking or running compounds."""
    if any(t.text in rules.government_words for t in span):
        return False  # "Department of Foreign Employment" regulates recruiters
    if any(t.text in rules.recruiter_org_words for t in span):
        return True
    root = span.root
    head = root.head
    if root.dep_ == "pobj" and head.lower_ == "by" and head.head.lower_ in rules.recruiter_by_verbs:
        return any(t.lower_ in rules.compound_words for t in span.sent)
    if root.dep_ in ("nsubj", "nsubjpass") and root.dep_ == "nsubj":
        return head.lower_.startswith(rules.recruiter_subject_verbs)
    return False


def _clean_text(span: Span) -> str:
    return " ".join(span.text.replace("’", "'").split())


def _looks_like_name(span: Span) -> bool:
    return (
        all(
            NAME_TOKEN.match(t.text)
            or t.text in ("-", "'")
            or t.text in NAME_PARTICLES
            or (t.i > span.start and t.text in NAME_SUFFIXES)
            for t in span
        )
        and span[0].text not in NAME_PARTICLES
    )


def canonical_mentions(
    doc: Doc, rules: EntityRules, pseudonyms: Matcher, crime_key: str
) -> list[Span]:
    """Taxonomy-labelled spans (``label_`` = label, ``kb_id_`` = canonical name), in text order."""
    out: list[Span] = []
    ents = list(doc.ents)
    ruler_ents = [e for e in ents if e.ent_id_]

    # Names the text gives people ("who called himself Andi"), claimed before the model's guesses.
    claimed: set[int] = set()
    ruler_tokens = {i for e in ruler_ents for i in range(e.start, e.end)}
    other_entities = {
        i for e in ents if not e.ent_id_ and e.label_ != "PERSON" for i in range(e.start, e.end)
    }
    model_people = {
        i for e in ents if e.label_ == "PERSON" and len(e) > 1 for i in range(e.start, e.end)
    }
    given = {}
    for start, end in given_names(
        doc, pseudonyms, ruler_tokens, other_entities, model_people
    ):
        # "said Dr Ratna Dewi, a researcher": the title is not part of the name.
        while end - start > 1 and doc[start].text in COURTESY_TITLES:
            start += 1
        if doc[start:end].text not in rules.demonyms.values():  # "forced to call Thai people"
            given[(start, end)] = doc[start:end].text
    if given:
        names = set(given.values())
        first_words = {name.split()[0]: name for name in names}
        for (start, end), name in given.items():
            out.append(Span(doc, start, end, label=PERSON, kb_id=name))
            claimed.update(range(start, end))
        for token in doc:
            name = first_words.get(token.text)
            if name and token.i not in ruler_tokens and token.i not in claimed:
                length = len(name.split())
                if doc[token.i : token.i + length].text != name:
                    length = 1
                out.append(Span(doc, token.i, token.i + length, label=PERSON, kb_id=name))
                claimed.update(range(token.i, token.i + length))

    previous: Span | None = None
    singles: list[Span] = []
    from_model: set[int] = set()
    for ent in ents:
        if any(i in claimed for i in range(ent.start, ent.end)):
            previous = ent
            continue
        if ent.ent_id_:
            # "Bank of" + "Thailand": the place is part of the organisation's name.
            if (
                ent.label_ == LOCATION
                and previous is not None
                and not previous.ent_id_
                and previous.end == ent.start
                and previous[-1].lower_ in ("of", "the")
                and out
                and out[-1].label_ in (ORG, RECRUITER)
                and out[-1].end <= ent.start
                and all(t.lower_ in ("of", "the") for t in doc[out[-1].end : ent.start])
            ):
                org = out.pop()
                merged = doc[org.start : ent.end]
                name = _clean_text(merged)
                if org.kb_id_.startswith("Ministry ") and ent.ent_id_ in rules.demonyms:
                    # "the Ministry of Labour of Vietnam" -> "Vietnamese Ministry of Labour"
                    name = f"{rules.demonyms[ent.ent_id_]} {org.kb_id_}"
                out.append(Span(doc, org.start, ent.end, label=org.label_, kb_id=name))
                previous = ent
                continue
            mention = _from_gazetteer(ent, ent.label_, ent.ent_id_, rules)
            if mention is not None:
                out.append(mention)
            previous = ent
            continue
        mention = _from_model(ent, previous, rules, out)
        previous = ent
        if mention is None:
            continue
        if mention.label_ == PERSON and len(mention) == 1:
            singles.append(mention)
        else:
            from_model.add(mention.start)
            out.append(mention)

    # A lone surname or first name counts only as a person already named in full.
    full_names: dict[str, str] = {}
    for m in out:
        if m.label_ == PERSON and " " in m.kb_id_:
            for part in m.kb_id_.split():
                full_names.setdefault(part, m.kb_id_)
    for m in singles:
        name = full_names.get(m.text)
        if name:
            out.append(Span(doc, m.start, m.end, label=PERSON, kb_id=name))
    out.extend(_dateline_mentions(doc, rules, out))
    out = _bodies_named_after_places(doc, out, rules)
    _prefix_ministries(out, rules)
    out = link_acronyms(doc, out)
    out.extend(_repeated_names(doc, out, from_model, claimed | ruler_tokens))
    # A model place or organisation that is one word of a person's name ("Bai" of Bai Suocheng).
    out = [
        m
        for m in out
        if not (
            m.label_ in (LOCATION, ORG)
            and len(m) == 1
            and m.start in from_model
            and m.text in full_names
        )
    ]

    out.extend(crime_mentions(doc, crime_key))
    unique = {(m.start, m.end, m.label_, m.kb_id_): m for m in out}
    return sorted(unique.values(), key=lambda m: (m.start, m.end))


def _is_unnamed_recruiter(span: Span, rules: EntityRules) -> bool:
    """Bare "brokers" or "agents" count only where people are recruited, not crypto brokers."""
    doc = span.doc
    before = {t.lower_ for t in doc[max(0, span.start - 2) : span.start]}
    if before & rules.not_recruiter_before:
        return False
    if span.text.lower().startswith(("agent", "middlem")):
        return any(t.lower_.startswith(rules.agent_context) for t in span.sent)
    return True


def _repeated_names(
    doc: Doc, mentions: list[Span], from_model: set[int], taken: set[int]
) -> list[Span]:
    """Other occurrences of a multi-word name the model found once ("Golden Lotus Park")."""
    covered = set(taken)
    for m in mentions:
        covered.update(range(m.start, m.end))
    found: list[Span] = []
    names = {(m.text, m.label_, m.kb_id_) for m in mentions if m.start in from_model and len(m) > 1}
    for text, label, name in names:
        at = doc.text.find(text)
        while at >= 0:
            span = doc.char_span(at, at + len(text))
            if span is not None and not any(i in covered for i in range(span.start, span.end)):
                found.append(Span(doc, span.start, span.end, label=label, kb_id=name))
                covered.update(range(span.start, span.end))
            at = doc.text.find(text, at + len(text))
    return found


def _is_acronym_of(acronym: str, name: str) -> bool:
    """ "MWRN" of "Migrant Workers Rights Network": its letters start the name's words in
    order (small words may be skipped)."""
    initials = [w[0].upper() for w in re.split(r"[\s\-]+", name) if w]
    position = 0
    for letter in acronym:
        while position < len(initials) and initials[position] != letter:
            position += 1
        if position == len(initials):
            return False
        position += 1
    return acronym[0] == initials[0]


def link_acronyms(doc: Doc, mentions: list[Span]) -> list[Span]:
    """A body named once with its acronym ("the Migrant Workers Rights Network (MWRN)") is
    the same entity wherever the acronym recurs; a known acronym's canonical name wins."""
    linked: dict[str, tuple[str, str]] = {}
    for m in mentions:
        if m.label_ not in (ORG, RECRUITER) or m.end + 2 >= len(doc):
            continue
        opening, acronym, closing = doc[m.end], doc[m.end + 1], doc[m.end + 2]
        if opening.text != "(" or closing.text != ")" or not acronym.is_upper:
            continue
        if len(acronym.text) < 2 or not _is_acronym_of(acronym.text, m.text):
            continue
        known = acronym.ent_id_ if acronym.ent_type_ in (ORG, RECRUITER) else ""
        linked[acronym.text] = (m.label_, known or m.kb_id_)
    if not linked:
        return mentions
    out: list[Span] = []
    covered: set[int] = set()
    names = {label_name[1] for label_name in linked.values()}
    for m in mentions:
        target = linked.get(m.text)
        if target is None and m.label_ in (ORG, RECRUITER):
            # the full name itself, when the acronym is the known canonical name
            for acronym, (_, name) in linked.items():
                if name == acronym and m.kb_id_ != name and _is_acronym_of(acronym, m.text):
                    target = (m.label_, name)
        if target is not None and m.label_ in (ORG, RECRUITER, LOCATION, PERSON):
            m = Span(doc, m.start, m.end, label=target[0], kb_id=target[1])
        out.append(m)
        covered.update(range(m.start, m.end))
    for token in doc:
        target = linked.get(token.text)
        if target is not None and token.i not in covered and target[1] in names:
            out.append(Span(doc, token.i, token.i + 1, label=target[0], kb_id=target[1]))
    return out


def story_country(doc: Doc, rules: EntityRules) -> str | None:
    """The country a story is about: the first it names, as a place, an adjective ("Sri
    Lankan authorities", "Kenya's government") or inside a body's name ("Sri Lanka Bureau")."""
    by_demonym = {d: c for c, d in rules.demonyms.items()}
    first: tuple[int, str] | None = None
    for ent in doc.ents:
        if ent.ent_id_ in rules.demonyms:
            first = (ent.start, ent.ent_id_)
            break
    for token in doc[: first[0] if first else len(doc)]:
        if not token.is_title:
            continue
        country = by_demonym.get(token.text)
        if token.i + 1 < len(doc):
            country = by_demonym.get(f"{token.text} {doc[token.i + 1].text}", country)
        if country:
            return country
    return first[1] if first else None


def _owner_country(doc: Doc, start: int, rules: EntityRules) -> str | None:
    """The country in "<country>'s" just before ``start`` ("Sri Lanka's Ministry of Foreign
    Affairs", "Timor-Leste's"), however many words its name has."""
    end = start - 1  # the possessive
    for length in (3, 2, 1):
        if end - length < 0:
            continue
        owner = rules.aliases.get(doc[end - length : end].text.lower())
        if owner and owner[1] in rules.demonyms:
            return owner[1]
    return None


def _prefix_ministries(mentions: list[Span], rules: EntityRules) -> None:
    """ "the Ministry of Commerce" in a story about one country -> "Thai Ministry of Commerce"."""
    bare = [
        i
        for i, m in enumerate(mentions)
        if m.label_ == ORG and m.kb_id_.startswith(rules.bare_national_bodies)
    ]
    if not bare:
        return
    doc = mentions[bare[0]].doc
    story = story_country(doc, rules)
    by_demonym = {d: c for c, d in rules.demonyms.items()}
    for i in bare:
        m = mentions[i]
        country = story
        # "Kenya's foreign ministry", "the Kenyan foreign ministry": the text says whose.
        if m.start >= 2 and doc[m.start - 1].text in POSSESSIVES:
            country = _owner_country(doc, m.start, rules) or country
        elif m.start >= 1 and doc[m.start - 1].text in by_demonym:
            country = by_demonym[doc[m.start - 1].text]
        if country is None:
            continue
        name = f"{rules.demonyms[country]} {m.kb_id_}"
        mentions[i] = Span(doc, m.start, m.end, label=ORG, kb_id=name)


def _from_gazetteer(span: Span, label: str, name: str, rules: EntityRules) -> Span | None:
    if label == LOCATION and name in rules.countries and is_adjective_use(span, rules):
        return None
    if (
        label == RECRUITER
        and span.text.lower() in rules.generic_recruiter_words
        and not _is_unnamed_recruiter(span, rules)
    ):
        return None
    if label == PLATFORM and not _platform_in_use(span, rules):
        return None
    return Span(span.doc, span.start, span.end, label=label, kb_id=name)


def _from_model(
    ent: Span, previous: Span | None, rules: EntityRules, out: list[Span]
) -> Span | None:
    """Map one statistical entity onto the taxonomy, or None for noise."""
    label = ent.label_
    if label not in ("GPE", "LOC", "FAC", "ORG", "PERSON"):
        return None
    span = _trim(ent, rules, strip_place_suffix=label in ("GPE", "LOC", "FAC"))
    if span is None:
        return None
    if _is_dateline(span):
        return _dateline_place(span, rules)
    text = _clean_text(span)
    known = rules.aliases.get(text.lower())
    if known is not None:
        return _from_gazetteer(span, known[0], known[1], rules)
    if not text[:1].isupper() or any(ch.isdigit() for ch in text):
        return None
    doc = span.doc
    if label in MODEL_PLACE_LABELS or label == "FAC":
        if text.lower() in rules.broad_regions or text in rules.demonyms.values():
            return None
        if label == "FAC" and span[-1].lower_ not in rules.fac_place_words:
            return None
        if not _looks_like_name(span):
            return None
        return Span(doc, span.start, span.end, label=LOCATION, kb_id=text)
    if label == "ORG" and span[-1].text in COMPOUND_HEADS and _looks_like_name(span):
        # "Golden Lotus Park": a named compound the gazetteers do not know yet.
        return Span(doc, span.start, span.end, label=LOCATION, kb_id=text)
    if label == "ORG":
        span = _run_on_name(span)
        return _org_mention(span, _clean_text(span), previous, rules, out)
    return _person_mention(span, rules)


def _org_mention(
    span: Span, text: str, previous: Span | None, rules: EntityRules, out: list[Span]
) -> Span | None:
    doc = span.doc
    if span[0].lower_ in rules.org_noise_prefixes or span[-1].text in rules.not_org_last_words:
        return None
    if len(span) == 1 and (
        span[0].text in rules.org_noise_words or "." in span[0].text or len(span[0]) <= 2
    ):
        return None
    if len(span) == 1 and not span[0].is_upper and (span[0].is_sent_start or not span[0].is_title):
        return None
    if text.lower() in rules.broad_regions or text in rules.demonyms.values():
        return None  # "the Philippine Bureau of Immigration": the demonym alone is no body
    if _is_dateline(span):
        return None  # "KUALA LUMPUR – ...", "COX'S BAZAR – ..."
    if (
        len(span) == 1
        and span.end < len(doc)
        and doc[span.end].tag_ == "NNS"
        and doc[span.end].is_lower
    ):
        return None  # "Shan migrants", "Karen villagers": a people, used as a modifier
    listed = _listed_name_before(span, out)
    if listed is not None:
        return listed
    person = _person_of_place(span, rules)
    if person is not None:
        return person
    start = span.start
    # "the Mekong River Commission" split by the ruler into a place plus "Commission".
    if previous is not None and previous.end == start and previous.ent_id_:
        if previous.label_ == ORG:
            return None
        if previous.label_ == LOCATION and span[0].text in rules.org_head_words:
            out[:] = [m for m in out if not (m.start == previous.start and m.label_ == LOCATION)]
            merged = doc[previous.start : span.end]
            return Span(doc, merged.start, merged.end, label=ORG, kb_id=_clean_text(merged))
    # "Indonesia's Ministry of Foreign Affairs" -> "Indonesian Ministry of Foreign Affairs".
    if (
        span[0].text in ("Ministry", "Department")
        and start >= 2
        and doc[start - 1].text in POSSESSIVES
    ):
        country = _owner_country(doc, start, rules)
        if country:
            text = f"{rules.demonyms[country]} {text}"
    label = RECRUITER if _is_recruiter_org(span, rules) else ORG
    return Span(doc, span.start, span.end, label=label, kb_id=text)


def _run_on_name(span: Span) -> Span:
    """The model's organisation with the proper-noun words it left off its end ("the Office of
    the Attorney" + "General"), up to the first word that is not part of a name."""
    doc = span.doc
    end = span.end
    while (
        end < len(doc)
        and end - span.start < 10
        and doc[end].tag_ == "NNP"
        and doc[end].is_title
        and doc[end].is_alpha
        and not doc[end].ent_type_
        and not doc[end].is_sent_start
    ):
        end += 1
    return span if end == span.end else doc[span.start : end]


def _listed_name_before(span: Span, out: list[Span]) -> Span | None:
    """ "the Ministry of Labour, Invalids and Social Affairs": a known body's name that goes on
    with a list of capitalised words, which the model read as a second organisation."""
    if not out or out[-1].label_ != ORG:
        return None
    if not out[-1].kb_id_.startswith(("Ministry ", "Department ")):
        return None
    doc = span.doc
    known = out[-1]
    gap = doc[known.end : span.start]
    if not 1 <= len(gap) <= 4 or gap[0].text != "," or not any(t.lower_ == "and" for t in gap):
        return None
    if not all(t.text == "," or t.lower_ == "and" or t.is_title for t in gap):
        return None
    out.pop()
    merged = doc[known.start : span.end]
    return Span(doc, merged.start, merged.end, label=ORG, kb_id=_clean_text(merged))


def _bodies_named_after_places(doc: Doc, found: list[Span], rules: EntityRules) -> list[Span]:
    """ "the Bangladesh Meteorological Department": a place the ruler claimed, followed by
    capitalised words ending in a body's head word, is the start of that body's name (and the
    place inside a name is not counted, TAXONOMY.md)."""
    taken = {i for m in found for i in range(m.start, m.end)}
    result: list[Span] = []
    for m in found:
        if m.label_ != LOCATION:
            result.append(m)
            continue
        end, last_head = m.end, None
        while end < len(doc) and end - m.end < 6 and end not in taken:
            token = doc[end]
            if not (token.is_title or token.text == "-" or token.is_upper) or not (
                token.is_alpha or token.text == "-"
            ):
                break
            end += 1
            if token.text in rules.org_head_words:
                last_head = end
        if last_head is None or last_head - m.end < 2:
            result.append(m)  # "Thailand Police": too little to be sure it is one name
            continue
        name = doc[m.start : last_head]
        result.append(Span(doc, m.start, last_head, label=ORG, kb_id=_clean_text(name)))
    return result


def _dateline_mentions(doc: Doc, rules: EntityRules, found: list[Span]) -> list[Span]:
    """Known places written as an all-capitals dateline that no other rule tagged ("GENEVA –
    The agency said")."""
    covered = {i for m in found for i in range(m.start, m.end)}
    places: list[Span] = []
    for sentence in doc.sents:
        end = sentence.start
        while end < len(doc) and end - sentence.start < 4 and doc[end].is_upper:
            end += 1
        if end == sentence.start or end >= len(doc) or doc[end].text not in DASHES:
            continue
        if any(i in covered for i in range(sentence.start, end)):
            continue
        known = rules.aliases.get(doc[sentence.start : end].text.lower())
        if known is not None and known[0] == LOCATION:
            places.append(Span(doc, sentence.start, end, label=LOCATION, kb_id=known[1]))
    return places


def _dateline_place(span: Span, rules: EntityRules) -> Span | None:
    """The place of an all-capitals dateline ("GENEVA –", "BANDAR SERI BEGAWAN –", "TAWAU,
    Malaysia"), whatever label the model gave its words: the whole run of capitals is one
    place, spelled as the gazetteer spells it or else in title case."""
    doc = span.doc
    start = span.sent.start
    end = start
    while end < len(doc) and doc[end].text not in DASHES and doc[end].text != ",":
        end += 1
    words = doc[start:end]
    if not 1 <= len(words) <= 4 or not (start <= span.start and span.end <= end):
        return None
    known = rules.aliases.get(words.text.lower())
    if known is not None:
        if known[0] != LOCATION:
            return None
        return Span(doc, start, end, label=LOCATION, kb_id=known[1])
    if not all(t.is_alpha and len(t) > 2 for t in words):
        return None  # "MR", "AI": initials and acronyms, not a town
    name = " ".join(t.text.capitalize() for t in words)
    return Span(doc, start, end, label=LOCATION, kb_id=name)


def _is_dateline(span: Span) -> bool:
    """Whether the span is (part of) an all-capitals dateline opening a paragraph."""
    doc = span.doc
    if not all(t.is_upper or not t.is_alpha for t in span) or not span[0].is_sent_start:
        return False
    for token in doc[span.end : span.end + 4]:
        if token.text in DASHES or token.text == ",":
            return True
        if not (token.is_upper or token.is_punct):
            return False
    return False


def _person_of_place(span: Span, rules: EntityRules) -> Span | None:
    """ "Siti Rahmah Yusof of Brunei": the model's organisation is a person and where they are
    from; the person is kept (not "Bank of Thailand", whose head word names a body)."""
    doc = span.doc
    words = [t.text for t in span]
    if "of" in words:
        cut = span.start + words.index("of")
        tail = doc[cut + 1 : span.end]
    elif span.end + 1 < len(doc) and doc[span.end].lower_ == "of":
        cut = span.end  # the model's span stopped at "of" before the ruler's place
        tail = next(
            (
                doc[cut + 1 : cut + 1 + n]
                for n in (3, 2, 1)
                if doc[cut + 1 : cut + 1 + n].text.lower() in rules.aliases
            ),
            doc[cut + 1 : cut + 2],
        )
    else:
        return None
    head = doc[span.start : cut]
    place = rules.aliases.get(tail.text.lower())
    if (
        not 2 <= len(head) <= 4
        or place is None
        or place[0] != LOCATION
        or any(t.text in rules.org_head_words for t in head)
        or not all(t.is_title and t.is_alpha for t in head)
    ):
        return None
    return _person_mention(head, rules)


def _person_mention(span: Span, rules: EntityRules) -> Span | None:
    doc = span.doc
    start, end = span.start, span.end
    while start < end and doc[start].text in rules.person_titles:
        start += 1
    if start >= end:
        return None
    span = doc[start:end]
    if span[0].lower_ in rules.org_noise_prefixes:
        return None
    if any(t.text in rules.recruiter_org_words for t in span):
        return Span(doc, span.start, span.end, label=RECRUITER, kb_id=_clean_text(span))
    # People named only by an initial do not count.
    if any(len(t.text.rstrip(".")) <= 1 for t in span) or not _looks_like_name(span):
        return None
    if span.text in rules.demonyms.values():
        return None  # "Sri Lankan", "Thai" tagged as a person
    if span.end < len(doc) and doc[span.end].lower_ in NOT_PERSON_AFTER:
        return None  # "near the Rong Kluea market"
    return Span(doc, span.start, span.end, label=PERSON, kb_id=_clean_text(span))


def _outermost(spans: list[Span]) -> list[Span]:
    """Spans not lying inside a longer one ("forced to scam" hides "scam"); partial overlaps
    stay ("investment scam operations" is investment fraud and an online scam), and so does a
    whole term at the end of a coerced act ("forced them to work in online scams", "told to
    run investment scams")."""
    return [
        s
        for s in spans
        if not any(
            o is not s
            and o.start <= s.start
            and s.end <= o.end
            and len(o) > len(s)
            and not (len(s) > 1 and s.end == o.end and o.id_ != s.id_)
            for o in spans
        )
    ]


def crime_mentions(doc: Doc, crime_key: str) -> list[Span]:
    """CRIME spans from the span ruler, longest first, minus drug or goods trafficking."""
    if crime_key not in doc.spans:
        return []
    found: list[Span] = []
    for span in _outermost(list(doc.spans[crime_key])):
        before = doc[span.start - 1].lower_ if span.start > 0 else ""
        after = (
            doc[span.end + 1].lower_
            if span.end + 1 < len(doc) and doc[span.end].lower_ == "of"
            else ""
        )
        if before in NOT_PEOPLE_BEFORE or after in NOT_PEOPLE_AFTER:
            continue
        found.append(Span(doc, span.start, span.end, label=CRIME, kb_id=span.id_))
    return found
