"""The relevance classifier: the committed model file, its loader's safety
checks, its scores on fresh texts, and that retraining reproduces it."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import skops.io
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from ingest.errors import ScamtraceError
from models.relevance import DEFAULT_MODEL_PATH, ModelFileError, load_relevance_model
from models.relevance.classifier import MODEL_FORMAT, TRUSTED_TYPES
from models.relevance.train import (
    MAX_WORDS,
    MIN_WORDS,
    TRAINING_PATH,
    fit_model,
    read_training,
    save_model,
)

ANNOTATED = Path(__file__).resolve().parents[1] / "annotated"

# Written for these tests; none of these sentences is in training.jsonl.
FRESH_RELEVANT = [
    "A nurse from Cebu who was offered a well-paid hospital job in Bangkok says she was instead "
    "driven to the border and ferried across the Moei River to a walled compound near Myawaddy, "
    "where her passport was locked away and she was told to win the trust of lonely men online "
    "and talk them into depositing money on a fake crypto exchange until her debt was paid.",
    "Indonesian navy patrols found a crowded wooden boat carrying 96 Rohingya men, women and "
    "children off the coast of Aceh after it had drifted for two weeks; passengers said brokers "
    "in the Bangladesh camps had charged each family for the voyage to Malaysia.",
    "Police in Phnom Penh freed 40 foreign workers from an apartment block where managers held "
    "their documents and beat those who failed to meet daily targets for fake investment "
    "chats; the workers had answered recruitment posts on Telegram promising office jobs.",
]
FRESH_OFF_TOPIC = [
    "The Mekong burst its banks near Luang Prabang after a week of rain, and farmers in the "
    "valley lost much of their maize and rice; the provincial governor asked for emergency "
    "funds to rebuild two bridges and a health post washed away by the water.",
    "The national football team drew 1-1 with the Philippines in front of a full stadium in "
    "Hanoi, keeping its hopes of reaching the regional final alive; the coach praised his "
    "young goalkeeper, who saved a penalty in the closing minutes.",
    "WhatsApp is adding a feature that lets users edit photos with built-in filters and share "
    "status updates to several groups at once, the company said, as it competes with rival "
    "messaging apps for younger users in Asia.",
]


@pytest.fixture(scope="module")
def committed_model():
    return load_relevance_model()


@pytest.fixture(scope="module")
def retrained_model():
    return fit_model(read_training())


def test_committed_model_holds_only_trusted_types():
    untrusted = set(skops.io.get_untrusted_types(file=DEFAULT_MODEL_PATH))
    assert untrusted <= TRUSTED_TYPES


def test_committed_model_loads_with_a_threshold(committed_model):
    assert isinstance(committed_model.threshold, float)
    assert 0.0 < committed_model.threshold < 1.0


def test_fresh_relevant_texts_score_at_or_above_threshold(committed_model):
    scores = committed_model.score(FRESH_RELEVANT)
    assert all(score >= committed_model.threshold for score in scores), scores


def test_fresh_off_topic_texts_score_below_threshold(committed_model):
    scores = committed_model.score(FRESH_OFF_TOPIC)
    assert all(score < committed_model.threshold for score in scores), scores


def test_scores_are_probabilities_in_input_order(committed_model):
    mixed = [FRESH_OFF_TOPIC[0], FRESH_RELEVANT[0], FRESH_OFF_TOPIC[1]]
    scores = committed_model.score(mixed)
    assert len(scores) == 3
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert scores[1] > scores[0] and scores[1] > scores[2]
    assert committed_model.score([FRESH_RELEVANT[0]]) == [pytest.approx(scores[1])]


def test_scoring_no_texts_gives_no_scores(committed_model):
    assert committed_model.score([]) == []


def test_retraining_reproduces_the_committed_predictions(committed_model, retrained_model):
    rows = read_training()
    sample = [row.text for row in rows[::17]] + FRESH_RELEVANT + FRESH_OFF_TOPIC
    assert retrained_model.threshold == committed_model.threshold
    assert retrained_model.score(sample) == pytest.approx(committed_model.score(sample), abs=1e-9)


def test_saved_model_round_trips_through_the_loader(tmp_path, retrained_model):
    path = tmp_path / "relevance.skops"
    save_model(retrained_model, path)
    reloaded = load_relevance_model(path)
    texts = FRESH_RELEVANT + FRESH_OFF_TOPIC
    assert reloaded.score(texts) == pytest.approx(retrained_model.score(texts), abs=1e-12)


def test_missing_model_file_names_the_file(tmp_path):
    missing = tmp_path / "nowhere.skops"
    with pytest.raises(ModelFileError, match="nowhere.skops.*no such file"):
        load_relevance_model(missing)


def test_model_errors_are_scamtrace_errors():
    assert issubclass(ModelFileError, ScamtraceError)


def test_damaged_model_file_is_refused_with_its_name(tmp_path):
    damaged = tmp_path / "damaged.skops"
    damaged.write_bytes(DEFAULT_MODEL_PATH.read_bytes()[:5000])
    with pytest.raises(ModelFileError, match="damaged.skops"):
        load_relevance_model(damaged)


def test_model_file_with_an_unexpected_type_is_refused_before_loading(tmp_path, retrained_model):
    # The classic skops/pickle attack: a step that calls an arbitrary function.
    tampered_pipeline = Pipeline(
        [("run", FunctionTransformer(os.system)), ("model", retrained_model.pipeline)]
    )
    tampered = tmp_path / "tampered.skops"
    skops.io.dump(
        {"format": MODEL_FORMAT, "threshold": 0.5, "pipeline": tampered_pipeline}, tampered
    )
    with pytest.raises(ModelFileError, match=r"tampered.skops: refusing .*system"):
        load_relevance_model(tampered)


def test_skops_file_that_is_not_a_relevance_model_is_refused(tmp_path):
    other = tmp_path / "other.skops"
    skops.io.dump({"weights": [1.0, 2.0]}, other)
    with pytest.raises(ModelFileError, match="other.skops: not a relevance model"):
        load_relevance_model(other)


def test_training_data_meets_its_brief():
    rows = read_training()
    relevant = sum(row.relevant for row in rows)
    assert len(rows) >= 240
    assert 0.50 <= relevant / len(rows) <= 0.60
    assert all(MIN_WORDS <= len(row.text.split()) <= MAX_WORDS for row in rows)
    assert len({row.text for row in rows}) == len(rows)


def test_training_lines_carry_only_the_documented_keys():
    for line in TRAINING_PATH.read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) <= {"id", "text", "relevant", "note"}


def _shingles(text: str, size: int = 10) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_training_data_shares_no_passage_with_the_annotated_sets():
    training = set().union(*(_shingles(row.text) for row in read_training()))
    for text_path in sorted(ANNOTATED.glob("*/*.txt")):
        shared = training & _shingles(text_path.read_text(encoding="utf-8"))
        assert not shared, f"{text_path.name} shares {' '.join(next(iter(shared)))!r}"
