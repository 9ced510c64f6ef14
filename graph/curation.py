"""Entity curation: a person's corrections to the extractor's canonical names,
kept as data and applied every time the graph is built.

The corrections are rules in ``HOME/curation.json`` (``CURATION_FILE``, beside
the extraction store), a plain JSON file a user can read and edit, in the
order they were made:

* ``merge``  ``entity`` into ``into``: two keys are one real-world entity;
  every mention of ``entity`` counts for ``into`` (its spelling stays an alias);
* ``rename`` ``entity`` to ``into`` (same label): a better canonical name;
* ``split``  the mentions of ``entity`` written ``alias`` go to ``into``: the
  extractor (or an earlier merge) put two entities under one name.

``graph.sync`` applies them to each extraction (``Curation.apply``) before
its rows are made, so both backends get the same corrected graph, and they
survive re-extraction and rebuilds: the extraction store is never changed.
Rules apply in order, once each, so a later rule sees what earlier ones made.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.batch import fold, split_key
from ingest.errors import ConfigError, StoreError
from nlp.records import Extraction, Relation
from nlp.taxonomy import ENTITY_LABELS

CURATION_FILE = "curation.json"
MERGE, RENAME, SPLIT = "merge", "rename", "split"
ACTIONS = (MERGE, RENAME, SPLIT)


@dataclass(frozen=True)
class Rule:
    id: int
    action: str
    entity: str  # the key the rule applies to
    into: str  # the key it becomes
    alias: str = ""  # split only: the spelling whose mentions move
    note: str = ""
    created: str = ""


def _checked_key(key: str, what: str) -> str:
    try:
        label, name = split_key(key)
    except StoreError as exc:
        raise ConfigError(f"curation: {what} {key!r} is not an entity key 'LABEL:name'") from exc
    if label not in ENTITY_LABELS:
        raise ConfigError(f"curation: {what} {key!r}: label {label!r} is not one of "
                          f"{', '.join(ENTITY_LABELS)}")
    if not name.strip():
        raise ConfigError(f"curation: {what} {key!r} has no name")
    return f"{label}:{' '.join(name.split())}"


@dataclass(frozen=True)
class Curation:
    rules: tuple[Rule, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.rules)

    # -- reading --------------------------------------------------------
    def resolve(self, key: str, surface: str | None = None) -> str:
        """The key a mention of ``key`` (written ``surface``, when known) counts for."""
        for rule in self.rules:
            if rule.entity != key:
                continue
            if rule.action == SPLIT:
                if surface is not None and fold(surface) == fold(rule.alias):
                    key = rule.into
            else:
                key = rule.into
        return key

    def apply(self, extraction: Extraction) -> Extraction:
        """The extraction as curated: mentions renamed, relations re-pointed."""
        if not self.rules:
            return extraction
        mentions = []
        by_sentence: dict[tuple[int, str], set[str]] = {}
        for m in extraction.mentions:
            key = self.resolve(m.key, m.text) if m.name else m.key
            by_sentence.setdefault((m.sentence, m.key), set()).add(key)
            if key != m.key:
                label, name = split_key(key)
                m = replace(m, label=label, name=name)
            mentions.append(m)

        def end(key: str, sentence: int) -> str:
            if not key.partition(":")[2]:
                return key  # an unnamed route end stays unnamed
            found = by_sentence.get((sentence, key), set())
            # A relation names no spelling; the sentence's mentions say which it was.
            return next(iter(found)) if len(found) == 1 else self.resolve(key)

        relations: list[Relation] = [
            replace(r, source=end(r.source, r.sentence), target=end(r.target, r.sentence))
            for r in extraction.relations
        ]
        return replace(extraction, mentions=tuple(mentions), relations=tuple(relations))

    # -- changing (each returns a new Curation) -------------------------
    def _added(self, action: str, entity: str, into: str, alias: str = "",
               note: str = "") -> Curation:
        rule = Rule(id=max((r.id for r in self.rules), default=0) + 1, action=action,
                    entity=entity, into=into, alias=alias, note=note,
                    created=datetime.now(UTC).replace(microsecond=0).isoformat())
        return Curation(rules=(*self.rules, rule))

    def merge(self, entity: str, into: str, note: str = "") -> Curation:
        entity, into = _checked_key(entity, "entity"), _checked_key(into, "target")
        into = self.resolve(into)  # merging into a renamed entity means its current name
        if entity == into:
            raise ConfigError(f"curation: cannot merge {entity!r} into itself")
        return self._added(MERGE, entity, into, note=note)

    def rename(self, entity: str, new_name: str, note: str = "") -> Curation:
        entity = _checked_key(entity, "entity")
        label, _ = split_key(entity)
        into = _checked_key(f"{label}:{new_name}", "new name")
        if into == entity:
            raise ConfigError(f"curation: {entity!r} already has the name {new_name!r}")
        return self._added(RENAME, entity, into, note=note)

    def split(self, entity: str, alias: str, into: str, note: str = "") -> Curation:
        entity, into = _checked_key(entity, "entity"), _checked_key(into, "target")
        alias = " ".join(alias.split())
        if not alias:
            raise ConfigError(f"curation: split of {entity!r} needs the spelling to move")
        if entity == into:
            raise ConfigError(f"curation: cannot split {entity!r} into itself")
        return self._added(SPLIT, entity, into, alias=alias, note=note)

    def without(self, rule_id: int) -> Curation:
        if not any(r.id == rule_id for r in self.rules):
            raise ConfigError(f"curation: no rule {rule_id}")
        return Curation(rules=tuple(r for r in self.rules if r.id != rule_id))

    def affected_keys(self) -> set[str]:
        return {k for r in self.rules for k in (r.entity, r.into)}


def curation_path(home: Path) -> Path:
    return Path(home) / CURATION_FILE


def load_curation(path: Path) -> Curation:
    """The rules in ``path``; none when the file does not exist."""
    path = Path(path)
    if not path.exists():
        return Curation()
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        rules = tuple(Rule(**row) for row in data["rules"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"curation file {path}: unreadable ({exc})") from exc
    for rule in rules:
        if rule.action not in ACTIONS:
            raise ConfigError(f"curation file {path}: rule {rule.id} has unknown action "
                              f"{rule.action!r} (one of {', '.join(ACTIONS)})")
    return Curation(rules=rules)


def save_curation(path: Path, curation: Curation) -> None:
    """Write the rules atomically (a reader sees the old file or the new one)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"rules": [asdict(r) for r in curation.rules]}, ensure_ascii=False,
                      indent=2) + "\n"
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def curation_beside(extractions: Any) -> Curation:
    """The curation kept beside an extraction store (``HOME/curation.json``)."""
    store_path = getattr(extractions, "path", None)
    if store_path is None:
        return Curation()
    return load_curation(Path(store_path).parent / CURATION_FILE)

