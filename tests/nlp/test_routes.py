"""ROUTE relations: shapes of journeys and what is not a route."""

from __future__ import annotations


def routes(record):
    return [(r["origin"], r["destination"], tuple(r["via"]), r["mode"]) for r in record["ROUTES"]]


def test_from_to_sentence_is_a_route(analyze):
    record = analyze("The women were trafficked from Indonesia to Cambodia last year.")
    assert [(o, d) for o, d, _, _ in routes(record)] == [("Indonesia", "Cambodia")]


def test_each_stated_leg_is_its_own_route(analyze):
    record = analyze(
        "Rina flew from Jakarta to Bangkok, then was driven to Mae Sot by a broker who "
        "recruited her."
    )
    assert routes(record) == [
        ("Bangkok", "Mae Sot", (), "land"),
        ("Jakarta", "Bangkok", (), "air"),
    ]


def test_boats_make_a_sea_route(analyze):
    record = analyze("Smugglers took the refugees by boat from Cox's Bazar to Malaysia.")
    assert routes(record) == [("Cox's Bazar", "Malaysia", (), "sea")]


def test_boat_crossing_of_a_river_is_a_land_route_via_the_river(analyze):
    record = analyze(
        "Trafficking victims were taken across the Moei River in a small boat from Mae Sot "
        "into Myawaddy."
    )
    assert routes(record) == [("Mae Sot", "Myawaddy", ("Moei River",), "land")]


def test_repatriation_is_not_a_route(analyze):
    record = analyze("The rescued workers were repatriated from Myawaddy to Bangkok by air.")
    assert record["ROUTES"] == []


def test_unnamed_origin_is_the_empty_string(analyze):
    record = analyze("The two men were convicted of trafficking 12 people to Cambodia.")
    assert routes(record) == [("", "Cambodia", (), "unknown")]


def test_movement_of_goods_is_not_a_route(analyze):
    record = analyze("Drugs were smuggled from Shan State to Thailand by truck.")
    assert record["ROUTES"] == []


def test_summary_journey_covered_by_its_legs_is_dropped(analyze):
    record = analyze(
        "The couple lured 19 people from Buriram into scam compounds in Poipet. Applicants "
        "were picked up in Buriram and driven to Aranyaprathet, then walked across the "
        "border into Poipet."
    )
    assert [(o, d) for o, d, _, _ in routes(record)] == [
        ("Aranyaprathet", "Poipet"),
        ("Buriram", "Aranyaprathet"),
    ]
