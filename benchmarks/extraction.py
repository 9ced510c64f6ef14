"""How fast extraction runs, next to the bare spaCy model on the same texts.

Builds a corpus from the bundled sample feeds (and tests/annotated/dev/*.txt
when present), repeated to about 50,000 words, then alternates rounds of
bare ``spacy.load(model).pipe`` and ``Extractor.extract`` over it and
reports the medians of CPU time (so other load on a shared machine does not
skew the ratio). The last line is one JSON object:
``{"words_per_s": ..., "bare_words_per_s": ..., "ratio": ...}``.

    python benchmarks/extraction.py [--quick] [--rounds N] [--words N]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import statistics
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import spacy

from nlp.extract import Extractor
from nlp.pipeline import NlpSettings

ROOT = Path(__file__).resolve().parents[1]
FEEDS = ROOT / "ingest" / "sample_feeds"
DEV = ROOT / "tests" / "annotated" / "dev"
TAG = re.compile(r"<[^>]+>")


def feed_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(FEEDS.glob("*.xml")):
        for item in ET.parse(path).getroot().iter("item"):
            description = item.findtext("description") or ""
            text = html.unescape(TAG.sub(" ", description))
            text = re.sub(r"[ \t]+", " ", text).strip()
            if text:
                texts.append(text)
    return texts


def corpus(target_words: int) -> list[str]:
    base = feed_texts() + [p.read_text(encoding="utf-8") for p in sorted(DEV.glob("*.txt"))]
    if not base:
        raise SystemExit("no sample texts found (ingest/sample_feeds, tests/annotated/dev)")
    texts: list[str] = []
    words = 0
    while words < target_words:
        for text in base:
            texts.append(text)
            words += len(text.split())
            if words >= target_words:
                break
    return texts


def timed(run) -> float:
    # CPU time of this process: the machine may be shared, and wall time would then
    # measure the neighbours as much as the pipeline (n_process=1, so nothing is missed).
    start = time.process_time()
    run()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about 10,000 words, 2 rounds")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    rounds, target = (2, 10_000) if args.quick else (args.rounds, args.words)

    settings = NlpSettings(batch_size=args.batch_size)
    texts = corpus(target)
    words = sum(len(t.split()) for t in texts)
    bare = spacy.load(settings.model)
    extractor = Extractor(settings)
    items = [(str(i), t) for i, t in enumerate(texts)]
    # Warm both up so first-call costs do not count.
    list(bare.pipe(texts[:8]))
    list(extractor.extract(items[:8]))

    bare_times: list[float] = []
    ours_times: list[float] = []
    for round_number in range(1, rounds + 1):
        bare_times.append(timed(lambda: list(bare.pipe(texts, batch_size=args.batch_size))))
        ours_times.append(timed(lambda: list(extractor.extract(items))))
        print(
            f"round {round_number}: bare {words / bare_times[-1]:,.0f} words/s, "
            f"extractor {words / ours_times[-1]:,.0f} words/s"
        )
    bare_rate = words / statistics.median(bare_times)
    ours_rate = words / statistics.median(ours_times)
    print(f"{len(texts)} texts, {words:,} words, {rounds} rounds (medians)")
    print(f"bare spacy.load({settings.model!r}).pipe: {bare_rate:,.0f} words/s")
    print(f"Extractor.extract:                        {ours_rate:,.0f} words/s")
    print(
        json.dumps(
            {
                "words_per_s": round(ours_rate),
                "bare_words_per_s": round(bare_rate),
                "ratio": round(ours_rate / bare_rate, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
