"""The per-document summary of ``scamtrace analyze`` (and of the annotated sets)."""

from __future__ import annotations

from typing import Any

from nlp.records import Extraction
from nlp.taxonomy import ENTITY_LABELS, ROUTE

LOCATION_PREFIX = "LOCATION:"


def _place(key: str) -> str:
    return key[len(LOCATION_PREFIX) :] if key.startswith(LOCATION_PREFIX) else key


def analyze_record(doc_id: str, extraction: Extraction) -> dict[str, Any]:
    """``{"id", one sorted list of canonical names per label, "ROUTES", "relevant"}``."""
    record: dict[str, Any] = {"id": doc_id}
    for label in ENTITY_LABELS:
        record[label] = sorted(set(extraction.names(label)))
    routes = {}
    for relation in extraction.relations:
        if relation.type != ROUTE:
            continue
        route = {
            "origin": _place(relation.source),
            "destination": _place(relation.target),
            "via": sorted(set(relation.via)),
            "mode": relation.mode or "unknown",
        }
        routes.setdefault(
            (route["origin"], route["destination"], tuple(route["via"]), route["mode"]), route
        )
    record["ROUTES"] = [routes[k] for k in sorted(routes)]
    record["relevant"] = bool(extraction.relevant)
    return record
