"""The pure scoring function behind `scamtrace eval`."""

from __future__ import annotations

from nlp.evaluate import score


def record(doc_id, relevant=True, routes=(), **labels):
    base = {
        "id": doc_id,
        "LOCATION": [],
        "PLATFORM": [],
        "RECRUITER": [],
        "ORG": [],
        "PERSON": [],
        "CRIME": [],
        "ROUTES": list(routes),
        "relevant": relevant,
    }
    base.update(labels)
    return base


def test_per_label_precision_recall_and_f1_are_document_level_sets():
    gold = [record("a", LOCATION=["Myanmar", "Myawaddy"]), record("b", LOCATION=["Laos"])]
    predicted = [record("a", LOCATION=["Myanmar", "Bangkok"]), record("b", LOCATION=["Laos"])]
    result = score(gold, predicted)["labels"]["LOCATION"]
    assert (result["tp"], result["fp"], result["fn"]) == (2, 1, 1)
    assert result["precision"] == result["recall"] == result["f1"] == 0.6667


def test_micro_f1_pools_every_entity_label():
    gold = [record("a", ORG=["IOM"], PERSON=["Peter"])]
    predicted = [record("a", ORG=["IOM"], PERSON=[])]
    micro = score(gold, predicted)["micro"]
    assert (micro["precision"], micro["recall"]) == (1.0, 0.5)


def test_routes_score_on_origin_destination_pairs_ignoring_mode():
    gold = [
        record(
            "a", routes=[{"origin": "Jakarta", "destination": "Bangkok", "via": [], "mode": "air"}]
        )
    ]
    predicted = [
        record(
            "a",
            routes=[{"origin": "Jakarta", "destination": "Bangkok", "via": [], "mode": "unknown"}],
        )
    ]
    assert score(gold, predicted)["ROUTE"]["f1"] == 1.0


def test_relevance_accuracy_and_missing_predictions_count_as_empty():
    gold = [record("a", relevant=True, CRIME=["online scam"]), record("b", relevant=False)]
    predicted = [record("b", relevant=False)]
    result = score(gold, predicted)
    assert result["relevance_accuracy"] == 0.5
    assert result["labels"]["CRIME"]["fn"] == 1
