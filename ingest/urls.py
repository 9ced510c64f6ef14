"""Canonical URLs and the document ids derived from them."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ingest.errors import SourceError

# Query parameters that track the reader rather than select the content.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "yclid",
        "igshid",
        "_ga",
        "_gl",
        "ref_src",
        "cmpid",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "spm",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The form of ``url`` under which the same article is stored once.

    Lowercases scheme and host, drops the fragment, default ports, empty
    queries and tracking parameters (utm_*, fbclid, gclid, ...), and sorts
    the remaining query parameters. Raises SourceError for a string that is
    not an absolute URL.
    """
    if not isinstance(url, str):
        raise SourceError(f"{url!r}: a URL must be a string")
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise SourceError(f"{url!r}: malformed URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if not scheme or not (parts.netloc or scheme == "file"):
        raise SourceError(f"{url!r}: not an absolute URL (needs a scheme and a host)")
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    netloc = host
    if parts.username is not None:
        userinfo = parts.username
        if parts.password is not None:
            userinfo = f"{userinfo}:{parts.password}"
        netloc = f"{userinfo}@{host}"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    path = parts.path or ("/" if netloc and scheme in _DEFAULT_PORTS else "")
    query_pairs = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(name)
    ]
    query = urlencode(sorted(query_pairs))
    return urlunsplit((scheme, netloc, path, query, ""))


def document_id(url: str) -> str:
    """Stable id of the document at ``url``: sha1 hex of its canonical URL."""
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()


def file_uri(path: Path) -> str:
    """The ``file://`` URI of ``path`` once resolved (symlinks followed)."""
    return path.resolve().as_uri()
