"""Train the relevance classifier and measure it.

Run: ``python -m models.relevance.train`` (from the repository root).

It reads ``training.jsonl`` (hand-written documents labelled relevant or not),
reports stratified k-fold cross-validated accuracy, precision, recall and F1
over several seeds as mean ± sd, scores the annotated dev split if it exists,
then fits on all the training data and writes ``relevance.skops`` and
``metrics.json`` beside this file. Every random choice has a fixed seed, so
two runs on the same data give the same model and the same figures.

The annotated held-out split is never used for training or tuning;
``--report-heldout`` only prints its accuracy for the final report.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import skops.io
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, brier_score_loss, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from ingest.errors import ScamtraceError
from models.relevance.classifier import DEFAULT_MODEL_PATH, MODEL_FORMAT, RelevanceModel

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TRAINING_PATH = HERE / "training.jsonl"
METRICS_PATH = HERE / "metrics.json"
ANNOTATED_DIR = HERE.parent.parent / "tests" / "annotated"

THRESHOLD = 0.5
CV_FOLDS = 5
CV_SEEDS = (11, 23, 37, 53, 71)
FIT_SEED = 0
MIN_WORDS, MAX_WORDS = 60, 200


@dataclass(frozen=True)
class LabelledText:
    id: str
    text: str
    relevant: bool


def read_training(path: Path = TRAINING_PATH) -> list[LabelledText]:
    """The labelled documents in ``path``, checked for shape and unique ids."""
    if not path.is_file():
        raise ScamtraceError(f"training data {path}: no such file")
    rows: list[LabelledText] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ScamtraceError(f"training data {path}, line {number}: not JSON ({exc})") from exc
        if not isinstance(obj.get("id"), str) or not isinstance(obj.get("text"), str):
            raise ScamtraceError(f"training data {path}, line {number}: needs string id and text")
        if not isinstance(obj.get("relevant"), bool):
            raise ScamtraceError(f"training data {path}, line {number}: relevant must be a bool")
        if obj["id"] in seen:
            raise ScamtraceError(f"training data {path}, line {number}: duplicate id {obj['id']}")
        seen.add(obj["id"])
        rows.append(LabelledText(obj["id"], obj["text"], obj["relevant"]))
    if len({row.relevant for row in rows}) < 2:
        raise ScamtraceError(f"training data {path}: needs both relevant and off-topic examples")
    return rows


HASH_FEATURES = 2**19


def _tfidf(**hashing_options) -> Pipeline:
    # Hashing instead of a fitted vocabulary: a vocabulary dict of tens of
    # thousands of n-grams makes the skops file slow to write and to load,
    # while hashed counts leave only numpy arrays to store. With 2**19 buckets
    # per analyser, collisions among a few tens of thousands of n-grams are rare.
    counts = HashingVectorizer(
        n_features=HASH_FEATURES,
        alternate_sign=False,
        norm=None,
        strip_accents="unicode",
        **hashing_options,
    )
    return Pipeline([("counts", counts), ("tfidf", TfidfTransformer(sublinear_tf=True))])


def build_pipeline(seed: int = FIT_SEED) -> Pipeline:
    """Word 1-2gram and character 3-5gram tf-idf into a logistic regression.

    Word n-grams carry the topic ("job offer", "compound", "boat carrying");
    character n-grams cope with spelling variants and inflections
    (Myawaddy/Myawadi, recruit/recruiter/recruited) that a small training set
    cannot list. Logistic regression gives probabilities directly, and the
    cross-validated Brier score below checks that they are usable. C=100 was
    chosen on cross-validation alone, with an earlier vocabulary-based variant
    of these features (C=1, 10 and 100 tied on accuracy; C=1 left the
    probabilities bunched near 0.5, Brier 0.11 against 0.03).
    """
    features = FeatureUnion(
        [
            ("words", _tfidf(analyzer="word", ngram_range=(1, 2))),
            ("chars", _tfidf(analyzer="char_wb", ngram_range=(3, 5))),
        ]
    )
    # The dual liblinear solver suits far more features than documents: it
    # fits in a fraction of a second where lbfgs takes many.
    classifier = LogisticRegression(
        C=100.0,
        class_weight="balanced",
        solver="liblinear",
        dual=True,
        max_iter=5000,
        random_state=seed,
    )
    return Pipeline([("features", features), ("classifier", classifier)])


def _scores(truth: list[bool], probabilities: np.ndarray, threshold: float) -> dict[str, float]:
    predicted = probabilities >= threshold
    precision, recall, f1, _ = precision_recall_fscore_support(
        truth, predicted, average="binary", zero_division=0
    )
    return {
        "accuracy": float(accuracy_score(truth, predicted)),
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "brier": float(brier_score_loss(truth, probabilities)),
    }


def cross_validate(
    rows: list[LabelledText],
    folds: int = CV_FOLDS,
    seeds: tuple[int, ...] = CV_SEEDS,
    threshold: float = THRESHOLD,
) -> dict[str, dict[str, float]]:
    """Stratified k-fold figures, each as mean and sd over every fold of every seed.

    Also returns, under ``"misses"``, how often each training id was
    misclassified when held out, to point at weak spots in the data.
    """
    texts = np.array([row.text for row in rows], dtype=object)
    labels = np.array([row.relevant for row in rows])
    per_fold: dict[str, list[float]] = {}
    misses: dict[str, int] = {}
    for seed in seeds:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        for train_index, test_index in splitter.split(texts, labels):
            model = build_pipeline(seed).fit(list(texts[train_index]), labels[train_index])
            probabilities = model.predict_proba(list(texts[test_index]))[:, 1]
            for name, value in _scores(list(labels[test_index]), probabilities, threshold).items():
                per_fold.setdefault(name, []).append(value)
            for index, probability in zip(test_index, probabilities, strict=True):
                if (probability >= threshold) != labels[index]:
                    misses[rows[index].id] = misses.get(rows[index].id, 0) + 1
    summary = {
        name: {"mean": statistics.fmean(values), "sd": statistics.stdev(values)}
        for name, values in per_fold.items()
    }
    summary["runs"] = {"folds": folds, "seeds": len(seeds), "fits": len(per_fold["accuracy"])}
    summary["misses"] = dict(sorted(misses.items(), key=lambda item: (-item[1], item[0])))
    return summary


def read_annotated(split_dir: Path) -> list[LabelledText]:
    """The texts and gold relevance labels of one annotated split."""
    rows = []
    for line in (split_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        gold = json.loads(line)
        text_path = split_dir / f"{gold['id']}.txt"
        if text_path.is_file() and isinstance(gold.get("relevant"), bool):
            text = text_path.read_text(encoding="utf-8")
            rows.append(LabelledText(gold["id"], text, gold["relevant"]))
    return rows


def evaluate(model: RelevanceModel, rows: list[LabelledText]) -> dict:
    """Accuracy and the misclassified ids of ``model`` on labelled ``rows``."""
    probabilities = np.array(model.score([row.text for row in rows]))
    truth = [row.relevant for row in rows]
    figures = _scores(truth, probabilities, model.threshold)
    figures["documents"] = len(rows)
    figures["relevant"] = sum(truth)
    figures["errors"] = [
        {"id": row.id, "relevant": row.relevant, "score": round(float(p), 3)}
        for row, p in zip(rows, probabilities, strict=True)
        if (p >= model.threshold) != row.relevant
    ]
    return figures


def fit_model(rows: list[LabelledText], threshold: float = THRESHOLD) -> RelevanceModel:
    """The pipeline fitted on every row, wrapped with its threshold."""
    pipeline = build_pipeline(FIT_SEED).fit([r.text for r in rows], [r.relevant for r in rows])
    return RelevanceModel(pipeline=pipeline, threshold=threshold)


def save_model(model: RelevanceModel, path: Path = DEFAULT_MODEL_PATH) -> None:
    """Write the model as a skops file (a plain dict: pipeline, threshold, format)."""
    bundle = {"format": MODEL_FORMAT, "threshold": model.threshold, "pipeline": model.pipeline}
    # Deflate: the vocabularies are stored as verbose JSON that compresses ~40x.
    skops.io.dump(bundle, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)


def _word_count_warnings(rows: list[LabelledText]) -> list[str]:
    return [
        f"{row.id}: {len(row.text.split())} words"
        for row in rows
        if not MIN_WORDS <= len(row.text.split()) <= MAX_WORDS
    ]


def _show(name: str, figures: dict[str, dict[str, float]]) -> None:
    print(f"  {name:<9} {figures[name]['mean']:.3f} ± {figures[name]['sd']:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m models.relevance.train", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--training", type=Path, default=TRAINING_PATH)
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--metrics", type=Path, default=METRICS_PATH)
    parser.add_argument(
        "--report-heldout",
        action="store_true",
        help="also print accuracy on tests/annotated/heldout (report only; never tune on it)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    try:
        rows = read_training(args.training)
    except ScamtraceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    relevant = sum(row.relevant for row in rows)
    print(
        f"training data: {len(rows)} documents, {relevant} relevant, "
        f"{len(rows) - relevant} off-topic"
    )
    for warning in _word_count_warnings(rows):
        print(f"  length outside {MIN_WORDS}-{MAX_WORDS} words: {warning}")

    cv = cross_validate(rows)
    runs = cv["runs"]
    print(
        f"cross-validation: stratified {runs['folds']}-fold x {runs['seeds']} seeds "
        f"({runs['fits']} fits), threshold {THRESHOLD}, mean ± sd over folds"
    )
    for name in ("accuracy", "precision", "recall", "f1", "brier"):
        _show(name, cv)
    if cv["misses"]:
        print("  misclassified when held out (id: times):")
        for doc_id, times in list(cv["misses"].items())[:20]:
            print(f"    {doc_id}: {times}")

    model = fit_model(rows)
    save_model(model, args.out)
    print(f"saved {args.out}")

    metrics: dict = {
        "training": {"documents": len(rows), "relevant": relevant},
        "threshold": THRESHOLD,
        "cross_validation": {k: v for k, v in cv.items() if k != "misses"},
    }
    dev_dir = ANNOTATED_DIR / "dev"
    if (dev_dir / "gold.jsonl").is_file():
        dev = evaluate(model, read_annotated(dev_dir))
        metrics["dev"] = dev
        print(
            f"annotated dev split: accuracy {dev['accuracy']:.3f} on {dev['documents']} documents "
            f"({dev['relevant']} relevant), precision {dev['precision']:.3f}, "
            f"recall {dev['recall']:.3f}"
        )
        for error in dev["errors"]:
            print(f"    wrong: {error['id']} (gold {error['relevant']}, score {error['score']})")
    args.metrics.write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    heldout_dir = ANNOTATED_DIR / "heldout"
    if args.report_heldout and (heldout_dir / "gold.jsonl").is_file():
        heldout = evaluate(model, read_annotated(heldout_dir))
        print(
            f"annotated held-out split (report only): accuracy {heldout['accuracy']:.3f} "
            f"on {heldout['documents']} documents ({heldout['relevant']} relevant)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
