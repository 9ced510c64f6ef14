"""Which country a place is in: the country itself, up its LOCATED_IN edges, or the
offline city table, in that order."""

from __future__ import annotations

import gc

from graph.model import Edge
from graph.places import _cities, countries_of, gazetteer_country
from nlp.taxonomy import LOCATED_IN


def located(source: str, target: str, weight: int = 1) -> Edge:
    return Edge(type=LOCATED_IN, source=f"LOCATION:{source}", target=f"LOCATION:{target}",
                weight=weight)


def test_a_country_is_its_own_country_and_other_labels_are_left_out():
    found = countries_of(["LOCATION:Myanmar", "ORG:Myanmar", "PLATFORM:Telegram"], [])
    assert found == {"LOCATION:Myanmar": "Myanmar"}


def test_located_in_edges_are_followed_to_the_nearest_country_before_the_city_table():
    # Made-up names the city table cannot know: only the edges place them.
    edges = [located("Zone Nine", "Karen Hills"), located("Karen Hills", "Myanmar"),
             located("Zone Nine", "Thailand")]
    found = countries_of(["LOCATION:Zone Nine", "LOCATION:Karen Hills"], edges)
    assert found == {"LOCATION:Zone Nine": "Thailand", "LOCATION:Karen Hills": "Myanmar"}


def test_the_city_table_places_a_town_no_edge_places_and_unknown_names_stay_out():
    assert gazetteer_country("Mae Sot") == "Thailand"
    assert countries_of(["LOCATION:Myawaddy", "LOCATION:Nowhere Particular Qz"], []) == {
        "LOCATION:Myawaddy": "Myanmar"}


def test_the_city_table_kept_for_the_process_is_nothing_the_collector_walks():
    by_name, by_alternate, _ = _cities()
    gc.collect()
    sample = [*list(by_name.values())[:2000], *list(by_alternate.values())[:2000]]
    assert sample and not any(gc.is_tracked(candidate) for candidate in sample)
