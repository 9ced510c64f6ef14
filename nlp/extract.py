"""Documents in, Extraction records out, streamed through ``nlp.pipe``."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from nlp.packing import ENGLISH, packed_record, unpack
from nlp.pipeline import NlpSettings, build_pipeline
from nlp.records import Extraction

__all__ = ["ENGLISH", "Extractor", "doc_to_extraction"]

# Long reports are read up to this many characters: the parser's memory grows with the
# text, and the opening of a report names its places, groups and routes.
MAX_CHARS = 300_000

log = logging.getLogger(__name__)


def _bounded(doc_id: str, text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    log.warning("%s: %d characters, extracting the first %d", doc_id, len(text), MAX_CHARS)
    return text[:MAX_CHARS]


def doc_to_extraction(doc_id: str, doc: Doc) -> Extraction:
    """Pure conversion of a processed Doc into an ``Extraction``."""
    return unpack(doc_id, packed_record(doc))


class Extractor:
    """Runs the extraction pipeline over ``(doc_id, text)`` items."""

    def __init__(self, settings: NlpSettings | None = None) -> None:
        self.settings = settings or NlpSettings()
        self.nlp: Language = build_pipeline(self.settings)
        # Workers send back only the packed record (see nlp.packing); one process keeps
        # its Docs whole for callers that read them.
        self.nlp.add_pipe("scamtrace_pack", config={"shrink": self.settings.n_process != 1})

    def extract(self, items: Iterable[tuple[str, str]]) -> Iterator[Extraction]:
        """One Extraction per item, in order, batched through ``nlp.pipe``.

        Texts go in bare, not ``as_tuples``: with contexts spaCy tokenises every
        text in the parent and ships it to the workers as a serialised Doc, which
        kept the parent as busy as a worker. ``nlp.pipe`` keeps input order, so
        each result belongs to the oldest id still waiting.
        """
        waiting: deque[str] = deque()

        def texts() -> Iterator[str]:
            for doc_id, text in items:
                waiting.append(doc_id)
                yield _bounded(doc_id, text)

        docs = self.nlp.pipe(
            texts(), batch_size=self.settings.batch_size, n_process=self.settings.n_process
        )
        for doc in docs:
            yield doc_to_extraction(waiting.popleft(), doc)
