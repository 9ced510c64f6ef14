"""Property tests: no input makes the parsers raise anything but a ScamtraceError.

The URL and date functions already have such properties of their own in
tests/ingest; these add whole feeds, pages, PDFs, dates inside feeds, URLs
built from hostile parts, and the extractor's canonical names.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from graph.watchlist import normalise_term
from ingest.errors import ScamtraceError, SourceError
from ingest.extract import decode_bytes, extract_html, extract_pdf
from ingest.feeds import parse_feed
from ingest.urls import canonical_url
from nlp.geo import fold
from nlp.taxonomy import ENTITY_LABELS

CHEAP = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])
COSTLY = settings(max_examples=20, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow,
                                         HealthCheck.function_scoped_fixture])

# Text that reaches parsers' corners: markup, entities, control characters, surrogates aside.
hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from(list("<>&;\"'/[]!?-=#%\x00\x0b\x1b\u202e\ufeff")),
    ),
    max_size=300,
)
markup_piece = st.sampled_from([
    "<script>alert(1)</script>", "<p>", "</p>", "<![CDATA[", "]]>", "&amp;", "&lol;",
    "<!DOCTYPE x [<!ENTITY a 'b'>]>", "<style>x{}</style>", "<a href='javascript:x'>",
    "<br/>", "<!--", "-->", "<?xml version='1.0'?>", "\x00", "&#0;", "&#xD800;",
])
fragments = st.lists(st.one_of(hostile_text, markup_piece), max_size=12).map("".join)


def _feed(title: str, link: str, date: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><item><title>{title}</title><link>{link}</link>"
        f"<pubDate>{date}</pubDate><description>{body}</description></item>"
        "</channel></rss>"
    )


@CHEAP
@given(st.binary(max_size=2000))
def test_feed_parser_raises_only_source_errors_on_any_bytes(data):
    try:
        feed = parse_feed(data, "fuzz.xml", base_url="https://news.example/feed")
    except SourceError as exc:
        assert "fuzz.xml" in str(exc)
        return
    for entry in feed.entries:
        assert isinstance(entry.text, str) and isinstance(entry.title, str)


@CHEAP
@given(fragments, fragments, hostile_text, fragments)
@example("", "", "&#XD800;", "")  # a surrogate reference once escaped as UnicodeEncodeError
@example("&#0;", "", "&#1114112;", "&#x110000;")
def test_feed_entries_never_keep_markup_or_bad_dates(title, link, date, body):
    try:
        feed = parse_feed(_feed(title, link, date, body).encode("utf-8", "replace"),
                          "fuzz.xml")
    except SourceError:
        return
    for entry in feed.entries:
        assert "<script" not in entry.text.lower() and "<script" not in entry.title.lower()
        assert entry.published is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry.published)


@CHEAP
@given(st.binary(max_size=500), st.text(max_size=40))
@example(b"", "\x00")  # a NUL in the charset once escaped as ValueError
def test_decoding_any_bytes_under_any_content_type_gives_text(data, content_type):
    text = decode_bytes(data, f"text/html; charset={content_type}")
    assert isinstance(text, str)


@CHEAP
@given(fragments)
def test_page_parser_raises_nothing_and_drops_scripts(markup):
    page = f"<html><body><article><p>{markup}</p><script>SCRIPTCANARY()</script>" \
           "</article></body></html>"
    found = extract_html(page, "https://news.example/page")
    assert isinstance(found.text, str)
    assert "SCRIPTCANARY" not in found.text


@CHEAP
@given(st.binary(max_size=1500))
def test_pdf_reader_raises_only_source_errors_on_any_bytes(data):
    for blob in (data, b"%PDF-1.4\n" + data):
        try:
            extract_pdf(blob, "fuzz.pdf", max_pages=3)
        except SourceError as exc:
            assert "fuzz.pdf" in str(exc)


@CHEAP
@given(
    st.sampled_from(["http", "https", "HTTP", "file", "javascript", "", "h\u0000ttp"]),
    st.one_of(hostile_text, st.sampled_from(["[::1", "[::1]", "a..b", "xn--", "\u00e9.example",
                                             "127.0.0.1", "host:port", "@", "a@b@c"])),
    st.one_of(st.integers(min_value=-5, max_value=70000).map(str), st.just(""),
              st.sampled_from(["abc", "0x50", "８０"])),
    hostile_text,
)
def test_canonical_url_raises_only_source_errors_on_hostile_parts(scheme, host, port, path):
    url = f"{scheme}://{host}{':' + port if port else ''}/{path}"
    try:
        first = canonical_url(url)
    except SourceError:
        return
    assert canonical_url(first) == first


@CHEAP
@given(hostile_text)
def test_name_folding_is_total_and_idempotent(name):
    assert fold(fold(name)) == fold(name)
    assert normalise_term(normalise_term(name)) == normalise_term(name)


@CHEAP
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_names_fold_as_the_unicode_path_folds_them(name):
    # fold takes a shortcut for ASCII; a non-ASCII suffix sends the same name the long way.
    assert fold(name + "\u00e9") == fold(name + "e\u0301") == fold(name + "e")


@pytest.fixture(scope="module")
def extractor():
    from nlp.extract import Extractor
    from nlp.pipeline import NlpSettings

    return Extractor(NlpSettings(n_process=1))


place_words = st.sampled_from([
    "Myawaddy", "Myawadi", "KK Park", "Burma", "Sihanoukville", "Facebook", "Telegram",
    "trafficked", "from", "to", "via", "boat", "scam", "compound", "police", "Mr.", "Ms",
    "the", ".", ",", "'s", "\n", "U.N.", "UNODC", "Interpol", "Thai-Myanmar",
])
article_text = st.lists(st.one_of(place_words, hostile_text), max_size=40).map(" ".join)


@COSTLY
@given(st.lists(article_text, min_size=1, max_size=3))
def test_extractor_gives_canonical_names_for_any_text(extractor, texts):
    items = [(f"doc-{index}", text) for index, text in enumerate(texts)]
    try:
        extractions = list(extractor.extract(items))
    except ScamtraceError:
        return
    assert [e.doc_id for e in extractions] == [doc_id for doc_id, _ in items]
    for (_, text), extraction in zip(items, extractions, strict=True):
        for mention in extraction.mentions:
            assert mention.label in ENTITY_LABELS
            assert mention.name and mention.name == " ".join(mention.name.split())
            assert 0 <= mention.start < mention.end <= len(text)
            assert text[mention.start:mention.end] == mention.text
