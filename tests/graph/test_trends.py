"""Trends over a corpus written by hand, whose bursts and new items are known.

Ten weeks, Monday 2026-06-01 to Sunday 2026-08-09 (ISO weeks 23 to 32). One
document per entity mention, so counts are documents:

* STEADY (Myawaddy): two documents every week.
* JUMPER (Telegram): one a week for seven weeks, then eight a week for three.
* NEWCOMER (Golden Lotus Park): three a week in the last two weeks only.
* Route Bangkok -> Payathonzu: by land in weeks 1-6, by sea from week 9.
* Recruiter Lotus Crest -> Signal: first linked in week 10.
* An off-topic document in week 10 mentioning a bursting name adds nothing.
"""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from pathlib import Path

import pytest

import graph.trends
from graph.model import DocumentRow, EvidenceRow, GraphBatch, MentionRow
from graph.trends import (
    TrendSettings,
    iso_week,
    poisson_burst_p_value,
    read_relevant_documents,
    trends_report,
)
from ingest.errors import ConfigError

START = date(2026, 6, 1)  # a Monday
SINCE, UNTIL = "2026-06-01", "2026-08-09"
STEADY = "LOCATION:Myawaddy"
JUMPER = "PLATFORM:Telegram"
NEWCOMER = "LOCATION:Golden Lotus Park"
BANGKOK = "LOCATION:Bangkok"
PAYATHONZU = "LOCATION:Payathonzu"
LOTUS_CREST = "RECRUITER:Lotus Crest Recruitment"
SIGNAL = "PLATFORM:Signal"


def day(week: int, weekday: int) -> str:
    """Date of ``weekday`` (0 = Monday) in ``week`` (1..10)."""
    return (START + timedelta(weeks=week - 1, days=weekday)).isoformat()


class Corpus:
    def __init__(self) -> None:
        self.documents: list[DocumentRow] = []
        self.mentions: list[MentionRow] = []
        self.evidence: list[EvidenceRow] = []
        self.docs_of: dict[str, list[str]] = {}

    def add(self, doc_id: str, published: str, entities: tuple[str, ...],
            relevant: bool = True) -> str:
        self.documents.append(DocumentRow(
            id=doc_id, title=f"Report {doc_id}", url=f"https://example.org/{doc_id}",
            source="Example Wire", published=published, relevant=relevant))
        for key in entities:
            self.mentions.append(MentionRow(doc_id=doc_id, entity=key, count=2, date=published))
            if relevant:
                self.docs_of.setdefault(key, []).append(doc_id)
        return doc_id

    def relate(self, type_: str, source: str, target: str, doc_id: str, published: str,
               mode: str = "") -> None:
        self.evidence.append(EvidenceRow(
            type=type_, source=source, target=target, mode=mode, via=(), doc_id=doc_id,
            sentence_index=0, sentence=f"{source} to {target} by {mode or 'link'}.",
            date=published))

    def batch(self) -> GraphBatch:
        return GraphBatch(documents=tuple(self.documents), mentions=tuple(self.mentions),
                          evidence=tuple(self.evidence), high_water_mark=1)


def build_corpus() -> Corpus:
    corpus = Corpus()
    for week in range(1, 11):
        for i in range(2):
            corpus.add(f"steady-{week}-{i}", day(week, i), (STEADY,))
        for i in range(1 if week <= 7 else 8):
            corpus.add(f"jump-{week}-{i}", day(week, i % 7), (JUMPER,))
        if week >= 9:
            for i in range(3):
                corpus.add(f"new-{week}-{i}", day(week, 2 + i), (NEWCOMER,))
        if week <= 6:
            doc = corpus.add(f"land-{week}", day(week, 3), (BANGKOK, PAYATHONZU))
            corpus.relate("ROUTE", BANGKOK, PAYATHONZU, doc, day(week, 3), mode="land")
    for week in (9, 10):
        doc = corpus.add(f"sea-{week}", day(week, 5), (BANGKOK, PAYATHONZU))
        corpus.relate("ROUTE", BANGKOK, PAYATHONZU, doc, day(week, 5), mode="sea")
    doc = corpus.add("crest-signal", day(10, 4), (LOTUS_CREST, SIGNAL))
    corpus.relate("RECRUITS_VIA", LOTUS_CREST, SIGNAL, doc, day(10, 4))
    corpus.add("off-topic", day(10, 6), (NEWCOMER, JUMPER), relevant=False)
    return corpus


@pytest.fixture
def corpus() -> Corpus:
    return build_corpus()


@pytest.fixture
def report(graph_store, corpus):
    graph_store.upsert(corpus.batch())
    return trends_report(graph_store, None, SINCE, UNTIL)


def test_relevant_documents_are_read_whole_across_pages(graph_store, corpus, monkeypatch):
    graph_store.upsert(corpus.batch())
    expected = graph_store.documents(relevant_only=True, limit=10_000)
    assert len(expected) > 7
    monkeypatch.setattr(graph.trends, "_PAGE", 3)  # pages of 3, the last one short
    assert read_relevant_documents(graph_store, None, None) == expected
    monkeypatch.setattr(graph.trends, "_PAGE", len(expected))  # the last page empty
    assert read_relevant_documents(graph_store, None, None) == expected


def test_recent_period_is_the_last_four_weeks_of_the_window(report):
    assert report.recent_since == "2026-07-13"
    assert report.since == SINCE and report.until == UNTIL


def test_jump_from_one_to_eight_a_week_ranks_first_with_a_small_p_value(report):
    entity_bursts = [b for b in report.bursts if b.kind == "entity"]
    assert [b.key for b in entity_bursts] == [JUMPER, NEWCOMER]
    jump = entity_bursts[0]
    # Recent four weeks: week 7 (1) + weeks 8-10 (8 each); baseline weeks 1-6: 6.
    assert (jump.recent_count, jump.baseline_count) == (25, 6)
    assert jump.p_value < 1e-9
    assert jump.score == pytest.approx(-math.log10(jump.p_value))
    assert jump.rate_ratio > 5


def test_burst_p_value_is_the_poisson_upper_tail_at_the_smoothed_baseline_rate(report):
    jump = next(b for b in report.bursts if b.key == JUMPER)
    expected = (6 + 0.5) / (6 + 1) * 4
    assert jump.expected == pytest.approx(expected)
    p, _, _ = poisson_burst_p_value(25, 6, 4, 6)
    assert jump.p_value == pytest.approx(p)


def test_burst_lists_the_recent_documents_behind_it_newest_first(report, corpus):
    jump = next(b for b in report.bursts if b.key == JUMPER)
    recent = {d for d in corpus.docs_of[JUMPER] if d.startswith(("jump-7", "jump-8", "jump-9",
                                                                 "jump-10"))}
    assert {d.id for d in jump.documents} == recent
    dates = [d.date for d in jump.documents]
    assert dates == sorted(dates, reverse=True)
    assert all(d.url == f"https://example.org/{d.id}" for d in jump.documents)


def test_steady_two_a_week_is_not_a_burst(report):
    assert STEADY not in {b.key for b in report.bursts}


def test_entity_never_seen_before_bursts_on_the_prior(report):
    new = next(b for b in report.bursts if b.key == NEWCOMER)
    assert (new.recent_count, new.baseline_count) == (6, 0)
    assert new.p_value < 0.001
    assert new.first_seen == day(9, 2)


def test_first_seen_lists_only_entities_whose_first_mention_is_in_the_window(
        graph_store, corpus):
    graph_store.upsert(corpus.batch())
    report = trends_report(graph_store, None, day(9, 0), UNTIL)
    found = {f.key: f for f in report.first_seen}
    assert set(found) == {NEWCOMER, LOTUS_CREST, SIGNAL}
    assert found[NEWCOMER].first_seen == day(9, 2)
    assert {d.id for d in found[NEWCOMER].documents} == set(corpus.docs_of[NEWCOMER])
    assert "off-topic" not in {d.id for d in found[NEWCOMER].documents}


def test_new_relation_pair_names_its_first_evidence(graph_store, corpus):
    graph_store.upsert(corpus.batch())
    report = trends_report(graph_store, None, day(8, 0), UNTIL)
    new = {(r.type, r.source, r.target): r for r in report.new_relations}
    assert set(new) == {("RECRUITS_VIA", LOTUS_CREST, SIGNAL)}
    link = new[("RECRUITS_VIA", LOTUS_CREST, SIGNAL)]
    assert link.first_seen == day(10, 4)
    assert [d.id for d in link.documents] == ["crest-signal"]
    assert link.documents[0].sentence


def test_route_known_before_the_window_is_not_new_but_its_new_mode_is(graph_store, corpus):
    graph_store.upsert(corpus.batch())
    report = trends_report(graph_store, None, day(8, 0), UNTIL)
    assert ("ROUTE", BANGKOK, PAYATHONZU) not in {
        (r.type, r.source, r.target) for r in report.new_relations}
    [change] = report.mode_changes
    assert (change.source, change.target, change.mode) == (BANGKOK, PAYATHONZU, "sea")
    assert change.previous_modes == ("land",)
    assert change.first_seen == day(9, 5)
    assert change.previous_last_seen == day(6, 3)
    assert [d.id for d in change.documents] == ["sea-9", "sea-10"]
    assert change.previous_documents[0].id == "land-6"


def test_mode_seen_before_the_window_is_no_change(graph_store, corpus):
    graph_store.upsert(corpus.batch())
    report = trends_report(graph_store, None, day(10, 0), UNTIL)
    assert report.mode_changes == ()


# -- corridors: routes between the same two countries ------------------------
MAE_SOT, MYAWADDY = "LOCATION:Mae Sot", "LOCATION:Myawaddy"
RANONG, KAWTHAUNG = "LOCATION:Ranong", "LOCATION:Kawthaung"
THAILAND, MYANMAR = "LOCATION:Thailand", "LOCATION:Myanmar"


def corridor_corpus() -> Corpus:
    """Mae Sot -> Myawaddy by land in weeks 1-6, Ranong -> Kawthaung by sea in
    weeks 9-10: no pair changes mode, the corridor Thailand -> Myanmar does.
    Myawaddy is placed through Karen State, the others directly; a domestic
    route (Bangkok -> Mae Sot) by air in week 9 is no corridor."""
    corpus = Corpus()
    places = corpus.add("places", day(1, 0), (MAE_SOT, MYAWADDY, RANONG, KAWTHAUNG))
    for inner, outer in ((MAE_SOT, THAILAND), (RANONG, THAILAND), (KAWTHAUNG, MYANMAR),
                         (MYAWADDY, "LOCATION:Karen State"),
                         ("LOCATION:Karen State", MYANMAR)):
        corpus.relate("LOCATED_IN", inner, outer, places, day(1, 0))
    for week in range(1, 7):
        doc = corpus.add(f"land-{week}", day(week, 3), (MAE_SOT, MYAWADDY))
        corpus.relate("ROUTE", MAE_SOT, MYAWADDY, doc, day(week, 3), mode="land")
    for week in (9, 10):
        doc = corpus.add(f"sea-{week}", day(week, 5), (RANONG, KAWTHAUNG))
        corpus.relate("ROUTE", RANONG, KAWTHAUNG, doc, day(week, 5), mode="sea")
    doc = corpus.add("air-9", day(9, 1), (BANGKOK, MAE_SOT))
    corpus.relate("ROUTE", BANGKOK, MAE_SOT, doc, day(9, 1), mode="air")
    return corpus


def test_corridor_between_two_countries_changes_from_land_to_sea(graph_store):
    graph_store.upsert(corridor_corpus().batch())
    report = trends_report(graph_store, None, day(8, 0), UNTIL)
    [change] = report.mode_changes
    assert (change.kind, change.source, change.target) == ("corridor", THAILAND, MYANMAR)
    assert (change.mode, change.previous_modes) == ("sea", ("land",))
    assert change.first_seen == day(9, 5)
    assert change.previous_last_seen == day(6, 3)
    assert change.routes == (f"ROUTE|{RANONG}|{KAWTHAUNG}|sea",)
    assert [d.id for d in change.documents] == ["sea-9", "sea-10"]
    assert [d.id for d in change.previous_documents] == [f"land-{w}" for w in range(6, 0, -1)]


def test_corridor_whose_modes_were_all_seen_before_the_window_is_no_change(graph_store):
    graph_store.upsert(corridor_corpus().batch())
    report = trends_report(graph_store, None, day(10, 0), UNTIL)
    assert report.mode_changes == ()


def test_pair_change_is_not_repeated_as_its_corridor(graph_store, corpus):
    graph_store.upsert(corpus.batch())
    report = trends_report(graph_store, None, day(8, 0), UNTIL)
    assert [c.kind for c in report.mode_changes] == ["route"]


def test_counts_per_week_follow_the_corpus(report):
    counts = report.counts
    assert counts.weeks == tuple(iso_week(START + timedelta(weeks=w)) for w in range(10))
    series = {s.key: s for s in counts.by_entity}
    assert series[STEADY].weekly == (2,) * 10
    assert series[JUMPER].weekly == (1,) * 7 + (8,) * 3
    assert series[NEWCOMER].weekly == (0,) * 8 + (3, 3)
    assert counts.months == ("2026-06", "2026-07", "2026-08")
    assert sum(series[JUMPER].monthly) == series[JUMPER].total == 31


def test_entity_series_keep_only_the_emerging_entities_that_lead_their_lists(graph_store,
                                                                          corpus):
    graph_store.upsert(corpus.batch())
    report = trends_report(graph_store, None, SINCE, UNTIL, entity_limit=0,
                           settings=TrendSettings(listed=1))
    leader = ([b.key for b in report.bursts if b.kind == "entity"]
              + [f.key for f in report.first_seen])[0]
    assert len(report.bursts) + len(report.first_seen) > 1
    assert [s.key for s in report.counts.by_entity] == [leader]


def test_counts_per_label_and_relation_type_add_up(report, corpus):
    labels = {s.key: s.total for s in report.counts.by_label}
    relevant = [m for m in corpus.mentions if m.doc_id != "off-topic"]
    assert labels == {
        "LOCATION": sum(1 for m in relevant if m.entity.startswith("LOCATION:")),
        "PLATFORM": sum(1 for m in relevant if m.entity.startswith("PLATFORM:")),
        "RECRUITER": 1,
    }
    relations = {s.key: s.total for s in report.counts.by_relation}
    assert relations == {"ROUTE": 8, "RECRUITS_VIA": 1}
    modes = {s.key: s.weekly for s in report.counts.by_route_mode}
    assert modes["sea"] == (0,) * 8 + (1, 1)
    assert report.counts.documents.total == len(corpus.documents) - 1


def test_minimum_count_keeps_small_bursts_out(graph_store, corpus):
    graph_store.upsert(corpus.batch())
    report = trends_report(graph_store, None, SINCE, UNTIL, settings=TrendSettings(min_count=7))
    assert [b.key for b in report.bursts if b.kind == "entity"] == [JUMPER]


def test_relation_bursts_come_from_their_evidence(graph_store, corpus):
    graph_store.upsert(corpus.batch())
    report = trends_report(graph_store, None, SINCE, UNTIL,
                           settings=TrendSettings(min_count=1, max_p_value=0.2))
    relation = {b.key: b for b in report.bursts if b.kind == "relation"}
    sea = relation[f"ROUTE|{BANGKOK}|{PAYATHONZU}|sea"]
    assert {d.id for d in sea.documents} == {"sea-9", "sea-10"}
    assert f"ROUTE|{BANGKOK}|{PAYATHONZU}|land" not in relation


def test_report_is_json_ready(report):
    data = json.loads(json.dumps(report.to_dict()))
    assert data["bursts"][0]["key"] == JUMPER
    assert data["bursts"][0]["documents"][0]["url"].startswith("https://example.org/")
    assert data["counts"]["weeks"][0] == "2026-W23"


@pytest.mark.parametrize("since, until", [("2026-13-01", None), ("yesterday", None),
                                          (None, "2026-02-30"), ("2026-08-01", "2026-07-01")])
def test_bad_window_is_refused_with_a_message_naming_it(graph_store, since, until):
    with pytest.raises(ConfigError, match="--since|--until"):
        trends_report(graph_store, None, since, until)


# -- the bundled sample: the Golden Lotus Park story (ingest/sample_feeds/README.md) --
EXPECTED = json.loads(
    (Path(__file__).parents[2] / "ingest" / "sample_feeds" / "expected.json").read_text())
STORY_LINKS = {link for links in EXPECTED["emerging"]["links_by_month"].values()
               for link in links}
GOLDEN_LOTUS = f"{EXPECTED['emerging']['label']}:{EXPECTED['emerging']['name']}"
SAMPLE_SIGNAL = f"PLATFORM:{EXPECTED['emerging']['platform']}"


@pytest.fixture(scope="module")
def sample_report(sample_config):
    from scamtrace import stores

    graph = stores.open_graph_store(sample_config)
    try:
        with stores.open_document_store(sample_config) as documents:
            yield trends_report(graph, documents, "2026-09-01", "2026-11-30")
    finally:
        graph.close()


def test_sample_golden_lotus_park_is_a_burst_backed_by_story_documents(sample_report):
    burst = next(b for b in sample_report.bursts if b.key == GOLDEN_LOTUS)
    assert burst.p_value <= sample_report.settings.max_p_value == 0.05
    assert burst.rate_ratio > 2
    assert burst.first_seen >= EXPECTED["emerging"]["absent_before"]
    assert {d.url for d in burst.documents} <= STORY_LINKS
    assert all(d.date >= "2026-11-03" for d in burst.documents)


def test_sample_golden_lotus_park_and_signal_are_first_seen_in_the_window(sample_report):
    found = {f.key: f for f in sample_report.first_seen}
    for key in (GOLDEN_LOTUS, SAMPLE_SIGNAL):
        assert found[key].first_seen >= EXPECTED["emerging"]["absent_before"]
        assert {d.url for d in found[key].documents} <= STORY_LINKS
    assert {d.url for d in found[GOLDEN_LOTUS].documents} == STORY_LINKS
    signal = next(s for s in sample_report.counts.by_entity if s.key == SAMPLE_SIGNAL)
    months = dict(zip(sample_report.counts.months, signal.monthly, strict=True))
    assert months["2026-09"] < months["2026-10"] < months["2026-11"]


def test_sample_sea_route_ranong_to_kawthaung_is_new_in_november(sample_report):
    new = {(r.type, r.source, r.target): r for r in sample_report.new_relations}
    sea = new[("ROUTE", "LOCATION:Ranong", "LOCATION:Kawthaung")]
    assert sea.modes == ("sea",)
    assert "ROUTE|LOCATION:Ranong|LOCATION:Kawthaung|sea" in {
        b.key for b in sample_report.bursts if b.kind == "relation"}
    assert sea.first_seen.startswith("2026-11")
    assert {d.url for d in sea.documents} <= STORY_LINKS
    modes = {s.key: dict(zip(sample_report.counts.months, s.monthly, strict=True))
             for s in sample_report.counts.by_route_mode}
    # Rohingya boats (Teknaf to Malaysia) sail again from October; the compound's sea
    # route adds November's.
    assert modes["sea"]["2026-09"] <= modes["sea"]["2026-10"] < modes["sea"]["2026-11"]


def test_sample_signal_recruiting_link_is_new(sample_report):
    pairs = {(r.type, r.source, r.target) for r in sample_report.new_relations}
    assert ("RECRUITS_VIA", "RECRUITER:Lotus Crest Recruitment", SAMPLE_SIGNAL) in pairs


def test_sample_has_a_golden_lotus_park_theme(sample_report):
    story = [t for t in sample_report.themes
             if {d.url for d in t.documents} <= STORY_LINKS and "lotus" in t.terms]
    assert story
    months = dict(story[0].months)
    assert months.get("2026-11", 0) > months.get("2026-09", 0)


def test_sample_route_to_golden_lotus_park_changes_from_land_to_sea(sample_report):
    # The land legs (Bangkok -> Sangkhlaburi -> Payathonzu) and the sea leg (Ranong ->
    # Kawthaung) are different pairs; the corridor Thailand -> Myanmar joins them.
    [change] = [c for c in sample_report.mode_changes if c.kind == "corridor"
                and (c.source, c.target) == ("LOCATION:Thailand", "LOCATION:Myanmar")]
    assert change.mode == "sea" and "land" in change.previous_modes
    assert change.first_seen.startswith("2026-11")
    assert "ROUTE|LOCATION:Ranong|LOCATION:Kawthaung|sea" in change.routes
    assert {d.url for d in change.documents} <= STORY_LINKS
    assert any(d.url in STORY_LINKS and d.date < "2026-11-03"
               for d in change.previous_documents)


def test_short_window_borrows_its_baseline_from_before_it_back_to_the_data_start(
        graph_store, corpus):
    graph_store.upsert(corpus.batch())
    report = trends_report(graph_store, None, "2026-07-13", UNTIL)
    # Eight weeks before the recent period would start on 2026-05-18; the data starts 06-01.
    assert report.baseline_since == SINCE
    bursts = {b.key: b for b in report.bursts}
    assert (bursts[JUMPER].recent_count, bursts[JUMPER].baseline_count) == (25, 6)
    assert STEADY not in bursts
    assert report.counts.weeks[0] == "2026-W29"
    assert report.relevant_documents == sum(
        1 for d in corpus.documents if d.relevant and d.published >= "2026-07-13")


def test_baseline_of_a_long_window_is_the_window_before_the_recent_period(graph_store, corpus):
    graph_store.upsert(corpus.batch())
    report = trends_report(graph_store, None, day(2, 0), UNTIL,
                           settings=TrendSettings(baseline_weeks=4))
    assert report.baseline_since == day(2, 0)
    jump = next(b for b in report.bursts if b.key == JUMPER)
    assert (jump.baseline_count, jump.baseline_weeks) == (5, 5)
