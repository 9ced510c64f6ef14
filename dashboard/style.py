"""Colours for entity labels and relation types, defined once for every page.

The palette is colour-blind friendly (Okabe-Ito), so charts read the same for
everyone; a label the taxonomy gains later falls back to grey.
"""

from __future__ import annotations

from nlp.taxonomy import (
    CO_OCCURS,
    CRIME,
    INVOLVES,
    LOCATED_IN,
    LOCATION,
    OPERATES_IN,
    ORG,
    PERSON,
    PLATFORM,
    RECRUITER,
    RECRUITS_VIA,
    ROUTE,
)

LABEL_COLOURS: dict[str, str] = {
    LOCATION: "#0072B2",  # blue
    PLATFORM: "#E69F00",  # orange
    RECRUITER: "#D55E00",  # vermillion
    ORG: "#009E73",  # green
    PERSON: "#CC79A7",  # purple
    CRIME: "#56B4E9",  # sky blue
}
UNKNOWN_COLOUR = "#999999"

RELATION_COLOURS: dict[str, str] = {
    CO_OCCURS: "#BBBBBB",
    ROUTE: "#0072B2",
    RECRUITS_VIA: "#E69F00",
    OPERATES_IN: "#D55E00",
    LOCATED_IN: "#009E73",
    INVOLVES: "#56B4E9",
}


def label_colour(label: str) -> str:
    """The colour that marks ``label`` in every chart and legend."""
    return LABEL_COLOURS.get(label, UNKNOWN_COLOUR)


def relation_colour(relation_type: str) -> str:
    return RELATION_COLOURS.get(relation_type, UNKNOWN_COLOUR)
