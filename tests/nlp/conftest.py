"""Fixtures for the NLP tests: the real pipeline, loaded once per session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from nlp.analyze import analyze_record
from nlp.extract import Extractor
from nlp.pipeline import NlpSettings
from nlp.records import Extraction


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor(NlpSettings())


@pytest.fixture(scope="session")
def extract(extractor: Extractor) -> Callable[[str], Extraction]:
    """Extract one text (doc id "t")."""

    def run(text: str) -> Extraction:
        return next(extractor.extract([("t", text)]))

    return run


@pytest.fixture(scope="session")
def analyze(extract: Callable[[str], Extraction]) -> Callable[[str], dict[str, Any]]:
    """The ``analyze`` record of one text."""

    def run(text: str) -> dict[str, Any]:
        return analyze_record("t", extract(text))

    return run
