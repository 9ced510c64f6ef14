"""The local Neo4j server that scripts/neo4j runs: reachable, secured, and able
to hold the schema the Neo4j backend needs (constraints, full-text indexes).

Start it first with ``scripts/neo4j start``. When it is not running these tests
skip, unless SCAMTRACE_REQUIRE_NEO4J=1 (as in CI), where they fail instead.
Each test works on labels of its own and removes what it made.
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from neo4j.exceptions import AuthError, ConstraintError

pytestmark = pytest.mark.neo4j

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "neo4j"


def running_server_uri() -> str | None:
    """The Bolt URI that ``scripts/neo4j status`` reports, or None when it is not running."""
    status = subprocess.run(
        [str(SCRIPT), "status"], capture_output=True, text=True, timeout=30, check=False
    )
    found = re.search(r"bolt://127\.0\.0\.1:\d+", status.stdout)
    return found.group(0) if status.returncode == 0 and found else None


@pytest.fixture(scope="module")
def server_uri() -> str:
    uri = running_server_uri()
    if uri is None:
        reason = "no Neo4j server running: start one with scripts/neo4j start"
        if os.environ.get("SCAMTRACE_REQUIRE_NEO4J") == "1":
            pytest.fail(f"{reason} (SCAMTRACE_REQUIRE_NEO4J=1)")
        pytest.skip(reason)
    return uri


@pytest.fixture(scope="module")
def driver(server_uri: str) -> Iterator[neo4j.Driver]:
    password = os.environ.get("SCAMTRACE_NEO4J_PASSWORD", "scamtrace-dev")
    with neo4j.GraphDatabase.driver(server_uri, auth=("neo4j", password)) as opened:
        yield opened


@pytest.fixture
def label(driver: neo4j.Driver) -> Iterator[str]:
    """A label no other test uses; its nodes, constraints and indexes go afterwards."""
    name = f"ScamtraceServerTest_{uuid.uuid4().hex[:12]}"
    yield name
    driver.execute_query(f"MATCH (n:`{name}`) DETACH DELETE n")
    for kind, listing in (("CONSTRAINT", "SHOW CONSTRAINTS"), ("INDEX", "SHOW INDEXES")):
        records, _, _ = driver.execute_query(
            f"{listing} YIELD name, labelsOrTypes WHERE $label IN labelsOrTypes RETURN name",
            label=name,
        )
        for record in records:
            driver.execute_query(f"DROP {kind} `{record['name']}` IF EXISTS")


def test_server_is_neo4j_community_5_26(driver: neo4j.Driver):
    records, _, _ = driver.execute_query(
        "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"
    )
    kernel = next(r for r in records if r["name"] == "Neo4j Kernel")
    assert kernel["edition"] == "community"
    assert kernel["versions"][0].startswith("5.26.")


def test_wrong_password_is_refused(server_uri: str):
    with (
        neo4j.GraphDatabase.driver(server_uri, auth=("neo4j", "not-the-password")) as intruder,
        pytest.raises(AuthError),
    ):
        intruder.verify_connectivity()


def test_written_node_is_read_back(driver: neo4j.Driver, label: str):
    driver.execute_query(
        f"CREATE (:`{label}` {{name: $name, country: $country}})",
        name="Shwe Kokko",
        country="MM",
    )
    records, _, _ = driver.execute_query(
        f"MATCH (n:`{label}`) RETURN n.name AS name, n.country AS country"
    )
    assert [(r["name"], r["country"]) for r in records] == [("Shwe Kokko", "MM")]


def test_uniqueness_constraint_refuses_a_second_node_with_the_same_name(
    driver: neo4j.Driver, label: str
):
    driver.execute_query(
        f"CREATE CONSTRAINT `{label}_name` FOR (n:`{label}`) REQUIRE n.name IS UNIQUE"
    )
    driver.execute_query(f"CREATE (:`{label}` {{name: $name}})", name="KK Park")

    with pytest.raises(ConstraintError):
        driver.execute_query(f"CREATE (:`{label}` {{name: $name}})", name="KK Park")

    records, _, _ = driver.execute_query(f"MATCH (n:`{label}`) RETURN count(n) AS nodes")
    assert records[0]["nodes"] == 1


def test_fulltext_index_finds_nodes_by_a_word_of_their_text(driver: neo4j.Driver, label: str):
    index = f"{label}_text"
    driver.execute_query(
        f"CREATE FULLTEXT INDEX `{index}` FOR (n:`{label}`) ON EACH [n.name, n.summary]"
    )
    driver.execute_query(
        f"UNWIND $rows AS row CREATE (:`{label}` {{name: row.name, summary: row.summary}})",
        rows=[
            {"name": "Golden Triangle SEZ", "summary": "casino compound, trafficked workers"},
            {"name": "Port authority", "summary": "shipping schedules and tariffs"},
        ],
    )
    driver.execute_query("CALL db.awaitIndexes(60)")

    records, _, _ = driver.execute_query(
        "CALL db.index.fulltext.queryNodes($index, $words) YIELD node RETURN node.name AS name",
        index=index,
        words="trafficked",
    )
    assert [r["name"] for r in records] == ["Golden Triangle SEZ"]
