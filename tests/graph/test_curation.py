"""Entity curation: merge, split and rename rules kept as data, applied on every
build (both backends), surviving re-extraction and rebuilds; and the CLI."""

from __future__ import annotations

import hashlib
import json
import os

import pytest
from click.testing import CliRunner

from graph.curation import CURATION_FILE, Curation, load_curation, save_curation
from graph.sync import batch_from_extractions, sync_graph
from ingest.errors import ConfigError
from ingest.records import Document
from ingest.store import DocumentStore
from nlp.records import Extraction, Mention, Relation
from nlp.store import ExtractionStore

MYAWADDY, MYAWADI_TOWN = "LOCATION:Myawaddy", "LOCATION:Myawadi town"
MONGLA, MONGLA_PORT = "LOCATION:Mongla", "LOCATION:Mongla Port"
BGF = "RECRUITER:BGF"
SENTENCES = (
    "The BGF runs compounds in Myawadi town.",
    "Workers were moved from Mongla port by boat.",
    "Others were held in Mong La.",
)


def m(label: str, name: str, text: str, sentence: int) -> Mention:
    return Mention(label=label, name=name, text=text, sentence=sentence, start=0, end=len(text))


def extraction(doc_id: str = "d1") -> Extraction:
    return Extraction(
        doc_id=doc_id, language="en", relevant=True, relevance=0.9, sentences=SENTENCES,
        mentions=(m("RECRUITER", "BGF", "BGF", 0), m("LOCATION", "Myawadi town", "Myawadi town", 0),
                  m("LOCATION", "Mongla", "Mongla port", 1), m("LOCATION", "Mongla", "Mong La", 2)),
        relations=(Relation("OPERATES_IN", BGF, MYAWADI_TOWN, 0, SENTENCES[0]),
                   Relation("ROUTE", MONGLA, "LOCATION:", 1, SENTENCES[1], mode="sea")),
    )


def document(doc_id: str = "d1") -> Document:
    text = " ".join(SENTENCES) + doc_id
    return Document(id=doc_id, url=f"https://example.org/{doc_id}", title=doc_id,
                    published="2024-05-01", source="Example", text=text, language="en",
                    content_hash=hashlib.sha256(text.encode()).hexdigest())


def keys(batch) -> set[str]:
    return {e.key for e in batch.entities}


# -- the rules, pure ------------------------------------------------------------
def test_merge_counts_every_mention_for_the_target_and_keeps_the_spelling_as_alias():
    curation = Curation().merge(MYAWADI_TOWN, MYAWADDY)
    batch = batch_from_extractions([(1, extraction(), document())], curation)
    assert MYAWADI_TOWN not in keys(batch) and MYAWADDY in keys(batch)
    [myawaddy] = [e for e in batch.entities if e.key == MYAWADDY]
    assert myawaddy.aliases == ("Myawadi town",)
    assert ("OPERATES_IN", BGF, MYAWADDY) in {(v.type, v.source, v.target)
                                                for v in batch.evidence}


def test_rename_changes_the_canonical_name_and_keeps_the_label():
    batch = batch_from_extractions([(1, extraction(), document())],
                                   Curation().rename(BGF, "Karen Border Guard Force"))
    assert "RECRUITER:Karen Border Guard Force" in keys(batch) and BGF not in keys(batch)


def test_split_moves_only_the_mentions_written_that_way():
    curation = Curation().split(MONGLA, "mongla PORT", MONGLA_PORT)
    batch = batch_from_extractions([(1, extraction(), document())], curation)
    counts = {mr.entity: mr.count for mr in batch.mentions}
    assert counts[MONGLA] == 1 and counts[MONGLA_PORT] == 1
    # The open route from sentence 1 follows the mention it was stated with.
    [open_route] = batch.extra["open_routes"]
    assert open_route.source == MONGLA_PORT


def test_rules_apply_in_order_and_a_merge_follows_an_earlier_rename():
    curation = Curation().rename(MYAWADDY, "Myawaddy Township").merge(MYAWADI_TOWN, MYAWADDY)
    assert curation.rules[1].into == "LOCATION:Myawaddy Township"
    assert curation.resolve(MYAWADI_TOWN) == "LOCATION:Myawaddy Township"
    assert curation.resolve(MYAWADDY) == "LOCATION:Myawaddy Township"


def test_removing_a_rule_undoes_it():
    curation = Curation().merge(MYAWADI_TOWN, MYAWADDY)
    assert curation.without(1).resolve(MYAWADI_TOWN) == MYAWADI_TOWN
    with pytest.raises(ConfigError, match="no rule 7"):
        curation.without(7)


@pytest.mark.parametrize("make, message", [
    (lambda c: c.merge("Myawaddy", MYAWADDY), "not an entity key"),
    (lambda c: c.merge("PLACE:Myawaddy", MYAWADDY), "label 'PLACE'"),
    (lambda c: c.merge(MYAWADDY, MYAWADDY), "into itself"),
    (lambda c: c.rename(MYAWADDY, "Myawaddy"), "already has the name"),
    (lambda c: c.split(MONGLA, "  ", MONGLA_PORT), "needs the spelling"),
])
def test_a_wrong_rule_is_refused_with_a_message_naming_it(make, message):
    with pytest.raises(ConfigError, match=message):
        make(Curation())


def test_rules_round_trip_through_a_readable_json_file(tmp_path):
    path = tmp_path / CURATION_FILE
    curation = Curation().merge(MYAWADI_TOWN, MYAWADDY, note="same town").split(
        MONGLA, "Mongla port", MONGLA_PORT)
    save_curation(path, curation)
    assert load_curation(path) == curation
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [r["action"] for r in data["rules"]] == ["merge", "split"]
    assert data["rules"][0]["note"] == "same town"


def test_missing_file_means_no_rules_and_a_broken_one_is_named(tmp_path):
    assert load_curation(tmp_path / "absent.json") == Curation()
    broken = tmp_path / CURATION_FILE
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match=str(broken)):
        load_curation(broken)


# -- applied by sync_graph, on every backend --------------------------------------
@pytest.fixture
def stores(tmp_path):
    documents = DocumentStore(tmp_path / "documents.sqlite")
    extractions = ExtractionStore(tmp_path / "extractions.sqlite")
    documents.add(document("d1"))
    extractions.save([extraction("d1")], doc_high_water_mark=documents.max_seq())
    yield documents, extractions
    documents.close()
    extractions.close()


def test_rules_beside_the_extraction_store_apply_on_build_rebuild_and_re_extraction(
        tmp_path, stores, graph_store):
    documents, extractions = stores
    save_curation(tmp_path / CURATION_FILE, Curation().merge(MYAWADI_TOWN, MYAWADDY))
    sync_graph(extractions, documents, graph_store)
    assert graph_store.entity(MYAWADI_TOWN) is None
    assert graph_store.entity(MYAWADDY).mentions == 1
    assert "Myawadi town" in graph_store.entity(MYAWADDY).aliases

    sync_graph(extractions, documents, graph_store, rebuild=True)
    assert graph_store.entity(MYAWADI_TOWN) is None

    extractions.save([extraction("d1")], doc_high_water_mark=documents.max_seq())  # re-extracted
    sync_graph(extractions, documents, graph_store)
    assert graph_store.entity(MYAWADI_TOWN) is None
    assert graph_store.entity(MYAWADDY).mentions == 1
    [(node, edge)] = [(n, e) for n, e in graph_store.entity_profile(MYAWADDY).neighbours
                      if e.type == "OPERATES_IN"]
    assert (node.key, edge.source) == (BGF, BGF)


def test_without_rules_the_build_is_unchanged(stores, graph_store):
    documents, extractions = stores
    sync_graph(extractions, documents, graph_store)
    assert graph_store.entity(MYAWADI_TOWN) is not None


# -- the command line -------------------------------------------------------------
@pytest.fixture
def home(tmp_path, monkeypatch):
    for name in [k for k in os.environ if k.startswith("SCAMTRACE_")]:
        monkeypatch.delenv(name)
    documents = DocumentStore(tmp_path / "documents.sqlite")
    extractions = ExtractionStore(tmp_path / "extractions.sqlite")
    documents.add(document("d1"))
    extractions.save([extraction("d1")], doc_high_water_mark=documents.max_seq())
    documents.close()
    extractions.close()
    return tmp_path


def curate(home, *args: str):
    from scamtrace.cli import cli

    return CliRunner().invoke(cli, ["--home", str(home), "curate", *args])


def graph_entity(home, key: str):
    from graph.embedded import EmbeddedGraphStore

    store = EmbeddedGraphStore(home / "graph.sqlite")
    try:
        return store.entity(key)
    finally:
        store.close()


def test_curate_merge_records_the_rule_and_rebuilds_the_graph(home):
    result = curate(home, "merge", MYAWADI_TOWN, MYAWADDY, "--note", "same town")
    assert result.exit_code == 0, result.output
    assert load_curation(home / CURATION_FILE).rules[0].note == "same town"
    assert graph_entity(home, MYAWADI_TOWN) is None
    assert graph_entity(home, MYAWADDY).mentions == 1


def test_curate_list_shows_the_rules_and_remove_undoes_one(home):
    curate(home, "rename", BGF, "Karen Border Guard Force", "--no-rebuild")
    curate(home, "split", MONGLA, "Mongla port", MONGLA_PORT, "--no-rebuild")
    listed = json.loads(curate(home, "list", "--json").output)
    assert [(r["id"], r["action"]) for r in listed["rules"]] == [(1, "rename"), (2, "split")]
    assert curate(home, "remove", "1").exit_code == 0
    assert graph_entity(home, BGF) is not None
    assert graph_entity(home, MONGLA_PORT).mentions == 1


def test_curate_with_a_bad_key_fails_with_one_line_and_changes_nothing(home):
    result = curate(home, "merge", "Myawaddy", MYAWADDY)
    assert result.exit_code != 0
    assert "not an entity key" in result.output
    assert not (home / CURATION_FILE).exists()
