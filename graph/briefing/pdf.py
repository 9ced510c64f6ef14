"""Write a briefing as PDF (fpdf2).

Laid out from the template's Markdown (``blocks.read_blocks``), like the Word
writer. Names such as "Hà Nội" or "O'Smach" need a Unicode font: DejaVu Sans
is embedded from the system's fonts (Debian's fonts-dejavu-core) when it is
there. Without it the PDF uses the core Helvetica font and transliterates
what Latin-1 cannot hold ("Hà Nội" -> "Hà Noi"), and says so in its metadata.
"""

from __future__ import annotations

import unicodedata
from io import BytesIO
from pathlib import Path

from fpdf import FPDF

from graph.briefing.blocks import Block, Run, read_blocks
from graph.briefing.docx import CHART_SRC
from graph.briefing.model import Briefing

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf",
              "BI": "DejaVuSans-BoldOblique.ttf"}
FAMILY = "DejaVu"
BODY_SIZE = 10
LINE_MM = 5.2
HEADING_SIZES = {1: 18, 2: 13, 3: 11}
LINK_COLOUR = (31, 78, 154)


def unicode_font_dir(dirs=FONT_DIRS) -> Path | None:
    """The first directory holding every DejaVu Sans style, or None."""
    for folder in dirs:
        if all((folder / name).is_file() for name in FONT_FILES.values()):
            return folder
    return None


def transliterate(text: str) -> str:
    """``text`` in Latin-1: accents Latin-1 lacks are dropped, other characters become '?'."""
    out = []
    for ch in text:
        if ord(ch) < 256:
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch)
        kept = "".join(c for c in base if ord(c) < 256 and not unicodedata.combining(c))
        out.append(kept or {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
                            "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u2022": "-"
                            }.get(ch, "?"))
    return "".join(out)


class _BriefingPDF(FPDF):
    def __init__(self, footer_text: str, family: str, clean) -> None:
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.family = family
        self.clean = clean

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, self.clean(f"{self.footer_text} · page {self.page_no()}/{{nb}}"),
                  align="C")
        self.set_text_color(0, 0, 0)


def write_pdf(briefing: Briefing, markdown: str, charts: dict[str, bytes],
              font_dir: Path | None | bool = True) -> bytes:
    """The briefing as PDF bytes, from the same inputs as ``docx.write_docx``.
    ``font_dir``: True looks for DejaVu in the system's fonts, a path uses
    that folder, None uses the core fonts (with transliteration)."""
    folder = unicode_font_dir() if font_dir is True else (font_dir or None)
    clean = (lambda s: s) if folder else transliterate
    family = FAMILY if folder else "helvetica"
    pdf = _BriefingPDF(f"{briefing.title}, {briefing.since} to {briefing.until}", family, clean)
    if folder:
        for style, name in FONT_FILES.items():
            pdf.add_font(FAMILY, style, str(Path(folder) / name))
    pdf.set_title(clean(briefing.title))
    pdf.set_subject(clean(briefing.subtitle))
    pdf.set_creator("scamtrace" + ("" if folder else " (core fonts, text transliterated)"))
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font(family, "", BODY_SIZE)
    for block in read_blocks(markdown):
        _add_block(pdf, block, charts)
    return bytes(pdf.output())


def _add_block(pdf: _BriefingPDF, block: Block, charts: dict[str, bytes]) -> None:
    if block.kind == "heading":
        size = HEADING_SIZES.get(block.level, BODY_SIZE)
        if pdf.will_page_break(size * 1.6):  # no heading alone at a page's foot
            pdf.add_page()
        pdf.ln(2 if block.level > 1 else 0)
        _write_runs(pdf, block.runs, size=size, line=size * 0.5, force_bold=True)
        pdf.ln(size * 0.55 + 1)
    elif block.kind == "image":
        png = charts.get(block.src.removeprefix(CHART_SRC))
        if png is None:
            return
        width = pdf.epw
        height = width * 3.2 / 7.0  # the charts' aspect ratio (charts.WIDTH_IN/HEIGHT_IN)
        if pdf.will_page_break(height + 8):
            pdf.add_page()
        pdf.image(BytesIO(png), x=pdf.l_margin, w=width,
                  alt_text=pdf.clean(block.text) or None)
        pdf.set_font(pdf.family, "I", 8)
        pdf.multi_cell(0, 4, pdf.clean(block.text), align="C",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    elif block.kind in ("bullet", "numbered"):
        marker = "•" if block.kind == "bullet" else f"{block.number}."
        indent = 6 if block.kind == "bullet" else 8
        pdf.set_font(pdf.family, "", BODY_SIZE)
        left = pdf.l_margin
        pdf.set_x(left)
        pdf.cell(indent, LINE_MM, pdf.clean(marker))
        pdf.set_left_margin(left + indent)
        _write_runs(pdf, block.runs)
        pdf.set_left_margin(left)
        pdf.ln(LINE_MM + 0.8)
    else:
        pdf.set_x(pdf.l_margin)
        _write_runs(pdf, block.runs)
        pdf.ln(LINE_MM + 2)


def _write_runs(pdf: _BriefingPDF, runs: tuple[Run, ...], size: float = BODY_SIZE,
                line: float = LINE_MM, force_bold: bool = False) -> None:
    for run in runs:
        style = ("B" if run.bold or force_bold else "") + ("I" if run.italic else "")
        pdf.set_font(pdf.family, style, size)
        if run.link:
            pdf.set_text_color(*LINK_COLOUR)
            pdf.write(line, pdf.clean(run.text), link=run.link)
            pdf.set_text_color(0, 0, 0)
        else:
            pdf.write(line, pdf.clean(run.text))
