"""Briefings over the sample data: cited statements, the emerging story, and
the three formats read back with their own readers (python-docx, pypdf,
pdftoppm)."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document as read_docx
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from graph.briefing import build_briefing
from graph.briefing.blocks import read_blocks, read_inline
from graph.briefing.charts import render_charts
from graph.briefing.markdown import default_template, escape_markdown, render_markdown
from graph.briefing.pdf import unicode_font_dir, write_pdf
from graph.briefing.render import render_briefing
from ingest.errors import ConfigError
from scamtrace import stores

SINCE, UNTIL = "2026-09-01", "2026-11-30"
TITLE = "Consultation on O'Smach and Hà Nội routes"
SECTION_HEADINGS = ["Headline figures", "What is emerging", "New routes",
                    "New platforms and recruiters", "Main themes", "Key documents", "Sources"]


@pytest.fixture(scope="module")
def briefing(sample_config):
    graph = stores.open_graph_store(sample_config)
    documents = stores.open_document_store(sample_config)
    try:
        yield build_briefing(graph, documents, SINCE, UNTIL, title=TITLE, generated="2026-12-01")
    finally:
        documents.close()
        graph.close()


@pytest.fixture(scope="module")
def charts(briefing):
    return render_charts(briefing)


@pytest.fixture(scope="module")
def pdf_bytes(briefing, charts):
    return render_briefing(briefing, "pdf", charts=charts).content


def test_every_statement_cites_a_document_with_title_date_and_link(briefing):
    statements = [s for section in briefing.sections for s in section.statements]
    assert len(statements) >= 10
    numbers = [n for s in statements for n in s.citations]
    assert all(s.citations for s in statements)
    assert set(numbers) == {c.number for c in briefing.citations}  # none unused, none missing
    for number in numbers:
        cited = briefing.citation(number)
        assert cited.number == number
        assert cited.title and cited.title != "(untitled)"
        assert len(cited.date) == 10 and SINCE <= cited.date <= UNTIL
        assert cited.url.startswith("https://")


def test_citations_are_numbered_in_order_of_first_use(briefing):
    seen: list[int] = []
    for section in briefing.sections:
        for statement in section.statements:
            seen.extend(n for n in statement.citations if n not in seen)
    assert seen == list(range(1, len(briefing.citations) + 1))


def test_golden_lotus_park_is_in_the_emerging_section(briefing):
    emerging = briefing.section("emerging").statements
    lotus = [s for s in emerging if s.text.startswith("Golden Lotus Park")]
    assert lotus, [s.text for s in emerging]
    cited_titles = {briefing.citation(n).title for n in lotus[0].citations}
    assert any("Golden Lotus Park" in title for title in cited_titles)


def test_new_sea_route_names_its_mode(briefing):
    routes = [s.text for s in briefing.section("routes").statements]
    assert any("Ranong to Kawthaung by sea" in text for text in routes), routes


def test_new_platforms_include_signal_and_lotus_crest(briefing):
    texts = " ".join(s.text for s in briefing.section("platforms").statements)
    assert "New platform: Signal" in texts
    assert "Lotus Crest Recruitment" in texts


def test_headline_counts_the_window_relevant_documents(briefing, sample_config):
    graph = stores.open_graph_store(sample_config)
    try:
        relevant = graph.documents(since=SINCE, until=UNTIL, relevant_only=True, limit=1000)
    finally:
        graph.close()
    first = briefing.section("headline").statements[0].text
    assert first.startswith(f"{len(relevant)} relevant documents")
    assert briefing.subtitle == f"Current and emerging trends, {SINCE} to {UNTIL}"


def test_markdown_has_every_section_and_the_numbered_sources(briefing):
    markdown = render_markdown(briefing)
    headings = [b.text for b in read_blocks(markdown) if b.kind == "heading"]
    assert headings[0] == TITLE
    assert headings[1:] == SECTION_HEADINGS
    for citation in briefing.citations:
        assert f"\n{citation.number}. {escape_markdown(citation.title)}" in markdown
        assert f"<{citation.url}>" in markdown


def test_source_text_stays_text_in_markdown(briefing):
    hostile = "**Bold** [click](javascript:alert(1)) <img src=x> # _x_ `code` 1. $x$"
    markdown = render_markdown(dataclasses.replace(briefing, title=hostile))
    assert "**Bold**" not in markdown and "](javascript" not in markdown
    assert re.search(r"(?<!\\)<img", markdown) is None
    title = next(b for b in read_blocks(markdown) if b.kind == "heading")
    assert title.text == hostile and all(not r.bold and not r.link for r in title.runs)


def test_a_user_template_rewords_and_reorders_sections(briefing):
    template = ("# {{ title }}\n\n## Watch first\n{% for s in section('routes').statements %}"
                "\n* {{ s.text }} {{ cite(s) }}{% endfor %}\n\n## Headlines\n"
                "{% for s in section('headline').statements %}\n* {{ s.text }}{% endfor %}\n")
    blocks = read_blocks(render_markdown(briefing, template))
    assert [b.text for b in blocks if b.kind == "heading"] == [TITLE, "Watch first", "Headlines"]
    routes = briefing.section("routes").statements
    assert blocks[2].text == f"{routes[0].text} " + " ".join(f"[{n}]" for n in
                                                                 routes[0].citations)


def test_a_broken_template_is_a_config_error_naming_the_line(briefing):
    with pytest.raises(ConfigError, match=r"mine\.j2: line 2"):
        render_markdown(briefing, "# {{ title }}\n{% for x in %}\n", template_name="mine.j2")
    with pytest.raises(ConfigError, match="no section 'nope'"):
        render_markdown(briefing, "{{ section('nope').title }}")


def test_docx_has_the_headings_the_charts_and_linked_citations(briefing, charts):
    document = read_docx(io.BytesIO(render_briefing(briefing, "docx", charts=charts).content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading",
                                                                                "Title"))]
    assert headings == [TITLE, *SECTION_HEADINGS]
    assert len(document.inline_shapes) == len(charts) == 2
    links = {h.url for p in document.paragraphs for h in p.hyperlinks}
    assert {c.url for c in briefing.citations} <= links
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"1.\t{briefing.citations[0].title}" in text
    assert "Golden Lotus Park" in text


def test_pdf_has_pages_with_the_title_and_a_citation(briefing, pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    assert len(reader.pages) >= 2
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert TITLE in text  # the Unicode font keeps "Hà Nội"
    first = briefing.citations[0]
    assert f"1. {first.title}" in text
    assert "[1]" in text
    assert reader.metadata.title == TITLE


@pytest.mark.skipif(unicode_font_dir() is None, reason="DejaVu fonts not installed")
def test_pdf_embeds_the_unicode_font(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    fonts = {str(font["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].get_object().values()}
    assert any("DejaVu" in name for name in fonts)


def test_pdf_without_a_unicode_font_transliterates(briefing, charts):
    markdown = render_markdown(briefing, image_src={})
    reader = PdfReader(io.BytesIO(write_pdf(briefing, markdown, charts, font_dir=None)))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Consultation on O'Smach and Hà Noi routes" in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_pdf_pages_render_to_images_that_are_not_blank(pdf_bytes, tmp_path):
    pdf = tmp_path / "briefing.pdf"
    pdf.write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == len(PdfReader(pdf).pages)
    for page in pages:
        darkest, lightest = Image.open(page).convert("L").getextrema()
        assert darkest < 100 and lightest > 200  # ink on paper


def test_charts_are_png_images(charts):
    assert set(charts) == {"counts-over-time", "top-entities"}
    for png in charts.values():
        assert Image.open(io.BytesIO(png)).format == "PNG"


def test_unknown_format_is_a_config_error(briefing):
    with pytest.raises(ConfigError, match="--format 'odt': unknown"):
        render_briefing(briefing, "odt", charts={})


# -- the command -----------------------------------------------------------------
def brief(home: Path, env_of, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scamtrace.cli", "--home", str(home), "brief",
                           *args], capture_output=True, text=True, env=env_of(), timeout=300)


def test_command_writes_markdown_with_its_chart_images(sample_home, scamtrace_env, tmp_path):
    output = tmp_path / "out" / "brief.md"
    result = brief(sample_home, scamtrace_env, "--since", SINCE, "--until", UNTIL, "-o",
                   str(output), "--title", TITLE)
    assert result.returncode == 0, result.stderr
    markdown = output.read_text(encoding="utf-8")
    assert markdown.startswith(f"# {escape_markdown(TITLE)}\n")
    for key in ("counts-over-time", "top-entities"):
        assert f"(brief_charts/{key}.png)" in markdown
        assert (tmp_path / "out" / "brief_charts" / f"{key}.png").stat().st_size > 1000


@pytest.mark.parametrize(("args", "message"), [
    (("--since", "2026-12-01", "--until", "2026-11-30"), "--since 2026-12-01 is after"),
    (("--since", "2026-13-01"), "not a date"),
    (("--format", "odt"), "--format 'odt': unknown"),
])
def test_command_rejects_bad_input_in_one_line(sample_home, scamtrace_env, tmp_path, args,
                                                message):
    output = tmp_path / "brief.md"
    result = brief(sample_home, scamtrace_env, *args, "-o", str(output))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and message in result.stderr
    assert not output.exists()


def test_bundled_template_lays_out_every_section(briefing):
    template = default_template()
    for section in briefing.sections:
        assert f'bullets("{section.key}")' in template


@given(st.text(max_size=200))
def test_any_source_text_reads_back_as_the_same_characters(text):
    # What the Word and PDF writers show is what the source said: no markup survives.
    runs = read_inline(escape_markdown(text))
    assert "".join(r.text for r in runs) == " ".join(text.split())
    assert not any(r.bold or r.italic or r.link for r in runs)


def test_a_window_without_documents_says_so_in_every_format(sample_config):
    graph = stores.open_graph_store(sample_config)
    try:
        empty = build_briefing(graph, None, "2020-01-01", "2020-01-31")
    finally:
        graph.close()
    assert empty.relevant_documents == 0 and not empty.citations and not empty.charts
    assert "No relevant document was published" in render_markdown(empty)
    docx_text = " ".join(p.text for p in read_docx(
        io.BytesIO(render_briefing(empty, "docx").content)).paragraphs)
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(
        io.BytesIO(render_briefing(empty, "pdf").content)).pages)
    for text in (docx_text, pdf_text):
        assert "No relevant document was published in this window." in text


@pytest.mark.parametrize(("clustered", "of", "said"), [
    (2_000, 25_000, "40 documents of a sample of 2,000, most in 2026-10."),
    (300, 300, "40 documents, most in 2026-10."),
])
def test_a_theme_found_in_a_sample_says_so(clustered, of, said):
    from types import SimpleNamespace

    from graph.briefing.build import _Citations, _themes
    from graph.themes import Theme, ThemeDocument

    theme = Theme(number=1, label="compound, raid", terms=("compound", "raid"), size=40,
                  months=(("2026-09", 12), ("2026-10", 28)), clustered=clustered, of=of,
                  documents=(ThemeDocument(id="d1", title="Raid", date="2026-10-02",
                                           url="https://example.org/1", source="s",
                                           weight=0.9),))
    section = _themes(SimpleNamespace(themes=(theme,)), _Citations())
    assert section.statements[0].text.endswith(said)
