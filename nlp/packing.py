"""What extraction keeps of a processed Doc, as plain data that crosses processes cheaply.

``pack_doc`` runs as the last pipeline component (``scamtrace_pack``), inside
spaCy's worker processes when ``n_process`` > 1; the parent only turns the
packed lists back into records (``unpack``). With ``shrink`` the component
hands back an empty Doc that carries just the packed record: sending every
token, tensor and span back to the parent cost each side about 2 ms a
document, which with two workers on two cores was most of what kept the
second process from paying off.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp.components import MENTIONS_KEY
from nlp.records import Extraction, Mention, Relation
from nlp.relevance import is_relevant

ENGLISH = "en"
PACKED_KEY = "scamtrace_packed"


def pack_doc(doc: Doc) -> dict:
    """Sentences, mentions, relations and relevance of ``doc``, as msgpack-able lists."""
    spans = list(doc.sents)
    starts = [sentence.start for sentence in spans]
    sentences = [sentence.text.strip() for sentence in spans]
    mentions = []
    position = 0
    for span in doc.spans[MENTIONS_KEY]:
        while position + 1 < len(starts) and starts[position + 1] <= span.start:
            position += 1
        mentions.append([span.label_, span.kb_id_, span.text, position,
                         span.start_char, span.end_char])
    relations = [[row[0], row[1], row[2], row[3], row[4], list(row[5])]
                 for row in (doc._.scamtrace_relations or [])]
    return {"sentences": sentences, "mentions": mentions, "relations": relations,
            "relevance": float(doc._.scamtrace_relevance or 0.0)}


def unpack(doc_id: str, packed: dict) -> Extraction:
    """The ``Extraction`` of one document from its packed record."""
    texts = tuple(packed["sentences"])
    relations = tuple(
        Relation(type=kind, source=source, target=target, sentence=sentence,
                 sentence_text=texts[sentence] if sentence < len(texts) else "",
                 mode=mode, via=tuple(via))
        for kind, source, target, sentence, mode, via in packed["relations"]
    )
    relevance = packed["relevance"]
    return Extraction(
        doc_id=doc_id,
        language=ENGLISH,
        relevant=is_relevant(relevance),
        relevance=relevance,
        mentions=tuple(Mention(*row) for row in packed["mentions"]),
        relations=relations,
        sentences=texts,
    )


def packed_record(doc: Doc) -> dict:
    """The record ``scamtrace_pack`` left on ``doc``, or a fresh packing of it."""
    packed = doc.user_data.get(PACKED_KEY)
    return packed if packed is not None else pack_doc(doc)


class PackComponent:
    def __init__(self, shrink: bool) -> None:
        self.shrink = shrink

    def __call__(self, doc: Doc) -> Doc:
        packed = pack_doc(doc)
        if not self.shrink:
            doc.user_data[PACKED_KEY] = packed
            return doc
        carrier = Doc(doc.vocab, words=[])
        carrier.user_data[PACKED_KEY] = packed
        carrier._context = doc._context  # as_tuples pairs results with their ids through it
        return carrier


@Language.factory("scamtrace_pack", default_config={"shrink": False})
def make_pack(nlp: Language, name: str, shrink: bool) -> PackComponent:
    return PackComponent(shrink)
