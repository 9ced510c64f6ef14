"""Briefings for consultation organisers: a dated situational summary of
what is current and emerging, every statement cited, written as Markdown,
Word (docx) or PDF from one editable template.

``build_briefing`` makes the data (``model.Briefing``); ``render_briefing``
writes it in a format.
"""

from graph.briefing.build import briefing_window, build_briefing
from graph.briefing.model import Briefing, Chart, Citation, Section, Statement

__all__ = ["Briefing", "Chart", "Citation", "Section", "Statement", "briefing_window",
           "build_briefing"]
