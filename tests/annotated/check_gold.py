"""Check the hand-annotated extraction set for internal consistency.

Run: ``.venv/bin/python tests/annotated/check_gold.py`` (exit status 1 on any problem).
It checks that every gold object has a text and every text a gold object, that the
keys are exactly the ones ``scamtrace analyze --jsonl`` prints, that lists (route
``via`` lists and the routes themselves included) are sorted and free of duplicates,
that CRIME values and route modes come from the closed lists in ``nlp.taxonomy``,
and that every named route place is also annotated as a LOCATION.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from nlp.taxonomy import CRIME_TYPES, ENTITY_LABELS, ROUTE_MODES

ANNOTATED = Path(__file__).resolve().parent
SPLITS = ("dev", "heldout")
KEYS = {"id", *ENTITY_LABELS, "ROUTES", "relevant"}
ROUTE_KEYS = {"origin", "destination", "via", "mode"}
MIN_WORDS, MAX_WORDS = 100, 350


def route_sort_key(route: dict) -> tuple:
    """The order ``nlp.analyze`` gives routes: origin, destination, via, mode."""
    return (route["origin"], route["destination"], tuple(route["via"]), route["mode"])


def problems_in_object(gold: dict, split_dir: Path) -> list[str]:
    """Every problem found in one gold object, each naming the document."""
    doc_id = gold.get("id", "<no id>")
    found: list[str] = []
    if set(gold) != KEYS:
        found.append(f"{doc_id}: keys differ from the schema: {sorted(set(gold) ^ KEYS)}")
        return found
    text_path = split_dir / f"{doc_id}.txt"
    if not text_path.is_file():
        found.append(f"{doc_id}: no text file {text_path.name}")
    else:
        words = len(text_path.read_text(encoding="utf-8").split())
        if not MIN_WORDS <= words <= MAX_WORDS:
            found.append(f"{doc_id}: {words} words, outside {MIN_WORDS}-{MAX_WORDS}")
    for label in ENTITY_LABELS:
        names = gold[label]
        if not all(isinstance(n, str) and n for n in names):
            found.append(f"{doc_id}: {label} holds an empty or non-string name")
        elif names != sorted(set(names)):
            found.append(f"{doc_id}: {label} is not sorted and deduplicated")
    found += [f"{doc_id}: CRIME {c!r} is not on the closed list"
              for c in gold["CRIME"] if c not in CRIME_TYPES]
    if not isinstance(gold["relevant"], bool):
        found.append(f"{doc_id}: relevant is not true or false")
    locations = set(gold["LOCATION"])
    route_keys = [route_sort_key(r) for r in gold["ROUTES"] if set(r) == ROUTE_KEYS]
    if route_keys != sorted(set(route_keys)):
        found.append(f"{doc_id}: ROUTES are not sorted and deduplicated")
    for route in gold["ROUTES"]:
        if set(route) != ROUTE_KEYS:
            found.append(f"{doc_id}: route keys differ: {sorted(route)}")
            continue
        if route["mode"] not in ROUTE_MODES:
            found.append(f"{doc_id}: route mode {route['mode']!r} is not one of {ROUTE_MODES}")
        if route["via"] != sorted(set(route["via"])):
            found.append(f"{doc_id}: route via is not sorted and deduplicated")
        if not (route["origin"] or route["destination"]):
            found.append(f"{doc_id}: route with neither end named")
        places = [route["origin"], route["destination"], *route["via"]]
        found += [f"{doc_id}: route place {p!r} is not annotated as LOCATION"
                  for p in places if p and p not in locations]
    return found


def problems_in_split(split_dir: Path) -> list[str]:
    """Every problem in one split folder (gold.jsonl plus NAME.txt files)."""
    gold_path = split_dir / "gold.jsonl"
    if not gold_path.is_file():
        return [f"{split_dir}: no gold.jsonl"]
    found: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(gold_path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            gold = json.loads(line)
        except json.JSONDecodeError as err:
            found.append(f"{gold_path}:{number}: not JSON ({err})")
            continue
        if gold.get("id") in seen:
            found.append(f"{gold['id']}: annotated twice")
        seen.add(gold.get("id"))
        if not str(gold.get("id", "")).startswith(split_dir.name + "-"):
            found.append(f"{gold.get('id')}: id does not start with {split_dir.name}-")
        found += problems_in_object(gold, split_dir)
    found += [f"{p.name}: text without a gold object"
              for p in sorted(split_dir.glob("*.txt")) if p.stem not in seen]
    return found


def main() -> int:
    found: list[str] = []
    for split in SPLITS:
        found += problems_in_split(ANNOTATED / split)
    for problem in found:
        print(problem)
    if not found:
        for split in SPLITS:
            count = sum(1 for _ in (ANNOTATED / split).glob("*.txt"))
            print(f"{split}: {count} documents, no problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
