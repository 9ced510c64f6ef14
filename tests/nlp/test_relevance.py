"""The transparent relevance score."""

from __future__ import annotations

from nlp.relevance import relevance_threshold, score_relevance


def test_trafficking_story_is_relevant(extract):
    extraction = extract(
        "Recruiters lured 40 workers to scam compounds in Myawaddy, where they were victims "
        "of human trafficking and forced to run romance scams."
    )
    assert extraction.relevant
    assert extraction.relevance >= relevance_threshold()


def test_flood_story_is_not_relevant(extract):
    extraction = extract(
        "Floodwaters from the Mekong River inundated parts of Vientiane this week, and "
        "authorities opened evacuation centres in schools and temples."
    )
    assert not extraction.relevant
    assert extraction.relevance < relevance_threshold()


def test_score_stays_within_zero_and_one_and_grows_with_evidence():
    empty = score_relevance("A quiet day at the market.", [])
    rich = score_relevance("scam compound trafficking victims recruiter " * 20, [], routes=5)
    assert empty == 0.0
    assert 0.0 < rich <= 1.0
