"""Relations other than ROUTE, each with the sentence that states it."""

from __future__ import annotations

from nlp.taxonomy import CO_OCCURS, INVOLVES, LOCATED_IN, OPERATES_IN, RECRUITS_VIA


def relation_pairs(extraction, kind):
    return {(r.source, r.target) for r in extraction.relations if r.type == kind}


def test_entities_in_one_sentence_co_occur_with_the_sentence_as_evidence(extract):
    extraction = extract("UNODC said scam compounds in Myawaddy hold thousands of people.")
    relation = next(
        r
        for r in extraction.relations
        if r.type == CO_OCCURS and (r.source, r.target) == ("LOCATION:Myawaddy", "ORG:UNODC")
    )
    assert relation.sentence == 0
    assert relation.sentence_text.startswith("UNODC said")


def test_entities_in_different_sentences_do_not_co_occur(extract):
    extraction = extract("UNODC published a report. Myawaddy was not mentioned by name.")
    assert relation_pairs(extraction, CO_OCCURS) == set()


def test_recruiter_and_platform_in_one_sentence_recruit_via(extract):
    extraction = extract(
        "Recruiters posted fake job adverts on Facebook to lure trafficking victims."
    )
    assert relation_pairs(extraction, RECRUITS_VIA) == {
        ("RECRUITER:recruitment agent", "PLATFORM:Facebook")
    }


def test_recruiter_operates_in_the_place_it_runs_compounds(extract):
    extraction = extract("Scam compounds in Shwe Kokko are run by the Karen Border Guard Force.")
    assert ("RECRUITER:Karen Border Guard Force", "LOCATION:Shwe Kokko") in relation_pairs(
        extraction, OPERATES_IN
    )


def test_place_near_a_town_in_a_country_is_located_in(extract):
    extraction = extract("KK Park, near Myawaddy, holds trafficking victims from Kenya.")
    assert ("LOCATION:KK Park", "LOCATION:Myawaddy") in relation_pairs(extraction, LOCATED_IN)


def test_possessive_country_contains_its_state(extract):
    extraction = extract("Authorities in Myanmar's Shan State handed over fraud suspects.")
    assert relation_pairs(extraction, LOCATED_IN) == {("LOCATION:Shan State", "LOCATION:Myanmar")}


def test_recruiter_in_a_sentence_about_a_crime_involves_it(extract):
    extraction = extract("The Prince Group was accused of money laundering by investigators.")
    assert ("RECRUITER:Prince Group", "CRIME:money laundering") in relation_pairs(
        extraction, INVOLVES
    )
