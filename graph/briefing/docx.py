"""Write a briefing as a Word document (python-docx).

Laid out from the template's Markdown (``blocks.read_blocks``): headings,
paragraphs, bullet and numbered lists, the chart images, and the sources
with their links as real hyperlinks.
"""

from __future__ import annotations

import io

from docx import Document as new_document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from graph.briefing.blocks import Block, Run, read_blocks
from graph.briefing.model import Briefing

IMAGE_WIDTH_IN = 6.0
CHART_SRC = "chart:"  # how the template's image lines name a chart for this writer


def chart_sources(charts: dict[str, bytes]) -> dict[str, str]:
    return {key: CHART_SRC + key for key in charts}


def write_docx(briefing: Briefing, markdown: str, charts: dict[str, bytes]) -> bytes:
    """The briefing as .docx bytes: ``markdown`` rendered from the template with
    ``chart_sources(charts)`` as image sources, ``charts`` the PNGs by key."""
    document = new_document()
    document.core_properties.title = briefing.title
    document.core_properties.subject = briefing.subtitle
    style = document.styles["Normal"]
    style.font.size = Pt(10.5)
    for block in read_blocks(markdown):
        _add_block(document, block, charts)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_block(document, block: Block, charts: dict[str, bytes]) -> None:
    if block.kind == "heading":
        heading = document.add_heading(level=min(block.level - 1, 2) if block.level > 1 else 0)
        _add_runs(heading, block.runs)
    elif block.kind == "image":
        png = charts.get(block.src.removeprefix(CHART_SRC))
        if png is None:
            return  # an image the writer does not hold (the template linked a file)
        document.add_picture(io.BytesIO(png), width=Inches(IMAGE_WIDTH_IN))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption = document.add_paragraph(style="Caption")
        _add_runs(caption, block.runs)
    elif block.kind == "bullet":
        _add_runs(document.add_paragraph(style="List Bullet"), block.runs)
    elif block.kind == "numbered":
        # Numbered by hand: the citation numbers must match the [n] marks exactly.
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Inches(0.35)
        paragraph.paragraph_format.first_line_indent = Inches(-0.35)
        _add_runs(paragraph, (Run(f"{block.number}.\t"), *block.runs))
    else:
        _add_runs(document.add_paragraph(), block.runs)


def _add_runs(paragraph, runs) -> None:
    for run in runs:
        if run.link:
            _add_hyperlink(paragraph, run.link, run.text)
            continue
        added = paragraph.add_run(run.text)
        added.bold = run.bold or None
        added.italic = run.italic or None


def _add_hyperlink(paragraph, url: str, text: str) -> None:
    """An external hyperlink run (python-docx has no public call for one)."""
    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), str(RGBColor(0x1F, 0x4E, 0x9A)))
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(colour)
    properties.append(underline)
    run.append(properties)
    text_element = OxmlElement("w:t")
    text_element.text = text
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)
