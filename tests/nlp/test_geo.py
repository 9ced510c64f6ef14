"""Coordinates from the offline gazetteers, and the graph sync that uses them."""

from __future__ import annotations

import hashlib
import json

import pytest

from graph.embedded import EmbeddedGraphStore
from graph.sync import batch_from_extractions
from ingest.records import Document
from nlp import geo
from nlp.records import Extraction, Mention


def near(found: tuple[float, float] | None, lat: float, lon: float, degrees: float = 0.5) -> bool:
    return found is not None and abs(found[0] - lat) <= degrees and abs(found[1] - lon) <= degrees


def test_town_in_the_packaged_gazetteer_has_its_coordinates():
    assert near(geo.coordinates("Myawaddy"), 16.69, 98.51, 0.05)


def test_compound_the_packaged_gazetteer_lacks_comes_from_our_file():
    own = json.loads(geo.GAZETTEER.read_text(encoding="utf-8"))["places"]
    assert geo.coordinates("KK Park") == tuple(own["KK Park"])
    assert near(geo.coordinates("KK Park"), 16.69, 98.51, 0.3)  # south of Myawaddy


def test_every_entry_of_our_file_is_a_valid_point():
    data = json.loads(geo.GAZETTEER.read_text(encoding="utf-8"))
    for section in ("countries", "places"):
        for name, (lat, lon) in data[section].items():
            assert -90 <= lat <= 90 and -180 <= lon <= 180, name


@pytest.mark.parametrize("name", ["Golden Triangle SEZ", "Three Pagodas Pass", "Andaman Sea",
                                  "Bay of Bengal", "Moei River", "Laukkaing", "O'Smach"])
def test_places_named_in_the_brief_are_all_placed(name):
    assert geo.coordinates(name) is not None


def test_name_matching_ignores_case_spacing_and_curly_apostrophes():
    assert geo.coordinates("cox’s  bazar") == geo.coordinates("Cox's Bazar") is not None


def test_ambiguous_name_prefers_the_asia_pacific_place_over_a_larger_one_elsewhere():
    # San Juan, Puerto Rico is larger than San Juan, Metro Manila.
    by_name, _ = geo._city_index()
    candidates = by_name["san juan"]
    largest = max(candidates, key=lambda c: c.population)
    assert largest.continent not in geo.ASIA_PACIFIC
    found = geo.coordinates("San Juan")
    assert near(found, 14.6, 121.03, 0.2)


def test_best_candidate_takes_the_largest_of_the_asia_pacific_ones():
    small = geo.Candidate(lat=1, lon=1, population=10, continent="AS", geonameid=3)
    large = geo.Candidate(lat=2, lon=2, population=500, continent="OC", geonameid=2)
    elsewhere = geo.Candidate(lat=3, lon=3, population=10**7, continent="EU", geonameid=1)
    assert geo.best_candidate([small, elsewhere, large]) == large
    assert geo.best_candidate([elsewhere]) == elsewhere
    assert geo.best_candidate([]) is None


def test_alternate_spelling_finds_the_city_when_no_city_has_it_as_its_name():
    by_name, by_alternate = geo._city_index()
    assert "kawthoung" in by_name and "tachileik" not in by_name
    assert near(geo.coordinates("Tachileik"), 20.45, 99.88, 0.1)


def test_country_without_our_own_point_sits_at_its_capital():
    assert near(geo.coordinates("Germany"), 52.52, 13.40, 0.1)


def test_country_spelled_as_pycountry_knows_it_is_found():
    assert near(geo.coordinates("Viet Nam"), 21.0, 105.8, 0.3)  # capital: Hanoi


def test_unknown_place_has_no_coordinates():
    assert geo.coordinates("Nowhere Compound 7") is None
    assert geo.coordinates("  ") is None


def test_sync_gives_location_entities_their_coordinates_in_the_graph(tmp_path):
    text = "Victims were taken from Mae Sot into KK Park by a broker."
    doc = Document(id="d1", url="https://example.org/d1", title="t", published="2024-05-01",
                   source="Example", text=text, language="en",
                   content_hash=hashlib.sha256(text.encode()).hexdigest())
    mentions = (
        Mention(label="LOCATION", name="Mae Sot", text="Mae Sot", sentence=0, start=0, end=7),
        Mention(label="LOCATION", name="KK Park", text="KK Park", sentence=0, start=0, end=7),
        Mention(label="LOCATION", name="Nowhere Compound 7", text="x", sentence=0, start=0,
                end=1),
        Mention(label="PLATFORM", name="Telegram", text="Telegram", sentence=0, start=0, end=8),
    )
    extraction = Extraction(doc_id="d1", language="en", relevant=True, relevance=0.9,
                            sentences=(text,), mentions=mentions, relations=())
    store = EmbeddedGraphStore(tmp_path / "graph.sqlite")
    try:
        store.upsert(batch_from_extractions([(1, extraction, doc)]))
        kk_park = store.entity("LOCATION:KK Park")
        assert (kk_park.lat, kk_park.lon) == geo.coordinates("KK Park")
        assert near((store.entity("LOCATION:Mae Sot").lat, store.entity("LOCATION:Mae Sot").lon),
                    16.72, 98.57, 0.05)
        unknown = store.entity("LOCATION:Nowhere Compound 7")
        assert unknown is not None and (unknown.lat, unknown.lon) == (None, None)
        assert store.entity("PLATFORM:Telegram").lat is None
    finally:
        store.close()


def test_accents_do_not_matter_so_a_capital_spelled_with_one_is_found():
    # geonames writes the capital of Cameroon "Yaoundé"; the country table "Yaounde".
    assert near(geo.coordinates("Cameroon"), 3.87, 11.52, 0.1)
    assert geo.coordinates("Yaounde") == geo.coordinates("Yaoundé") is not None


def test_nearly_every_place_the_extractor_knows_is_placed():
    names = set()
    for file in ("locations", "compounds", "countries"):
        path = geo.GAZETTEER.parent / f"{file}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["label"] == "LOCATION":
                names.add(row["id"])
    placed = [n for n in names if geo.coordinates(n) is not None]
    assert len(placed) / len(names) >= 0.95
