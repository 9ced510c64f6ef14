"""The relevance classifier: is a document substantially about trafficking in
persons, people smuggling, scam centres or the risks of irregular migration?

``load_relevance_model()`` opens the committed ``relevance.skops``;
``python -m models.relevance.train`` rebuilds it from ``training.jsonl``.
"""

from models.relevance.classifier import (
    DEFAULT_MODEL_PATH,
    ModelFileError,
    RelevanceModel,
    load_relevance_model,
)

__all__ = ["DEFAULT_MODEL_PATH", "ModelFileError", "RelevanceModel", "load_relevance_model"]
