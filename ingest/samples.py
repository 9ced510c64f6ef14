"""The sample feeds bundled with scamtrace (ingest/sample_feeds/*.xml)."""

from __future__ import annotations

from importlib.resources import files

from ingest.sources import Source


def sample_sources() -> list[Source]:
    """One Source per bundled sample feed, named after its file."""
    folder = files("ingest") / "sample_feeds"
    if not folder.is_dir():
        return []
    # In a regular (non-zip) install the resources are real files, so their
    # str() is a path the ingest stage can read.
    return [
        Source(name=entry.name.removesuffix(".xml"), location=str(entry))
        for entry in sorted(folder.iterdir(), key=lambda item: item.name)
        if entry.name.endswith(".xml") and entry.is_file()
    ]
