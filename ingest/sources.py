"""Where documents come from: a named location, and how to read it.

A location is an http(s) URL, a ``file://`` URL, or a local path to a feed
file (.xml/.rss/.atom), a page (.html/.htm), a PDF, a text file, or a folder
of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ingest.errors import SourceError, SourceRefused
from ingest.fetch import FetchPolicy

# File suffix -> what the file holds.
LOCAL_KINDS = {
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".txt": "text",
}


@dataclass(frozen=True)
class Source:
    """A feed, page, file or folder, under a name that identifies it in the
    feeds table and in reports."""

    name: str
    location: str


def is_remote(location: str) -> bool:
    return urlsplit(location.strip()).scheme.lower() in ("http", "https")


def local_path(location: str, policy: FetchPolicy) -> Path:
    """The resolved path of a local location (a path or ``file://`` URL).

    Raises SourceRefused for another URL scheme or a path outside
    ``policy.allowed_paths`` (when that is set), SourceError when the path
    does not exist.
    """
    text = location.strip()
    if not text:
        raise SourceError("source location is empty")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    # A one-letter scheme is a Windows drive letter, not a URL scheme.
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise SourceRefused(f"{location}: file URLs must name a local file, not a host")
        path = Path(unquote(parts.path))
    elif scheme and len(scheme) > 1:
        raise SourceRefused(
            f"{location}: scheme {scheme!r} is not supported (use http, https, file or a path)"
        )
    else:
        path = Path(text).expanduser()
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError as exc:
        raise SourceError(f"{location}: no such file or folder") from exc
    except (OSError, RuntimeError) as exc:
        raise SourceError(f"{location}: cannot resolve path: {exc}") from exc
    if not _inside_allowed(resolved, policy):
        raise SourceRefused(f"{location}: path is outside the allowed folders")
    return resolved


def _inside_allowed(resolved: Path, policy: FetchPolicy) -> bool:
    return not policy.allowed_paths or any(
        resolved.is_relative_to(Path(allowed).expanduser().resolve())
        for allowed in policy.allowed_paths
    )


def local_kind(path: Path) -> str | None:
    """The kind of file ("feed", "html", "pdf" or "text") by suffix, or None."""
    return LOCAL_KINDS.get(path.suffix.lower())


def files_in(folder: Path) -> list[Path]:
    """Readable files of a known kind under ``folder`` (recursively, hidden
    files and folders skipped), in a stable order."""
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and local_kind(path) is not None:
            found.append(path)
    return sorted(found)


def read_local_file(path: Path, policy: FetchPolicy) -> bytes:
    """The bytes of ``path``, refusing files over ``policy.max_bytes`` and
    files that resolve outside ``policy.allowed_paths`` (a symlink in an
    allowed folder must not lead out of it)."""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError) as exc:
        raise SourceError(f"{path}: cannot resolve path: {exc}") from exc
    if not _inside_allowed(resolved, policy):
        raise SourceRefused(f"{path}: resolves to {resolved}, outside the allowed folders")
    try:
        size = path.stat().st_size
        if size > policy.max_bytes:
            raise SourceRefused(
                f"{path}: file has {size} bytes, more than the cap of {policy.max_bytes}"
            )
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read file: {exc.strerror or exc}") from exc
