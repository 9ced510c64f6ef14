"""Open the stores a configuration names. Callers own and close them."""

from __future__ import annotations

from graph.model import GraphStore
from ingest.errors import StoreError
from ingest.store import DocumentStore
from nlp.store import ExtractionStore
from scamtrace.config import Config


def _ensure_home(config: Config) -> None:
    try:
        config.home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"data directory {config.home}: cannot be created ({exc.strerror})"
        ) from exc


def open_document_store(config: Config) -> DocumentStore:
    _ensure_home(config)
    return DocumentStore(config.documents_path)


def open_extraction_store(config: Config) -> ExtractionStore:
    _ensure_home(config)
    return ExtractionStore(config.extractions_path)


def open_graph_store(config: Config) -> GraphStore:
    """The graph backend the configuration selects (embedded unless told otherwise)."""
    if config.graph.backend == "neo4j":
        from graph.neo4j_store import Neo4jGraphStore

        return Neo4jGraphStore(
            uri=config.graph.uri,
            user=config.graph.user,
            password=config.graph.password,
            database=config.graph.database,
        )
    from graph.embedded import EmbeddedGraphStore

    _ensure_home(config)
    return EmbeddedGraphStore(config.graph_path)
