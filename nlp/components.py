"""The custom spaCy components of the extraction pipeline.

Registered by importing this module; ``nlp.pipeline.build_pipeline`` adds
them after the statistical NER:

* ``scamtrace_paragraphs`` - before the parser: a blank line starts a sentence;
* ``scamtrace_entities`` - canonical, taxonomy-labelled mentions in
  ``doc.spans["scamtrace"]`` (``label_`` = label, ``kb_id_`` = canonical name);
* ``scamtrace_relations`` - relation rows in ``doc._.scamtrace_relations``;
* ``scamtrace_relevance`` - ``doc._.scamtrace_relevance``; platforms and
  routes in an off-topic document are dropped (no platform there was used to
  recruit or deceive, no journey was a trafficking route).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from nlp.entities import EntityRules, canonical_mentions, pseudonym_matcher
from nlp.gazetteer import load_gazetteer
from nlp.records import Mention, entity_key
from nlp.relations import RelationRules, document_relations
from nlp.relevance import is_relevant, relevance_model, score_relevance
from nlp.routes import RouteRules
from nlp.taxonomy import PLATFORM, ROUTE

MENTIONS_KEY = "scamtrace"
CRIME_MATCHES_KEY = "crime_matches"
PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")

for _name, _default in (("scamtrace_relations", None), ("scamtrace_relevance", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def _gazetteer_dir(value: str) -> Path | None:
    return Path(value) if value else None


class EntityComponent:
    def __init__(self, nlp: Language, gazetteer_dir: str) -> None:
        gazetteer = load_gazetteer(_gazetteer_dir(gazetteer_dir))
        self.rules = EntityRules.from_gazetteer(gazetteer)
        self.pseudonyms = pseudonym_matcher(nlp.vocab)

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[MENTIONS_KEY] = canonical_mentions(
            doc, self.rules, self.pseudonyms, CRIME_MATCHES_KEY
        )
        return doc


class RelationComponent:
    def __init__(self, gazetteer_dir: str) -> None:
        gazetteer = load_gazetteer(_gazetteer_dir(gazetteer_dir))
        lexicon = gazetteer.lexicon
        self.rules = RelationRules(
            RouteRules.from_lexicon(lexicon, gazetteer.compounds, gazetteer.countries),
            gazetteer.countries,
            tuple(lexicon["operates_words"]),
        )

    def __call__(self, doc: Doc) -> Doc:
        doc._.scamtrace_relations = document_relations(
            doc, list(doc.spans[MENTIONS_KEY]), self.rules
        )
        return doc


def relevance_component(doc: Doc, model_score: float | None = None) -> Doc:
    mentions = [
        Mention(s.label_, s.kb_id_, s.text, 0, s.start_char, s.end_char)
        for s in doc.spans[MENTIONS_KEY]
    ]
    relations = doc._.scamtrace_relations or []
    routes = sum(1 for row in relations if row[0] == ROUTE)
    score = score_relevance(doc.text, mentions, routes, model_score)
    doc._.scamtrace_relevance = score
    if not is_relevant(score):
        # Off-topic: platforms were not used to recruit or deceive, journeys are not routes.
        platforms = {
            entity_key(PLATFORM, s.kb_id_) for s in doc.spans[MENTIONS_KEY] if s.label_ == PLATFORM
        }
        doc.spans[MENTIONS_KEY] = [s for s in doc.spans[MENTIONS_KEY] if s.label_ != PLATFORM]
        doc._.scamtrace_relations = [
            r
            for r in relations
            if r[0] != ROUTE and r[1] not in platforms and r[2] not in platforms
        ]
    return doc


class RelevanceComponent:
    """Scores relevance one batch of texts at a time: scikit-learn's fixed cost per call
    (input checks, the transformers' set-up) was a fifth of extraction time per document."""

    def __call__(self, doc: Doc) -> Doc:
        return relevance_component(doc)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            scores = relevance_model().score([doc.text for doc in batch])
            for doc, model_score in zip(batch, scores, strict=True):
                yield relevance_component(doc, model_score)


@Language.component("scamtrace_paragraphs")
def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line ends a sentence: the parser otherwise runs a paragraph's last sentence
    into the next paragraph's first, and a place of one is read as the origin of the other."""
    for match in PARAGRAPH_BREAK.finditer(doc.text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is not None and span.end < len(doc):
            doc[span.end].is_sent_start = True
    return doc


@Language.factory("scamtrace_entities", default_config={"gazetteer_dir": ""})
def make_entities(nlp: Language, name: str, gazetteer_dir: str) -> EntityComponent:
    return EntityComponent(nlp, gazetteer_dir)


@Language.factory("scamtrace_relations", default_config={"gazetteer_dir": ""})
def make_relations(nlp: Language, name: str, gazetteer_dir: str) -> RelationComponent:
    return RelationComponent(gazetteer_dir)


@Language.factory("scamtrace_relevance")
def make_relevance(nlp: Language, name: str) -> RelevanceComponent:
    return RelevanceComponent()
