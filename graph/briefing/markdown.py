"""Write a briefing as Markdown from a Jinja2 template.

The template is the user's: it decides the sections, their order and the
wording around the statements. Values reach it escaped for Markdown (the
environment's autoescape, with Markdown escaping in place of HTML's), so a
title such as ``**[click](javascript:...)**`` prints as those characters and
never as markup. Links are only ever http(s) URLs, written as autolinks.

The Word and PDF writers read this same Markdown (``blocks.read_blocks``), so
one template drives all three formats.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from urllib.parse import quote, urlsplit

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from graph.briefing.model import Briefing, Statement
from ingest.errors import ConfigError

TEMPLATE_NAME = "briefing.md.j2"
# Characters that can start or end Markdown markup anywhere in a line.
_ACTIVE = re.compile(r"([\\`*_{}\[\]()<>#+!|~&$^@])")
_WORD_DASH = re.compile(r"(?<=\w)\\-(?=\w)")
_LINE_START_NUMBER = re.compile(r"^(\d+)\.")
_WHITESPACE = re.compile(r"\s+")


def escape_markdown(text: object) -> str:
    """``text`` on one line, as Markdown that renders to exactly these characters."""
    flat = _WHITESPACE.sub(" ", str(text)).strip()
    escaped = _ACTIVE.sub(r"\\\1", flat).replace("-", "\\-")
    escaped = _WORD_DASH.sub("-", escaped)  # "2026-09-01", "Hà-Nội": a dash between words is text
    return _LINE_START_NUMBER.sub(r"\1\\.", escaped)  # "1. " would start a list


def safe_url(url: str) -> str | None:
    """``url`` when it is an absolute http(s) URL with a host, else None."""
    candidate = (url or "").strip()
    if not candidate or any(ch.isspace() or ord(ch) < 32 for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return candidate


def autolink(url: str) -> Markup:
    """``<url>`` for a safe URL (``<``, ``>`` and spaces percent-encoded), else nothing."""
    safe = safe_url(url)
    if safe is None:
        return Markup("(no link)")
    return Markup("<" + quote(safe, safe=":/?#[]@!$&'()*+,;=%~-._") + ">")


def _finalize(value: object) -> object:
    # Runs on every {{ }} value before autoescape: Markup (macro output, our
    # helpers) is already Markdown; anything else is text and is escaped.
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    return Markup(escape_markdown(value))


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        autoescape=True, finalize=_finalize, undefined=StrictUndefined, trim_blocks=False,
        lstrip_blocks=False, keep_trailing_newline=True)


def default_template() -> str:
    """The bundled template's text (package data in graph/briefing/templates/)."""
    return resources.files("graph.briefing").joinpath("templates", TEMPLATE_NAME).read_text(
        encoding="utf-8")


def load_template(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"template {path}: cannot be read ({exc})") from None


def render_markdown(briefing: Briefing, template: str | None = None,
                    image_src: dict[str, str] | None = None, template_name: str = "template"
                    ) -> str:
    """The briefing as Markdown through ``template`` (the bundled one when None).
    ``image_src`` maps a chart key to the path or URL its image line points at;
    charts without one are left out."""
    image_src = image_src or {}
    charts = {c.key: c for c in briefing.charts}

    def chart(key: str) -> Markup:
        if key not in charts or key not in image_src:
            return Markup("")
        return Markup(f"![{escape_markdown(charts[key].title)}]"
                      f"({quote(image_src[key], safe='/:._-')})")

    def cite(statement: Statement) -> Markup:
        return Markup(" ".join(f"[{n}]" for n in statement.citations))

    def section(key: str):
        try:
            return briefing.section(key)
        except KeyError:
            raise ConfigError(f"{template_name}: no section {key!r} (there are "
                              f"{', '.join(s.key for s in briefing.sections)})") from None

    try:
        compiled = _environment().from_string(template if template is not None
                                              else default_template())
        text = compiled.render(
            title=briefing.title, subtitle=briefing.subtitle, since=briefing.since,
            until=briefing.until, generated=briefing.generated,
            relevant_documents=briefing.relevant_documents, notes=briefing.notes,
            sections=briefing.sections, citations=briefing.citations, section=section,
            chart=chart, cite=cite, link=autolink)
    except TemplateSyntaxError as exc:
        raise ConfigError(f"{template_name}: line {exc.lineno}: {exc.message}") from None
    except TemplateError as exc:
        raise ConfigError(f"{template_name}: {exc}") from None
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
