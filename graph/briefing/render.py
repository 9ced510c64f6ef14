"""One call for every format: the briefing written as md, docx or pdf bytes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graph.briefing.charts import render_charts
from graph.briefing.markdown import render_markdown
from graph.briefing.model import Briefing
from ingest.errors import ConfigError

FORMATS: tuple[str, ...] = ("md", "docx", "pdf")


@dataclass(frozen=True)
class Rendered:
    content: bytes
    charts: dict[str, bytes]  # PNGs by chart key (written beside a Markdown file)
    mime: str


MIME = {"md": "text/markdown",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf": "application/pdf"}


def check_format(fmt: str) -> str:
    """``fmt`` lower-cased when it is one of FORMATS, else a ConfigError."""
    wanted = (fmt or "").strip().lower().lstrip(".")
    if wanted not in FORMATS:
        raise ConfigError(f"--format {fmt!r}: unknown (choose one of {', '.join(FORMATS)})")
    return wanted


def chart_file_names(charts: dict[str, bytes], folder: str) -> dict[str, str]:
    """Where a Markdown briefing's images go: ``folder/<chart key>.png``."""
    return {key: f"{folder}/{key}.png" for key in charts}


def render_briefing(briefing: Briefing, fmt: str, template: str | None = None,
                    charts: dict[str, bytes] | None = None, chart_folder: str | None = None,
                    template_name: str = "template") -> Rendered:
    """``briefing`` in ``fmt`` through ``template``. Charts are drawn once when
    not given. Markdown links its images to ``chart_folder/<key>.png`` (the
    caller writes them there) or, with no folder, leaves them out."""
    fmt = check_format(fmt)
    charts = render_charts(briefing) if charts is None else charts
    if fmt == "md":
        sources = chart_file_names(charts, chart_folder) if chart_folder else {}
        text = render_markdown(briefing, template, sources, template_name=template_name)
        return Rendered(text.encode("utf-8"), charts if chart_folder else {}, MIME[fmt])
    from graph.briefing.docx import chart_sources

    markdown = render_markdown(briefing, template, chart_sources(charts),
                               template_name=template_name)
    if fmt == "docx":
        from graph.briefing.docx import write_docx

        return Rendered(write_docx(briefing, markdown, charts), charts, MIME[fmt])
    from graph.briefing.pdf import write_pdf

    return Rendered(write_pdf(briefing, markdown, charts), charts, MIME[fmt])


def default_output_name(briefing: Briefing, fmt: str) -> str:
    return f"briefing-{briefing.since}-to-{briefing.until}.{check_format(fmt)}"


def chart_folder_for(output: Path) -> Path:
    """The folder beside a Markdown file that holds its images."""
    return output.with_name(output.stem + "_charts")
