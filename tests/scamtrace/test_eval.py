"""Extraction quality must not fall below what was measured.

Floors are set a little under the scores measured when they were written
(dev is tuned on; heldout never is), so a change that makes extraction worse
fails here rather than in an analyst's briefing.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ANNOTATED = Path(__file__).parents[1] / "annotated"

# split -> (micro-F1, LOCATION F1, PLATFORM F1, ROUTE pair F1, relevance accuracy)
FLOORS = {
    "dev": (0.968, 0.985, 0.96, 0.925, 0.99),
    "heldout": (0.885, 0.93, 0.91, 0.70, 0.96),
}


@pytest.fixture(scope="module", params=sorted(FLOORS))
def scores(request, scamtrace_env, tmp_path_factory):
    home = tmp_path_factory.mktemp("eval_home")
    result = subprocess.run(
        [sys.executable, "-m", "scamtrace.cli", "--home", str(home), "eval",
         str(ANNOTATED / request.param), "--json"],
        capture_output=True, text=True, env=scamtrace_env(), timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return request.param, json.loads(result.stdout)


def test_scores_stay_above_their_floors(scores):
    split, result = scores
    micro, location, platform, route, relevance = FLOORS[split]
    assert result["documents"] >= 20
    assert result["micro"]["f1"] >= micro
    assert result["labels"]["LOCATION"]["f1"] >= location
    assert result["labels"]["PLATFORM"]["f1"] >= platform
    assert result["ROUTE"]["f1"] >= route
    assert result["relevance_accuracy"] >= relevance


def test_eval_reports_every_label_and_the_counts_add_up(scores):
    _, result = scores
    labels = result["labels"]
    assert set(labels) == {"LOCATION", "PLATFORM", "RECRUITER", "ORG", "PERSON", "CRIME"}
    assert result["micro"]["tp"] == sum(s["tp"] for s in labels.values())
    assert result["micro"]["fn"] == sum(s["fn"] for s in labels.values())


def test_eval_names_a_gold_dir_without_gold(tmp_path, scamtrace_env):
    result = subprocess.run(
        [sys.executable, "-m", "scamtrace.cli", "--home", str(tmp_path), "eval", str(tmp_path)],
        capture_output=True, text=True, env=scamtrace_env(), timeout=120,
    )
    assert result.returncode == 1
    assert "no gold.jsonl" in result.stderr
