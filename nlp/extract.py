"""Documents in, Extraction records out, streamed through ``nlp.pipe``."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from nlp.components import MENTIONS_KEY
from nlp.pipeline import NlpSettings, build_pipeline
from nlp.records import Extraction, Mention, Relation
from nlp.relevance import is_relevant

ENGLISH = "en"
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
    sentences = list(doc.sents)
    starts = [s.start for s in sentences]
    texts = tuple(s.text.strip() for s in sentences)
    mentions: list[Mention] = []
    position = 0
    for span in doc.spans[MENTIONS_KEY]:
        while position + 1 < len(starts) and starts[position + 1] <= span.start:
            position += 1
        mentions.append(
            Mention(span.label_, span.kb_id_, span.text, position, span.start_char, span.end_char)
        )
    relations = tuple(
        Relation(
            type=row[0],
            source=row[1],
            target=row[2],
            sentence=row[3],
            sentence_text=texts[row[3]] if row[3] < len(texts) else "",
            mode=row[4],
            via=tuple(row[5]),
        )
        for row in (doc._.scamtrace_relations or [])
    )
    relevance = float(doc._.scamtrace_relevance or 0.0)
    return Extraction(
        doc_id=doc_id,
        language=ENGLISH,
        relevant=is_relevant(relevance),
        relevance=relevance,
        mentions=tuple(mentions),
        relations=relations,
        sentences=texts,
    )


class Extractor:
    """Runs the extraction pipeline over ``(doc_id, text)`` items."""

    def __init__(self, settings: NlpSettings | None = None) -> None:
        self.settings = settings or NlpSettings()
        self.nlp: Language = build_pipeline(self.settings)

    def extract(self, items: Iterable[tuple[str, str]]) -> Iterator[Extraction]:
        """One Extraction per item, in order, batched through ``nlp.pipe``."""
        docs = self.nlp.pipe(
            ((_bounded(doc_id, text), doc_id) for doc_id, text in items),
            as_tuples=True,
            batch_size=self.settings.batch_size,
            n_process=self.settings.n_process,
        )
        for doc, doc_id in docs:
            yield doc_to_extraction(doc_id, doc)
