"""What a briefing is, whatever format it is written in.

A briefing is data: sections of short statements, each statement carrying the
numbers of the citations behind it, the citations themselves (one per source
document, numbered in order of first use) and the data of its charts. The
renderers (``markdown``, ``docx``, ``pdf``) only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Citation:
    number: int  # 1.., in order of first use
    doc_id: str
    title: str
    publisher: str
    date: str  # YYYY-MM-DD
    url: str


@dataclass(frozen=True)
class Statement:
    """One sentence of the briefing; source text in it is plain text, never markup."""

    text: str
    citations: tuple[int, ...]  # numbers into Briefing.citations, at least one


@dataclass(frozen=True)
class Section:
    key: str  # "headline", "emerging", "routes", "platforms", "themes", "key_documents"
    title: str  # the default heading (a template may word it otherwise)
    statements: tuple[Statement, ...]
    empty: str = ""  # what to say when there are no statements


@dataclass(frozen=True)
class ChartSeries:
    name: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class Chart:
    """The data of one chart; ``charts.render_charts`` draws it."""

    key: str  # also the image's file stem
    title: str
    kind: str  # "line" (series over ``categories``) or "barh" (one series, one bar each)
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    y_label: str = "documents"


@dataclass(frozen=True)
class Briefing:
    title: str
    subtitle: str  # "Current and emerging trends, <since> to <until>"
    since: str
    until: str
    generated: str  # YYYY-MM-DD the briefing was built
    relevant_documents: int
    sections: tuple[Section, ...]
    citations: tuple[Citation, ...]
    charts: tuple[Chart, ...]
    notes: tuple[str, ...] = ()  # caveats about the method (a short baseline, no themes)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def citation(self, number: int) -> Citation:
        return self.citations[number - 1]
