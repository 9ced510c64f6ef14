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
from spacy.util import filter_spans
from spacy.vocab import Vocab

from nlp.gazetteer import Gazetteer
from nlp.taxonomy import CRIME, LOCATION, ORG, PERSON, PLATFORM, RECRUITER

MODEL_PLACE_LABELS = ("GPE", "LOC")
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
POSSESSIVES = {"'s", "’s", "'", "’"}
NAME_TOKEN = re.compile(r"^[A-Z][\w'’\-]*\w$|^[A-Z]$", re.UNICODE)


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
        )


def pseudonym_matcher(vocab: Vocab) -> Matcher:
    """Phrases introducing a name the text gives ("called himself Andi", "known only as Rina")."""
    name = {"IS_TITLE": True, "IS_ALPHA": True, "LENGTH": {">=": 2}}
    matcher = Matcher(vocab)
    matcher.add(
        "PSEUDONYM",
        [
            [
                {
                    "LOWER": {
                        "IN": ["called", "calling", "call", "named", "dubbed", "pseudonym", "alias"]
                    }
                },
                {
                    "LOWER": {"IN": ["himself", "herself", "themselves", "him", "her", "them"]},
                    "OP": "?",
                },
                name,
            ],
            [
                {
                    "LOWER": {
                        "IN": ["identified", "name", "named", "known", "referred", "introduced"]
                    }
                },
                {
                    "LOWER": {"IN": ["only", "to", "by", "here", "himself", "herself", "simply"]},
                    "OP": "*",
                },
                {"LOWER": "as"},
                name,
            ],
        ],
    )
    return matcher


def _trim(span: Span, rules: EntityRules, strip_place_suffix: bool) -> Span | None:
    """Drop a leading "the", a trailing possessive and (for places) "province"-like words."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and doc[start].text in DETERMINERS:
        start += 1
    while end > start and (doc[end - 1].text in POSSESSIVES or doc[end - 1].is_punct):
        end -= 1
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
    return all(NAME_TOKEN.match(t.text) or t.text in ("-", "'") for t in span)


def canonical_mentions(
    doc: Doc, rules: EntityRules, pseudonyms: Matcher, crime_key: str
) -> list[Span]:
    """Taxonomy-labelled spans (``label_`` = label, ``kb_id_`` = canonical name), in text order."""
    out: list[Span] = []
    ents = list(doc.ents)
    ruler_ents = [e for e in ents if e.ent_id_]

    # Names the text gives people ("who called himself Andi"), claimed before the model's guesses.
    pseudonym_names: set[str] = set()
    claimed: set[int] = set()
    ruler_tokens = {i for e in ruler_ents for i in range(e.start, e.end)}
    for _, _, end in pseudonyms(doc):
        token = doc[end - 1]
        if token.i in ruler_tokens or token.is_stop:
            continue
        pseudonym_names.add(token.text)
    if pseudonym_names:
        for token in doc:
            if token.text in pseudonym_names and token.i not in ruler_tokens:
                out.append(Span(doc, token.i, token.i + 1, label=PERSON, kb_id=token.text))
                claimed.add(token.i)

    previous: Span | None = None
    singles: list[Span] = []
    for ent in ents:
        if any(i in claimed for i in range(ent.start, ent.end)):
            previous = ent
            continue
        if ent.ent_id_:
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

    out.extend(crime_mentions(doc, crime_key))
    unique = {(m.start, m.end, m.label_, m.kb_id_): m for m in out}
    return sorted(unique.values(), key=lambda m: (m.start, m.end))


def _from_gazetteer(span: Span, label: str, name: str, rules: EntityRules) -> Span | None:
    if label == LOCATION and name in rules.countries and is_adjective_use(span, rules):
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
    if label == "ORG":
        return _org_mention(span, text, previous, rules, out)
    return _person_mention(span, rules)


def _org_mention(
    span: Span, text: str, previous: Span | None, rules: EntityRules, out: list[Span]
) -> Span | None:
    doc = span.doc
    if span[0].lower_ in rules.org_noise_prefixes:
        return None
    if len(span) == 1 and not span[0].is_upper and (span[0].is_sent_start or not span[0].is_title):
        return None
    if text.lower() in rules.broad_regions:
        return None
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
    if span[0].text == "Ministry" and start >= 2 and doc[start - 1].text in POSSESSIVES:
        country = rules.aliases.get(doc[start - 2].text.lower())
        if country and country[1] in rules.demonyms:
            text = f"{rules.demonyms[country[1]]} {text}"
    label = RECRUITER if _is_recruiter_org(span, rules) else ORG
    return Span(doc, span.start, span.end, label=label, kb_id=text)


def _person_mention(span: Span, rules: EntityRules) -> Span | None:
    doc = span.doc
    start, end = span.start, span.end
    while start < end and doc[start].text in rules.person_titles:
        start += 1
    if start >= end:
        return None
    span = doc[start:end]
    # People named only by an initial do not count.
    if any(len(t.text.rstrip(".")) <= 1 for t in span) or not _looks_like_name(span):
        return None
    return Span(doc, span.start, span.end, label=PERSON, kb_id=_clean_text(span))


def crime_mentions(doc: Doc, crime_key: str) -> list[Span]:
    """CRIME spans from the span ruler, longest first, minus drug or goods trafficking."""
    if crime_key not in doc.spans:
        return []
    found: list[Span] = []
    for span in filter_spans(list(doc.spans[crime_key])):
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
