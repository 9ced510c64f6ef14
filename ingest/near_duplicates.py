"""MinHash signatures and LSH band keys for near-duplicate detection.

A document's signature is a datasketch MinHash over its word 3-shingles
(short shingles, so a small edit changes few of them).
Locality-sensitive hashing splits the signature into ``bands`` bands of
``rows`` values; two documents whose Jaccard similarity is near the
threshold very likely share at least one band. The store keeps the band
keys in an indexed SQLite table, so the index lives on disk, survives
restarts, rolls back with its transaction and scales to 100,000s of
documents; it can be rebuilt from the stored signatures at any time.
"""

from __future__ import annotations

import hashlib
from functools import cache

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from ingest.text import normalised_words

NUM_PERM = 128
THRESHOLD = 0.8
SHINGLE_WORDS = 3
# Below this many shingles the overlap of two texts says little.
MIN_SHINGLES = 20
_SCHEME = "affine32"
_DTYPE = np.uint32


@cache
def band_layout(threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows) chosen by datasketch to balance false positives and
    false negatives around ``threshold``."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


@cache
def _empty_minhash() -> MinHash:
    # Building the permutations costs more than hashing a page; copies share them.
    return MinHash(num_perm=NUM_PERM, scheme=_SCHEME)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    words = normalised_words(text)
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def signature(text: str) -> np.ndarray | None:
    """MinHash values of ``text``; None when it is too short to compare."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    minhash = _empty_minhash().copy()
    minhash.update_batch(list(grams))
    return np.asarray(minhash.hashvalues, dtype=_DTYPE)


def signature_to_bytes(values: np.ndarray) -> bytes:
    return np.asarray(values, dtype=_DTYPE).tobytes()


def signature_from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=_DTYPE)


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return LeanMinHash(seed=1, hashvalues=first, scheme=_SCHEME).jaccard(
        LeanMinHash(seed=1, hashvalues=second, scheme=_SCHEME)
    )


def band_keys(values: np.ndarray) -> list[tuple[int, bytes]]:
    """(band number, 8-byte bucket key) for each LSH band of a signature."""
    bands, rows = band_layout()
    raw = np.asarray(values, dtype=_DTYPE)
    keys = []
    for band in range(bands):
        rows_of_band = raw[band * rows : (band + 1) * rows].tobytes()
        keys.append((band, hashlib.blake2b(rows_of_band, digest_size=8).digest()))
    return keys
