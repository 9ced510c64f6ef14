"""canonical_url and document ids."""

from __future__ import annotations

import contextlib
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.errors import ScamtraceError, SourceError
from ingest.urls import canonical_url, document_id, file_uri


@pytest.mark.parametrize(
    ("given_url", "expected"),
    [
        ("HTTPS://News.Example/Story", "https://news.example/Story"),
        ("https://news.example/story#comments", "https://news.example/story"),
        ("https://news.example:443/story", "https://news.example/story"),
        ("http://news.example:80/story", "http://news.example/story"),
        ("http://news.example:8080/story", "http://news.example:8080/story"),
        (
            "https://news.example/story?utm_source=x&utm_medium=rss&id=7&fbclid=abc&gclid=1",
            "https://news.example/story?id=7",
        ),
        ("https://news.example/story?b=2&a=1", "https://news.example/story?a=1&b=2"),
        ("https://news.example/story?", "https://news.example/story"),
        ("https://news.example", "https://news.example/"),
        ("  https://news.example/story  ", "https://news.example/story"),
        ("https://news.example./story", "https://news.example/story"),
        ("file:///tmp/report.pdf", "file:///tmp/report.pdf"),
    ],
)
def test_canonical_url_normalises(given_url, expected):
    assert canonical_url(given_url) == expected


def test_tracking_variants_share_one_document_id():
    plain = document_id("https://news.example/a/story?id=3")
    tracked = document_id("HTTPS://NEWS.example:443/a/story?utm_campaign=feed&id=3#top")

    assert plain == tracked
    assert len(plain) >= 16 and all(ch in "0123456789abcdef" for ch in plain)


def test_path_case_and_query_values_still_distinguish_documents():
    assert document_id("https://news.example/Story") != document_id("https://news.example/story")
    assert document_id("https://x.example/?id=1") != document_id("https://x.example/?id=2")


@pytest.mark.parametrize(
    "bad", ["", "not a url", "/relative/path", "http://[::1/x", "http://x:99999/"]
)
def test_malformed_url_raises_source_error_naming_it(bad):
    with pytest.raises(SourceError) as failed:
        canonical_url(bad)
    assert repr(bad) in str(failed.value)


def test_file_uri_resolves_relative_paths(tmp_path, monkeypatch):
    (tmp_path / "report.pdf").write_bytes(b"%PDF")
    monkeypatch.chdir(tmp_path)

    assert file_uri(tmp_path / "sub" / ".." / "report.pdf") == (tmp_path / "report.pdf").as_uri()


@given(st.text())
def test_canonical_url_raises_only_scamtrace_errors_on_any_text(text):
    with contextlib.suppress(ScamtraceError):
        canonical_url(text)


_url_parts = st.builds(
    lambda scheme, host, port, path, query, fragment: (
        f"{scheme}://{host}{port}/{path}{'?' + query if query else ''}"
        f"{'#' + fragment if fragment else ''}"
    ),
    st.sampled_from(["http", "https", "HTTP", "HtTpS"]),
    st.from_regex(r"[A-Za-z0-9]{1,12}(\.[A-Za-z]{2,6}){1,2}", fullmatch=True),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.text(alphabet="abcXYZ019-_/%.", max_size=20),
    st.text(alphabet="abc=&_utmfbclidgcl019", max_size=30),
    st.text(max_size=10),
)


@given(_url_parts)
def test_canonical_url_is_idempotent(url):
    try:
        once = canonical_url(url)
    except ScamtraceError:
        return
    assert canonical_url(once) == once
    assert "#" not in once
    names = [name for name, _ in parse_qsl(urlsplit(once).query, keep_blank_values=True)]
    assert not any(name.lower().startswith("utm_") or name == "fbclid" for name in names)
    assert names == sorted(names)
