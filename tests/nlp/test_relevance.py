"""The transparent relevance score."""

from __future__ import annotations

from nlp.relevance import evidence_score, relevance_model, relevance_threshold, score_relevance


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
    assert evidence_score("A quiet day at the market.", []) == 0.0
    assert 0.0 <= empty < relevance_threshold() <= rich <= 1.0


def test_short_text_with_a_smuggling_route_is_relevant_though_the_classifier_doubts_it(
    extract,
):
    text = "Smugglers took the refugees by boat from Cox's Bazar to Malaysia."
    assert relevance_model().score([text])[0] < relevance_threshold()
    assert extract(text).relevant


def test_texts_scored_in_one_batch_score_as_they_do_one_at_a_time(extractor):
    texts = [
        "Recruiters lured 40 workers to scam compounds in Myawaddy, where they were victims "
        "of human trafficking and forced to run romance scams.",
        "Floodwaters from the Mekong River inundated parts of Vientiane this week.",
        "Boats left Cox's Bazar for Malaysia carrying Rohingya refugees.",
        "The central bank held its policy rate steady on Thursday.",
    ]
    batched = [doc._.scamtrace_relevance for doc in extractor.nlp.pipe(texts, batch_size=3)]
    alone = [extractor.nlp(text)._.scamtrace_relevance for text in texts]
    assert batched == alone and len(set(batched)) == len(texts)
