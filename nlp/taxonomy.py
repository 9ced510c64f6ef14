"""The labels, relation types and closed lists of TAXONOMY.md, in one place.

Code refers to these constants rather than spelling label names as string
literals, so a change to the taxonomy is a change here and in the data files.
"""

from __future__ import annotations

LOCATION = "LOCATION"
PLATFORM = "PLATFORM"
RECRUITER = "RECRUITER"
ORG = "ORG"
PERSON = "PERSON"
CRIME = "CRIME"

ENTITY_LABELS: tuple[str, ...] = (LOCATION, PLATFORM, RECRUITER, ORG, PERSON, CRIME)

MENTIONS = "MENTIONS"
CO_OCCURS = "CO_OCCURS"
ROUTE = "ROUTE"
RECRUITS_VIA = "RECRUITS_VIA"
OPERATES_IN = "OPERATES_IN"
LOCATED_IN = "LOCATED_IN"
INVOLVES = "INVOLVES"

RELATION_TYPES: tuple[str, ...] = (
    MENTIONS,
    CO_OCCURS,
    ROUTE,
    RECRUITS_VIA,
    OPERATES_IN,
    LOCATED_IN,
    INVOLVES,
)
# Relations between two entities (MENTIONS joins a document to an entity).
ENTITY_RELATION_TYPES: tuple[str, ...] = RELATION_TYPES[1:]

ROUTE_MODES: tuple[str, ...] = ("sea", "land", "air", "unknown")

# The closed CRIME list; nothing off it is ever emitted.
CRIME_TYPES: tuple[str, ...] = (
    "trafficking in persons",
    "people smuggling",
    "forced criminality",
    "online scam",
    "romance scam",
    "investment fraud",
    "pig butchering",
    "forced labour",
    "money laundering",
    "sexual exploitation",
    "debt bondage",
    "illegal recruitment",
    "cyber fraud",
    "illegal gambling",
    "kidnapping",
    "extortion",
)

# The single generic recruiter entry for unnamed recruiters, brokers and agents.
GENERIC_RECRUITER = "recruitment agent"
