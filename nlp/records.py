"""Record types produced by extraction.

Labels and relation types are the ones fixed in TAXONOMY.md; their names are
kept in ``nlp.taxonomy`` and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def entity_key(label: str, name: str) -> str:
    """The stable identifier of a canonical entity: ``LABEL:canonical name``."""
    return f"{label}:{name}"


@dataclass(frozen=True)
class Mention:
    """One occurrence of a canonical entity in a document."""

    label: str
    name: str  # canonical name (TAXONOMY.md)
    text: str  # surface form as written
    sentence: int  # index of the sentence within the document
    start: int  # character offsets in the document text
    end: int

    @property
    def key(self) -> str:
        return entity_key(self.label, self.name)


@dataclass(frozen=True)
class Relation:
    """A relation between two canonical entities, with its evidence.

    ``source`` and ``target`` are entity keys (``entity_key``). For ROUTE,
    ``mode`` is sea, land, air or unknown, ``via`` the names of places passed
    through, and an unnamed end is the key of an empty LOCATION name
    (``"LOCATION:"``). ``sentence_text`` is the sentence that states it.
    """

    type: str
    source: str
    target: str
    sentence: int
    sentence_text: str
    mode: str = ""
    via: tuple[str, ...] = ()


@dataclass(frozen=True)
class Extraction:
    """Everything extraction found in one document."""

    doc_id: str
    language: str
    relevant: bool
    relevance: float  # probability-like score in [0, 1]
    mentions: tuple[Mention, ...] = ()
    relations: tuple[Relation, ...] = ()
    sentences: tuple[str, ...] = field(default=(), repr=False)

    def names(self, label: str) -> list[str]:
        """Canonical names found for ``label``, deduplicated, in first-seen order."""
        seen: dict[str, None] = {}
        for m in self.mentions:
            if m.label == label and m.name:
                seen.setdefault(m.name, None)
        return list(seen)
