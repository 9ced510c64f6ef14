"""Load the relevance classifier and score texts with it.

The model file is a skops archive holding a plain dict
``{"format": 1, "threshold": float, "pipeline": sklearn Pipeline}``. skops
refuses to build any type it has not been told to trust; we trust only the
scikit-learn, numpy and scipy types this pipeline is made of, listed below,
so a file that smuggles in anything else is refused before it is loaded.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import skops.io

from ingest.errors import ScamtraceError

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "relevance.skops"
MODEL_FORMAT = 1

# Every non-builtin type a saved relevance pipeline contains. skops reports
# these as "untrusted" until we name them; anything outside this set is refused.
TRUSTED_TYPES: frozenset[str] = frozenset(
    {
        "builtins.dict",
        "builtins.float",
        "builtins.int",
        "builtins.list",
        "builtins.str",
        "builtins.tuple",
        "numpy.dtype",
        "numpy.float64",
        "numpy.ndarray",
        "sklearn.feature_extraction.text.HashingVectorizer",
        "sklearn.feature_extraction.text.TfidfTransformer",
        "sklearn.linear_model._logistic.LogisticRegression",
        "sklearn.pipeline.FeatureUnion",
        "sklearn.pipeline.Pipeline",
    }
)


class ModelFileError(ScamtraceError):
    """A model file is missing, unreadable, or holds types we do not trust."""


@dataclass(frozen=True)
class RelevanceModel:
    """A fitted pipeline and the probability at or above which a text is relevant."""

    pipeline: Any
    threshold: float

    def score(self, texts: Sequence[str]) -> list[float]:
        """Probability that each text is relevant, in input order (one batch)."""
        if not texts:
            return []
        probabilities = self.pipeline.predict_proba(list(texts))
        relevant_column = list(self.pipeline.classes_).index(True)
        return [float(p) for p in probabilities[:, relevant_column]]

    def is_relevant(self, texts: Sequence[str]) -> list[bool]:
        """Whether each text scores at or above the threshold."""
        return [score >= self.threshold for score in self.score(texts)]


def load_relevance_model(path: Path | None = None) -> RelevanceModel:
    """Open a relevance model saved by ``models.relevance.train``.

    Raises ``ModelFileError`` (a ``ScamtraceError``) naming the file when it is
    missing, is not a skops archive, contains a type outside ``TRUSTED_TYPES``,
    or does not hold a relevance model.
    """
    path = Path(path) if path is not None else DEFAULT_MODEL_PATH
    if not path.is_file():
        raise ModelFileError(
            f"relevance model {path}: no such file "
            "(rebuild it with: python -m models.relevance.train)"
        )
    try:
        untrusted = set(skops.io.get_untrusted_types(file=path))
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise ModelFileError(f"relevance model {path}: not a readable skops file ({exc})") from exc
    unexpected = sorted(untrusted - TRUSTED_TYPES)
    if unexpected:
        raise ModelFileError(
            f"relevance model {path}: refusing to load unexpected types {', '.join(unexpected)}"
        )
    try:
        bundle = skops.io.load(path, trusted=sorted(untrusted))
    except Exception as exc:  # skops raises many kinds on a damaged archive
        raise ModelFileError(f"relevance model {path}: could not be loaded ({exc})") from exc
    if not isinstance(bundle, dict) or bundle.get("format") != MODEL_FORMAT:
        raise ModelFileError(
            f"relevance model {path}: not a relevance model of format {MODEL_FORMAT}"
        )
    pipeline, threshold = bundle.get("pipeline"), bundle.get("threshold")
    if not hasattr(pipeline, "predict_proba") or not isinstance(threshold, float):
        raise ModelFileError(f"relevance model {path}: missing its pipeline or threshold")
    if True not in list(getattr(pipeline, "classes_", [])):
        raise ModelFileError(f"relevance model {path}: pipeline was not trained on relevant=True")
    return RelevanceModel(pipeline=pipeline, threshold=threshold)
