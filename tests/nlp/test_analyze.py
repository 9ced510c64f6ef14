"""The analyze record: exact keys, sorted canonical names, deduplicated routes."""

from __future__ import annotations

from nlp.analyze import analyze_record
from nlp.records import Extraction, Mention, Relation


def test_analyze_record_has_exactly_the_schema_keys(analyze):
    record = analyze("Workers were trafficked from Burma to Thailand, then to Cambodia.")
    assert list(record) == [
        "id",
        "LOCATION",
        "PLATFORM",
        "RECRUITER",
        "ORG",
        "PERSON",
        "CRIME",
        "ROUTES",
        "relevant",
    ]
    assert isinstance(record["relevant"], bool)
    for route in record["ROUTES"]:
        assert list(route) == ["origin", "destination", "via", "mode"]


def test_names_are_sorted_and_deduplicated_and_routes_deduplicated():
    route = Relation(
        "ROUTE", "LOCATION:Mae Sot", "LOCATION:Myawaddy", 0, "s", "land", ("Moei River",)
    )
    extraction = Extraction(
        doc_id="d",
        language="en",
        relevant=True,
        relevance=0.8,
        mentions=(
            Mention("LOCATION", "Myawaddy", "Myawadi", 0, 0, 7),
            Mention("LOCATION", "Mae Sot", "Mae Sot", 0, 10, 17),
            Mention("LOCATION", "Myawaddy", "Myawaddy", 1, 30, 38),
        ),
        relations=(route, route),
    )
    record = analyze_record("d", extraction)
    assert record["LOCATION"] == ["Mae Sot", "Myawaddy"]
    assert record["ROUTES"] == [
        {"origin": "Mae Sot", "destination": "Myawaddy", "via": ["Moei River"], "mode": "land"}
    ]
