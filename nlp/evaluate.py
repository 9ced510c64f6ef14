"""Scoring predictions against a hand-annotated set (records in the ``analyze`` schema).

Judged per document (TAXONOMY.md): for each label the set of canonical names
found against the gold set; routes by their (origin, destination) pairs;
relevance by accuracy. Counts are summed over documents (micro averages).

    python -m nlp.evaluate tests/annotated/dev
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ingest.errors import ConfigError
from nlp.taxonomy import ENTITY_LABELS


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def _route_pairs(record: dict[str, Any]) -> set[tuple[str, str]]:
    return {(r.get("origin", ""), r.get("destination", "")) for r in record.get("ROUTES", [])}


def score(gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-label P/R/F1, micro-F1 over the entity labels, ROUTE pair F1, relevance accuracy.

    Documents are matched by ``id``; a gold document with no prediction counts
    as predicting nothing.
    """
    by_id = {p["id"]: p for p in predicted}
    counts = {label: [0, 0, 0] for label in (*ENTITY_LABELS, "ROUTE")}
    relevance_right = 0
    for gold_record in gold:
        guess = by_id.get(gold_record["id"], {})
        for label in ENTITY_LABELS:
            truth, found = set(gold_record.get(label, [])), set(guess.get(label, []))
            counts[label][0] += len(truth & found)
            counts[label][1] += len(found - truth)
            counts[label][2] += len(truth - found)
        truth_routes, found_routes = _route_pairs(gold_record), _route_pairs(guess)
        counts["ROUTE"][0] += len(truth_routes & found_routes)
        counts["ROUTE"][1] += len(found_routes - truth_routes)
        counts["ROUTE"][2] += len(truth_routes - found_routes)
        relevance_right += int(
            bool(guess.get("relevant", False)) == bool(gold_record.get("relevant"))
        )
    labels = {label: _prf(*counts[label]) for label in ENTITY_LABELS}
    totals = [sum(counts[label][i] for label in ENTITY_LABELS) for i in range(3)]
    return {
        "documents": len(gold),
        "labels": labels,
        "micro": _prf(*totals),
        "ROUTE": _prf(*counts["ROUTE"]),
        "relevance_accuracy": round(relevance_right / len(gold), 4) if gold else 0.0,
    }


def evaluate_folder(folder: Path, extractor: Any | None = None) -> dict[str, Any]:
    """Extract every ``NAME.txt`` of an annotated folder and score it against ``gold.jsonl``."""
    from nlp.analyze import analyze_record  # the pipeline is only needed here, not by ``score``
    from nlp.extract import Extractor

    gold_path = folder / "gold.jsonl"
    if not gold_path.is_file():
        raise ConfigError(f"{folder}: no gold.jsonl")
    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line]
    items = []
    for record in gold:
        text_path = folder / f"{record['id']}.txt"
        if not text_path.is_file():
            raise ConfigError(f"{folder}: gold record {record['id']!r} has no {text_path.name}")
        items.append((record["id"], text_path.read_text(encoding="utf-8")))
    extractor = extractor or Extractor()
    predicted = [analyze_record(e.doc_id, e) for e in extractor.extract(items)]
    return score(gold, predicted)


if __name__ == "__main__":
    import sys

    print(json.dumps(evaluate_folder(Path(sys.argv[1] if len(sys.argv) > 1 else ".")), indent=1))
