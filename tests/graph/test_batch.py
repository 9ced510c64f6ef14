"""The rules every backend applies to a batch before writing it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from graph_world import CAMBODIA, D1, D2, DKBA, KK_PARK, MAE_SOT, MYANMAR, WORLD, doc, ev, mention

from graph.batch import (
    OPEN_ROUTES,
    Figures,
    merged_aliases,
    normalise_batch,
    split_key,
    updated_figures,
)
from graph.model import EntityRow, GraphBatch
from ingest.errors import StoreError


def test_rows_of_off_topic_documents_are_dropped():
    batch = normalise_batch(GraphBatch(
        documents=(doc(D1, "t", "s", relevant=False),),
        mentions=(mention(D1, MYANMAR),),
        evidence=(ev("CO_OCCURS", CAMBODIA, MYANMAR, D1, 0, "s"),),
    ))
    assert (batch.mentions, batch.evidence, batch.entities) == ((), (), ())
    assert [d.id for d in batch.documents] == [D1]


def test_row_for_a_document_missing_from_the_batch_is_an_error():
    with pytest.raises(StoreError, match="document 'd2' has no DocumentRow"):
        normalise_batch(GraphBatch(documents=(doc(D1, "t", "s"),),
                                   mentions=(mention(D2, MYANMAR),)))


def test_mentions_of_one_entity_in_one_document_add_up():
    batch = normalise_batch(GraphBatch(
        documents=(doc(D1, "t", "s"),),
        mentions=(mention(D1, MYANMAR, 2), mention(D1, MYANMAR, 3), mention(D1, CAMBODIA, 0)),
    ))
    assert [(m.entity, m.count) for m in batch.mentions] == [(MYANMAR, 5)]


def test_co_occurs_is_turned_so_source_sorts_first_and_self_loops_go():
    batch = normalise_batch(GraphBatch(
        documents=(doc(D1, "t", "s"),),
        evidence=(ev("CO_OCCURS", MYANMAR, CAMBODIA, D1, 0, "s"),
                  ev("LOCATED_IN", MYANMAR, CAMBODIA, D1, 0, "s"),
                  ev("CO_OCCURS", MYANMAR, MYANMAR, D1, 1, "s")),
    ))
    assert [(e.type, e.source, e.target) for e in batch.evidence] == [
        ("CO_OCCURS", CAMBODIA, MYANMAR), ("LOCATED_IN", MYANMAR, CAMBODIA)]


def test_unnamed_route_end_is_set_aside_and_other_unnamed_ends_dropped():
    batch = normalise_batch(GraphBatch(
        documents=(doc(D1, "t", "s"),),
        mentions=(mention(D1, "LOCATION:"),),
        evidence=(ev("ROUTE", "LOCATION:", MAE_SOT, D1, 0, "s", mode="air"),
                  ev("OPERATES_IN", DKBA, "LOCATION:", D1, 1, "s")),
    ))
    assert batch.evidence == () and batch.mentions == ()
    assert [(r.source, r.target, r.mode) for r in batch.extra[OPEN_ROUTES]] == [
        ("LOCATION:", MAE_SOT, "air")]


def test_duplicate_evidence_merges_and_unites_via():
    batch = normalise_batch(GraphBatch(
        documents=(doc(D1, "t", "s"),),
        evidence=(ev("ROUTE", MAE_SOT, KK_PARK, D1, 0, "s", "land", ("Moei River",)),
                  ev("ROUTE", MAE_SOT, KK_PARK, D1, 0, "s", "land", ("Myawaddy", "Moei River"))),
    ))
    assert [e.via for e in batch.evidence] == [("Moei River", "Myawaddy")]


def test_entities_referenced_without_a_row_get_one_from_their_key():
    batch = normalise_batch(GraphBatch(
        documents=(doc(D1, "t", "s"),),
        entities=(EntityRow(key=MYANMAR, label="LOCATION", name="Myanmar", aliases=("Burma",)),
                  EntityRow(key=MYANMAR, label="LOCATION", name="Myanmar", lat=21.0, lon=96.0,
                            aliases=("Burma", "Myanma")),),
        mentions=(mention(D1, MYANMAR), mention(D1, DKBA)),
    ))
    assert batch.entities == (
        EntityRow(key=MYANMAR, label="LOCATION", name="Myanmar", lat=21.0, lon=96.0,
                  aliases=("Burma", "Myanma")),
        EntityRow(key=DKBA, label="RECRUITER", name="DKBA"),
    )


def test_normalising_twice_changes_nothing():
    once = normalise_batch(WORLD)
    assert normalise_batch(once) == once


def test_key_without_a_label_is_an_error():
    assert split_key("LOCATION:Mae Sot") == ("LOCATION", "Mae Sot")
    with pytest.raises(StoreError, match="'Mae Sot'"):
        split_key("Mae Sot")


def test_aliases_keep_one_spelling_per_casefolded_variant_and_never_the_name():
    found = merged_aliases("online scam", ["scams", "Scams", "Online  Scam"], ["scams ", "Scam"])
    assert found == ("Scam", "Scams")


# -- updated_figures: figures kept by deltas --------------------------------------------
HUB = Figures(count=900, documents=300, first="2025-01-05", last="2026-10-30",
              via=frozenset({"Mae Sot"}))


def test_added_rows_move_the_figures_without_reading_other_rows():
    added = Figures(count=3, documents=1, first="2026-11-02", last="2026-11-02",
                    via=frozenset({"Moei River"}))
    assert updated_figures(HUB, None, added) == Figures(
        903, 301, "2025-01-05", "2026-11-02", frozenset({"Mae Sot", "Moei River"}))


def test_taking_back_rows_inside_the_date_range_is_a_delta():
    taken = Figures(count=2, documents=1, first="2026-03-01", last="2026-03-01")
    added = Figures(count=5, documents=1, first="2026-03-01", last="2026-03-01")
    assert updated_figures(HUB, taken, added) == Figures(
        903, 300, "2025-01-05", "2026-10-30", frozenset({"Mae Sot"}))


def test_taking_back_the_rows_that_set_the_first_date_needs_a_recompute():
    taken = Figures(count=1, documents=1, first="2025-01-05", last="2025-01-05")
    assert updated_figures(HUB, taken, None) is None


def test_taking_back_the_rows_that_set_the_last_date_needs_a_recompute():
    taken = Figures(count=1, documents=1, first="2026-10-30", last="2026-10-30")
    assert updated_figures(HUB, taken, None) is None


def test_taking_back_a_via_name_not_added_again_needs_a_recompute():
    taken = Figures(count=1, first="2026-03-01", last="2026-03-01", via=frozenset({"Mae Sot"}))
    assert updated_figures(HUB, taken, None) is None
    assert updated_figures(HUB, taken, replace(taken, count=2)) is not None


def test_taking_back_every_row_needs_a_recompute():
    only = Figures(count=2, documents=1, first="2026-03-01", last="2026-03-01")
    assert updated_figures(only, only, None) is None
