"""The extraction pipeline: one spaCy Language built from settings and data.

``spacy.load(model)`` (without the lemmatizer, which nothing uses), an
``entity_ruler`` before ``ner`` fed from the gazetteer JSONL files so that
gazetteer matches win and the model fills the gaps, a ``span_ruler`` for the
closed CRIME list (its matches may overlap entities), and the custom
components of ``nlp.components``.
"""

from __future__ import annotations

import spacy
from spacy.language import Language

import nlp.components  # noqa: F401  (registers the custom components)
from ingest.errors import ConfigError
from nlp.components import CRIME_MATCHES_KEY
from nlp.gazetteer import load_gazetteer
from nlp.settings import NlpSettings

__all__ = ["NlpSettings", "build_pipeline"]

# Nothing reads lemmas or coarse POS tags (the rules use fine-grained tags), so the
# lemmatizer and the attribute ruler that feeds it are left out for speed.
UNUSED_COMPONENTS = ("lemmatizer", "attribute_ruler")


def build_pipeline(settings: NlpSettings) -> Language:
    """Load the model and add the gazetteer rulers and the scamtrace components."""
    try:
        nlp = spacy.load(settings.model, exclude=list(UNUSED_COMPONENTS))
    except OSError as exc:
        raise ConfigError(f"spaCy model {settings.model!r} cannot be loaded: {exc}") from exc
    gazetteer = load_gazetteer(settings.gazetteer_dir)
    gazetteer_dir = str(settings.gazetteer_dir) if settings.gazetteer_dir else ""
    before = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe(
        "entity_ruler", config={"validate": True, "overwrite_ents": True}, **before
    )
    # Phrase patterns match on ORTH: tokenising them is enough, so run no other component.
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(list(gazetteer.entity_patterns))
    crime_ruler = nlp.add_pipe(
        "span_ruler",
        name="crime_ruler",
        config={"spans_key": CRIME_MATCHES_KEY, "validate": True, "phrase_matcher_attr": "LOWER"},
    )
    with nlp.select_pipes(enable=[]):
        crime_ruler.add_patterns(list(gazetteer.crime_patterns))
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("scamtrace_paragraphs", before="parser")
    if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer", before="entity_ruler")
    nlp.add_pipe("scamtrace_entities", config={"gazetteer_dir": gazetteer_dir})
    nlp.add_pipe("scamtrace_relations", config={"gazetteer_dir": gazetteer_dir})
    nlp.add_pipe("scamtrace_relevance")
    return nlp
