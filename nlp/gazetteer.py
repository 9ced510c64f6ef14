"""Loading the gazetteer data files (``nlp/gazetteers/``).

Each ``*.jsonl`` file holds entity-ruler patterns (``label``, ``pattern``,
``id`` = canonical name). A user's folder of files with the same names
replaces the bundled file of that name; new file names extend the set.
``crimes.jsonl`` feeds the CRIME span ruler, the others the entity ruler.
``lexicon.json`` holds the word lists the extraction rules consult.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.errors import ConfigError

BUNDLED_DIR = Path(__file__).with_name("gazetteers")
CRIME_FILE = "crimes.jsonl"
COUNTRY_FILE = "countries.jsonl"
COMPOUND_FILE = "compounds.jsonl"
LEXICON_FILE = "lexicon.json"


@dataclass(frozen=True)
class Gazetteer:
    """All pattern files and the lexicon, read once."""

    entity_patterns: tuple[dict[str, Any], ...]
    crime_patterns: tuple[dict[str, Any], ...]
    countries: frozenset[str]  # canonical country names
    lexicon: dict[str, Any]
    # canonical names of named compounds and zones ("the compound", "the zone" refer to them)
    compounds: frozenset[str] = frozenset()

    def string_aliases(self) -> dict[str, tuple[str, str]]:
        """Lowercased string alias -> (label, canonical name), for model entities."""
        aliases: dict[str, tuple[str, str]] = {}
        for pattern in self.entity_patterns:
            if isinstance(pattern["pattern"], str):
                aliases.setdefault(pattern["pattern"].lower(), (pattern["label"], pattern["id"]))
        return aliases


def read_patterns(path: Path) -> list[dict[str, Any]]:
    """The patterns of one JSONL file; a malformed line is a ConfigError naming it."""
    patterns: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                pattern = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
            if not isinstance(pattern, dict) or not {"label", "pattern", "id"} <= pattern.keys():
                raise ConfigError(f"{path}:{number}: a pattern needs label, pattern and id")
            patterns.append(pattern)
    return patterns


def pattern_files(user_dir: Path | None) -> dict[str, Path]:
    """File name -> path, the user's folder overriding bundled files of the same name."""
    files = {p.name: p for p in sorted(BUNDLED_DIR.glob("*.jsonl"))}
    if user_dir is not None:
        if not user_dir.is_dir():
            raise ConfigError(f"gazetteer folder {user_dir} does not exist")
        files.update({p.name: p for p in sorted(user_dir.glob("*.jsonl"))})
    return files


def load_gazetteer(user_dir: Path | None = None) -> Gazetteer:
    """Read the bundled gazetteer, replaced or extended by ``user_dir``."""
    files = pattern_files(user_dir)
    entity: list[dict[str, Any]] = []
    crime: list[dict[str, Any]] = []
    countries: set[str] = set()
    compounds: set[str] = set()
    for name, path in files.items():
        patterns = read_patterns(path)
        if name == CRIME_FILE:
            crime.extend(patterns)
        else:
            entity.extend(patterns)
        if name == COUNTRY_FILE:
            countries.update(p["id"] for p in patterns)
        if name == COMPOUND_FILE:
            compounds.update(p["id"] for p in patterns)
    lexicon_path = BUNDLED_DIR / LEXICON_FILE
    if user_dir is not None and (user_dir / LEXICON_FILE).is_file():
        lexicon_path = user_dir / LEXICON_FILE
    lexicon = json.loads(lexicon_path.read_text(encoding="utf-8"))
    return Gazetteer(
        tuple(entity), tuple(crime), frozenset(countries), lexicon, frozenset(compounds)
    )
