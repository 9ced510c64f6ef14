"""What every command shares: the config, the stores, the progress bars."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from scamtrace.config import Config, load_config

err_console = Console(stderr=True)


def config_of(ctx: click.Context) -> Config:
    """The Config for this invocation, read once from --home/--config, env and TOML."""
    if "config" not in ctx.obj:
        ctx.obj["config"] = load_config(home=ctx.obj["home"], config_file=ctx.obj["config_file"])
    return ctx.obj["config"]


@contextmanager
def progress_bars(enabled: bool = True) -> Iterator[StepProgress]:
    bars = Progress(
        TextColumn("[bold]{task.fields[step]:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}", style="dim"),
        TimeElapsedColumn(),
        console=err_console,
        disable=not enabled
        or (not err_console.is_terminal and "SCAMTRACE_PROGRESS" not in os.environ),
        transient=False,
    )
    with bars:
        yield StepProgress(bars)


class StepProgress:
    """Adapts the stages' ``progress(advance, total=, description=)`` calls to rich bars."""

    def __init__(self, bars: Progress) -> None:
        self.bars = bars

    def for_step(self, step: str):
        task = self.bars.add_task("", step=step, total=None)

        def progress(advance: int = 0, total: int | None = None, description: str | None = None,
                     **_: object) -> None:
            changes: dict = {"advance": advance}
            if total is not None:
                changes["total"] = total
            if description is not None:
                changes["description"] = description[:60]
            self.bars.update(task, **changes)

        return progress


def open_stores(stack: ExitStack, config: Config, *which: str):
    """Open the named stores ("documents", "extractions", "graph"), closed with ``stack``."""
    from scamtrace import stores

    opened = []
    for name in which:
        store = {
            "documents": stores.open_document_store,
            "extractions": stores.open_extraction_store,
            "graph": stores.open_graph_store,
        }[name](config)
        stack.callback(store.close)
        opened.append(store)
    return opened


