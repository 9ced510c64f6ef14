"""Plain text from markup, and the text fingerprints duplicates are found by."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.text import content_hash, detect_language, html_to_text

TAG = re.compile(r"</?[A-Za-z][^<>]*>")


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>First <b>bold</b> &amp; more.</p><p>Second.</p>", "First bold & more.\n\nSecond."),
        ("<p>a</p><script>var x = 1;</script><style>p{}</style>b", "a\nb"),
        ("&lt;p&gt;Escaped once more&lt;/p&gt;", "Escaped once more"),
        ("Cut off in the middle <a href='x", "Cut off in the middle"),
        ("5 < 6 and 7 > 3", "5 < 6 and 7 > 3"),
        ("plain   text\twith\u00a0spaces", "plain text with spaces"),
    ],
)
def test_html_to_text_keeps_words_and_drops_markup(markup, expected):
    assert html_to_text(markup) == expected


_fragments = st.lists(
    st.one_of(
        st.sampled_from(
            ["<p>", "</p>", "<b>", "<script>", "</script>", "<a href='x'>", "&lt;", "&gt;",
             "&amp;", "<!--", "-->", "<![CDATA[", "]]>", "<", ">", "<br/>", "&lt;i&gt;"]
        ),
        st.text(max_size=8),
    ),
    max_size=30,
).map("".join)  # fmt: skip


@given(_fragments)
def test_html_to_text_never_leaves_a_tag(markup):
    assert not TAG.search(html_to_text(markup))


def test_content_hash_ignores_case_spacing_and_punctuation():
    assert content_hash("Police raided a compound.") == content_hash("police  RAIDED a compound")
    assert content_hash("Police raided a compound.") != content_hash("Police raided a casino.")


def test_detect_language_gives_iso_639_1_codes():
    indonesian = (
        "Polisi Indonesia mengatakan pada hari Senin bahwa mereka telah menyelamatkan "
        "puluhan warga negara yang dipaksa bekerja di sebuah kompleks penipuan daring."
    )

    assert detect_language("Police in Thailand said on Monday they had rescued workers.") == "en"
    assert detect_language(indonesian) == "id"
    assert detect_language("ตำรวจไทยช่วยเหลือแรงงานที่ถูกบังคับให้ทำงานในแก๊งหลอกลวง") == "th"
    assert detect_language("  ...  ") == "und"
