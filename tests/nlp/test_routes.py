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


def test_places_listed_together_share_their_role(analyze):
    record = analyze(
        "Prosecutors said the network trafficked workers from China, Indonesia and Vietnam "
        "to Cambodia, where they were forced to run online scams."
    )
    assert sorted((o, d) for o, d, _, _ in routes(record)) == [
        ("China", "Cambodia"),
        ("Indonesia", "Cambodia"),
        ("Vietnam", "Cambodia"),
    ]


def test_intercepted_journey_is_not_a_route(analyze):
    record = analyze(
        "Immigration officers stopped four women about to board a flight to Bangkok after "
        "finding messages from a recruiter for a scam compound."
    )
    assert record["ROUTES"] == []


def test_journeys_in_an_off_topic_story_are_not_routes(analyze):
    record = analyze(
        "Millions began the journey home for the holiday, with train tickets from "
        "Ho Chi Minh City to Hanoi sold out and buses taking families to Hue."
    )
    assert record["ROUTES"] == []
    assert record["relevant"] is False


def test_leg_without_a_verb_takes_the_mode_of_the_leg_before(analyze):
    record = analyze(
        "The trafficking victims were first flown to Dubai, then on to Bangkok, and finally "
        "driven to Mae Sot."
    )
    assert ("Dubai", "Bangkok", (), "air") in routes(record)
    assert ("Bangkok", "Mae Sot", (), "land") in routes(record)
