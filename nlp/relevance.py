"""Whether a document is about trafficking, smuggling or scam centres.

Two signals: the trained classifier of ``models/relevance`` (TF-IDF and
logistic regression over the whole text, saved with skops; see its
MODEL_CARD.md), and a transparent evidence score from what extraction found
(distinct CRIME types, recruiters, routes and the domain vocabulary of
``gazetteers/relevance_terms.json``). The score is the larger of the two, and
the threshold is the one in relevance_terms.json.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from models.relevance import RelevanceModel, load_relevance_model
from nlp.taxonomy import CRIME, RECRUITER

TERMS_FILE = Path(__file__).with_name("gazetteers") / "relevance_terms.json"


class LabelledName(Protocol):
    label: str
    name: str


@lru_cache(maxsize=1)
def relevance_terms() -> dict[str, Any]:
    return json.loads(TERMS_FILE.read_text(encoding="utf-8"))


def relevance_threshold() -> float:
    return float(relevance_terms()["threshold"])


def relevance_evidence(text: str, mentions: Iterable[LabelledName], routes: int = 0) -> float:
    """The summed evidence before squashing (0 when nothing on-topic is found)."""
    config = relevance_terms()
    weights = config["weights"]
    mentions = list(mentions)
    crimes = {m.name for m in mentions if m.label == CRIME}
    recruiters = {m.name for m in mentions if m.label == RECRUITER}
    lowered = text.lower()
    vocabulary = sum(w for term, w in config["terms"].items() if term in lowered)
    return (
        weights["crime"] * len(crimes)
        + weights["recruiter"] * len(recruiters)
        + min(weights["route"] * routes, weights["route_cap"])
        + min(vocabulary, weights["vocabulary_cap"])
    )


def evidence_score(text: str, mentions: Iterable[LabelledName], routes: int = 0) -> float:
    """The extracted evidence squashed into [0, 1] (0 when nothing on-topic is found)."""
    evidence = relevance_evidence(text, mentions, routes)
    return 1.0 - math.exp(-relevance_terms()["steepness"] * evidence)


@lru_cache(maxsize=1)
def relevance_model() -> RelevanceModel:
    """The committed classifier, loaded once per process (about half a second)."""
    return load_relevance_model()


def score_relevance(text: str, mentions: Iterable[LabelledName], routes: int = 0,
                    model_score: float | None = None) -> float:
    """Relevance in [0, 1]: the classifier's probability, raised by strong extracted evidence.

    The classifier reads the whole text and decides most documents; a short
    text naming a smuggling route or a crime type gives it too few words, and
    there the evidence found by extraction carries the decision. ``model_score``
    is the classifier's probability when the caller scored a batch at once.
    """
    if model_score is None:
        model_score = relevance_model().score([text])[0]
    return round(max(float(model_score), evidence_score(text, mentions, routes)), 4)


def is_relevant(score: float) -> bool:
    return score >= relevance_threshold()
