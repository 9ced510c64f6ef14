"""The briefing page over the sample: it renders the briefing for the sidebar
window, offers it in three formats and previews the escaped Markdown."""

from __future__ import annotations

from datetime import date

from graph.briefing import build_briefing

from .conftest import no_exceptions

PAGE = "views/briefing.py"
# The sidebar allows no date past today (the sample ends on 2026-11-20).
STORY_WINDOW = (date(2026, 9, 1), date(2026, 11, 20))


def story_app(sample_app):
    app = sample_app(PAGE)
    app.date_input(key="date_window").set_value(STORY_WINDOW).run()
    return app


def download_buttons(app) -> list:
    return [element for element in app.get("download_button")]


def test_briefing_page_offers_markdown_word_and_pdf(sample_app):
    app = story_app(sample_app)
    assert no_exceptions(app)
    buttons = download_buttons(app)
    assert len(buttons) == 3
    labels = " ".join(b.proto.label for b in buttons)
    for name in ("Markdown", "Word", "PDF"):
        assert name in labels


def test_briefing_preview_shows_the_sections_and_the_emerging_story(sample_app, sample_store):
    app = story_app(sample_app)
    preview = "\n".join(m.value for m in app.markdown)
    expected = build_briefing(sample_store, None, *(d.isoformat() for d in STORY_WINDOW))
    assert f"Current and emerging trends, {expected.since} to {expected.until}" in preview
    for heading in ("## What is emerging", "## New routes", "## Sources"):
        assert heading in preview
    assert "Golden Lotus Park" in preview
    assert len(app.get("image")) == len(expected.charts) == 2


def test_a_hostile_title_is_previewed_as_text(sample_app):
    app = story_app(sample_app)
    app.text_input(key="briefing-title").input("**Loud** [x](javascript:alert(1))").run()
    assert no_exceptions(app)
    preview = "\n".join(m.value for m in app.markdown)
    assert r"# \*\*Loud\*\* \[x\]\(javascript" in preview
    assert "](javascript" not in preview
