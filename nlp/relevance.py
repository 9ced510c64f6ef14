"""Whether a document is about trafficking, smuggling or scam centres.

A transparent score: distinct CRIME types, recruiters, routes and the domain
vocabulary of ``gazetteers/relevance_terms.json`` add evidence, and the
evidence is squashed into [0, 1]. A trained classifier can replace
``score_relevance`` later as long as it keeps the signature.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

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


def score_relevance(text: str, mentions: Iterable[LabelledName], routes: int = 0) -> float:
    """Probability-like relevance in [0, 1] from the text and its canonical mentions."""
    evidence = relevance_evidence(text, mentions, routes)
    return round(1.0 - math.exp(-relevance_terms()["steepness"] * evidence), 4)


def is_relevant(score: float) -> bool:
    return score >= relevance_threshold()
