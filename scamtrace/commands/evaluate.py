"""``scamtrace eval``: score the extractor on a hand-annotated set."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ingest.errors import ScamtraceError
from scamtrace.cli_context import config_of


def read_gold(gold_dir: Path) -> tuple[list[dict], list[tuple[str, str]]]:
    """The gold records of ``GOLD_DIR/gold.jsonl`` and the texts of ``GOLD_DIR/ID.txt``."""
    gold_file = gold_dir / "gold.jsonl"
    if not gold_file.is_file():
        raise ScamtraceError(f"{gold_dir}: no gold.jsonl (one analyze-schema object per line)")
    gold: list[dict] = []
    for number, line in enumerate(gold_file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ScamtraceError(f"{gold_file}:{number}: not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            raise ScamtraceError(f"{gold_file}:{number}: needs an object with a string 'id'")
        gold.append(record)
    texts = []
    for record in gold:
        path = gold_dir / f"{record['id']}.txt"
        if not path.is_file():
            raise ScamtraceError(f"{gold_file}: document {record['id']!r} has no {path.name}")
        texts.append((record["id"], path.read_text(encoding="utf-8")))
    return gold, texts


@click.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--errors", "show_errors", is_flag=True,
              help="Also list, per document, the names missed and the names found in error.")
@click.pass_context
def evaluate(ctx: click.Context, gold_dir: Path, as_json: bool, show_errors: bool) -> None:
    """Score extraction against GOLD_DIR (gold.jsonl plus one ID.txt per document).

    Per label: precision, recall and F1 of the document-level sets of canonical
    names; micro-F1 over the entity labels; F1 of ROUTE (origin, destination)
    pairs; accuracy of `relevant`. Touches no stored state.
    """
    from nlp.analyze import analyze_record
    from nlp.evaluate import score
    from nlp.extract import Extractor
    from nlp.taxonomy import ENTITY_LABELS

    gold, texts = read_gold(gold_dir)
    extractor = Extractor(config_of(ctx).nlp)
    predicted = [
        analyze_record(doc_id, extraction)
        for (doc_id, _), extraction in zip(texts, extractor.extract(texts), strict=True)
    ]
    result = score(gold, predicted)
    if show_errors:
        by_id = {p["id"]: p for p in predicted}
        result["errors"] = {
            g["id"]: {
                label: {
                    "missed": sorted(set(g.get(label, [])) - set(by_id[g["id"]].get(label, []))),
                    "spurious": sorted(set(by_id[g["id"]].get(label, [])) - set(g.get(label, []))),
                }
                for label in ENTITY_LABELS
                if set(g.get(label, [])) != set(by_id[g["id"]].get(label, []))
            }
            for g in gold
        }
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    table = Table("label", "precision", "recall", "F1", "tp", "fp", "fn",
                  title=f"{gold_dir} ({result['documents']} documents)")
    rows = [*result["labels"].items(), ("micro (entities)", result["micro"]),
            ("ROUTE pairs", result["ROUTE"])]
    for label, s in rows:
        table.add_row(label, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}",
                      str(s["tp"]), str(s["fp"]), str(s["fn"]))
    console = Console()
    console.print(table)
    console.print(f"relevance accuracy {result['relevance_accuracy']:.3f}")


COMMANDS = (evaluate,)
