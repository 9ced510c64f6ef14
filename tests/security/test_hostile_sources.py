"""Hostile sources, each served for real (127.0.0.1) or written to disk.

Every case runs in the same frame: a store already holding documents from
an earlier feed, then one run over [earlier feed, hostile source, later
feed]. Whatever the hostile source does, the run must finish in bounded
time, record the source (named, with the cause) in the feeds table, still
ingest the later feed, and leave every earlier document byte for byte as
it was. Sources that are merely odd (bad charset, bad dates, scripts) are
ingested, and what is stored must be clean.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from ingest_builders import paragraph, pdf_bytes, rss

from ingest.records import Document
from ingest.run import ingest_sources
from ingest.sources import Source
from ingest.store import DocumentStore

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Setting:
    """What a case builder may use: the server, a folder the policy allows,
    and a folder it does not."""

    server: object
    allowed: Path
    outside: Path
    policy_overrides: dict = field(default_factory=dict)


@dataclass
class Case:
    location: str
    # "error": recorded as failed, with every word of ``cause`` in the message.
    # "ok": ingested; ``check`` gets this source's stored documents.
    expect: str
    cause: tuple[str, ...] = ()
    check: Callable[[list[Document]], None] | None = None
    # A folder: one bad file is recorded while the good files are still stored.
    keeps_good_files: bool = False


def _items(prefix: str, count: int = 2, **extra: str) -> list[dict]:
    return [
        {
            "title": f"{prefix} story {index}",
            "link": f"https://news.example/{prefix}/{index}",
            "guid": f"https://news.example/{prefix}/{index}",
            "pubDate": "Tue, 10 Nov 2026 09:00:00 +0700",
            "description": paragraph(f"{prefix} {index}", words=120),
            **extra,
        }
        for index in range(count)
    ]


# -- case builders --------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>Bomb &lol9;</title><link>https://news.example/bomb</link>
<description>&lol9;</description></item></channel></rss>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file://{path}">]>
<rss version="2.0"><channel><title>xxe</title>
<item><title>Leak</title><link>https://news.example/leak</link>
<description>before &secret; after</description></item></channel></rss>"""


def _no_expansion(docs: list[Document]) -> None:
    for doc in docs:
        assert "lollol" not in doc.text and "lollol" not in doc.title


def billion_laughs(s: Setting) -> Case:
    url = s.server.serve("/bomb.xml", BILLION_LAUGHS)
    # Either refused or stored without the expansion; never megabytes of "lol".
    return Case(url, "any", check=_no_expansion)


def external_entity(s: Setting) -> Case:
    secret = s.outside / "secret.txt"
    secret.write_text("TOPSECRET-CANARY")
    url = s.server.serve("/xxe.xml", EXTERNAL_ENTITY.format(path=secret))

    def no_leak(docs: list[Document]) -> None:
        assert all("TOPSECRET" not in doc.text for doc in docs)

    return Case(url, "any", check=no_leak)


def oversized_declared(s: Setting) -> Case:
    s.policy_overrides["max_bytes"] = 50_000
    url = s.server.serve("/big.xml", rss(_items("big", 200)))
    return Case(url, "error", ("cap of 50000",))


def oversized_undeclared(s: Setting) -> Case:
    s.policy_overrides["max_bytes"] = 50_000
    url = s.server.serve("/big-chunked.xml", rss(_items("big", 200)), send_length=False)
    return Case(url, "error", ("cap of 50000",))


def trickling_server(s: Setting) -> Case:
    s.policy_overrides["timeout_s"] = 1.0
    url = s.server.serve("/slow.xml", rss(_items("slow", 1)), trickle_s=0.01)
    return Case(url, "error", ("gave up",))


def endless_redirects(s: Setting) -> Case:
    url = s.server.url("/loop")
    s.server.redirect("/loop", url)
    return Case(url, "error", ("redirects",))


def _redirect_to(target: str, cause: tuple[str, ...]) -> Callable[[Setting], Case]:
    def build(s: Setting) -> Case:
        url = s.server.redirect(f"/to-{abs(hash(target))}", target.format(port=s.server.port))
        return Case(url, "error", cause)

    build.__name__ = f"redirect_to_{target.split(':', 1)[0]}"
    return build


def mislabelled_encoding(s: Setting) -> Case:
    body = ("<html><head><title>Caf\u00e9 raid</title></head><body><article><p>"
            + paragraph("latin one page", 150)
            + " caf\u00e9 na\u00efve</p></article></body></html>")
    url = s.server.serve("/latin.html", body.encode("latin-1") + b"\xff\xfe\x80",
                         content_type="text/html; charset=utf-8")

    def decoded(docs: list[Document]) -> None:
        (doc,) = docs
        assert "latin one page" in doc.text
        doc.text.encode("utf-8")  # no lone surrogates: storable and printable

    return Case(url, "ok", check=decoded)


def unknown_charset(s: Setting) -> Case:
    url = s.server.serve("/bogus.xml", rss(_items("bogus-charset", 1)).encode("utf-8"),
                         content_type="application/rss+xml; charset=x-no-such-charset")
    return Case(url, "ok", check=lambda docs: _count(docs, 1))


def utf16_feed(s: Setting) -> Case:
    body = rss(_items("utf16", 1)).replace('encoding="utf-8"', 'encoding="utf-16"')
    url = s.server.serve("/utf16.xml", body.encode("utf-16"),
                         content_type="application/rss+xml")
    return Case(url, "any", check=lambda docs: [d.text.encode("utf-8") for d in docs])


def malformed_dates(s: Setting) -> Case:
    dates = ["Feb 30 2026", "99999-99-99", "yesterday", "Tue, 45 Nov 2026 99:00:00 +9999",
             "D:2026", "0000-00-00T00:00:00Z", "1e308"]
    items = [dict(item, pubDate=date) for item, date in zip(_items("dates", len(dates)), dates,
                                                             strict=True)]
    url = s.server.serve("/dates.xml", rss(items))

    def valid_days(docs: list[Document]) -> None:
        _count(docs, len(dates))
        assert all(ISO_DAY.match(doc.published) for doc in docs)

    return Case(url, "ok", check=valid_days)


def truncated_xml(s: Setting) -> Case:
    body = rss(_items("cut", 2))
    url = s.server.serve("/cut.xml", body[: body.index("</item>") + 7] + "<item><tit")
    return Case(url, "ok", check=lambda docs: _count(docs, 1))


def truncated_before_any_entry(s: Setting) -> Case:
    body = rss(_items("cut-early", 2))
    url = s.server.serve("/cut-early.xml", body[: body.index("<item>") - 20])
    return Case(url, "error", ("not a readable RSS or Atom feed",))


SCRIPTED_PAGE = """<!doctype html><html><head><title>Compound raid</title>
<script>var stolen = "SCRIPT-CANARY-HEAD";</script></head><body>
<article><h1>Compound raid</h1><p>{text}</p>
<script>document.write("SCRIPT-CANARY-BODY")</script>
<p onclick="alert('SCRIPT-CANARY-ATTR')">{more}</p>
<noscript>NOSCRIPT-CANARY</noscript><style>.x{{content:"STYLE-CANARY"}}</style>
<iframe src="javascript:alert('IFRAME-CANARY')"></iframe></article></body></html>"""


def _no_script_text(docs: list[Document]) -> None:
    assert docs
    for doc in docs:
        assert "CANARY" not in doc.text and "CANARY" not in doc.title
        assert "<script" not in doc.text.lower() and "javascript:" not in doc.text


def scripted_page(s: Setting) -> Case:
    body = SCRIPTED_PAGE.format(text=paragraph("scripted one", 120),
                                more=paragraph("scripted two", 60))
    url = s.server.serve("/scripted.html", body, content_type="text/html; charset=utf-8")
    return Case(url, "ok", check=_no_script_text)


def scripted_feed(s: Setting) -> Case:
    items = _items("scripted-feed", 1)
    items[0]["description"] = SCRIPTED_PAGE.format(text=paragraph("feed script", 120),
                                                   more="x")
    items[0]["title"] = "Title &lt;script&gt;alert('SCRIPT-CANARY-TITLE')&lt;/script&gt;"
    url = s.server.serve("/scripted.xml", rss(items))
    return Case(url, "ok", check=_no_script_text)


def control_characters(s: Setting) -> Case:
    items = _items("control", 1)
    items[0]["description"] = paragraph("control chars", 120) + " \x01\x08\x0b\x1b[31m\x7f"
    url = s.server.serve("/control.xml", rss(items).encode("utf-8"))
    return Case(url, "any", check=lambda docs: [d.text.encode("utf-8") for d in docs])


def corrupt_pdf(s: Setting) -> Case:
    data = pdf_bytes(paragraph("corrupt pdf", 80))
    url = s.server.serve("/corrupt.pdf", data[:200] + b"\x00garbage" * 50,
                         content_type="application/pdf")
    return Case(url, "error", ("PDF",))


def encrypted_pdf(s: Setting) -> Case:
    url = s.server.serve("/locked.pdf", pdf_bytes(paragraph("locked", 80), user_password="pw"),
                         content_type="application/pdf")
    return Case(url, "error", ("encrypted",))


def thousands_of_pages(s: Setting) -> Case:
    s.policy_overrides["max_pdf_pages"] = 3
    url = s.server.serve("/long.pdf", pdf_bytes("Short page text about brokers.", pages=2500),
                         content_type="application/pdf")

    def capped(docs: list[Document]) -> None:
        (doc,) = docs
        assert "Page 3." in doc.text and "Page 4." not in doc.text

    return Case(url, "ok", check=capped)


def pdf_labelled_as_feed(s: Setting) -> Case:
    url = s.server.serve("/fake.xml", b"%PDF-1.7\n" + b"\x00" * 500)
    return Case(url, "error", ("PDF",))


def binary_garbage(s: Setting) -> Case:
    url = s.server.serve("/blob", bytes(range(256)) * 40, content_type="application/octet-stream")
    return Case(url, "error", ("content type",))


def server_error(s: Setting) -> Case:
    url = s.server.serve("/broken.xml", "oops", status=500)
    return Case(url, "error", ("HTTP 500",))


def path_outside_folders(s: Setting) -> Case:
    target = s.outside / "feed.xml"
    target.write_text(rss(_items("outside", 1)))
    return Case(str(target), "error", ("outside the allowed folders",))


def file_url_outside_folders(s: Setting) -> Case:
    target = s.outside / "page.html"
    target.write_text(SCRIPTED_PAGE.format(text="x", more="y"))
    return Case(target.as_uri(), "error", ("outside the allowed folders",))


def dot_dot_escape(s: Setting) -> Case:
    (s.outside / "notes.txt").write_text(paragraph("escaped notes", 80))
    sneaky = s.allowed / ".." / s.outside.name / "notes.txt"
    return Case(str(sneaky), "error", ("outside the allowed folders",))


def symlink_escape(s: Setting) -> Case:
    (s.outside / "linked.txt").write_text(paragraph("linked notes", 80))
    link = s.allowed / "link.txt"
    link.symlink_to(s.outside / "linked.txt")
    return Case(str(link), "error", ("outside the allowed folders",))


def folder_with_escaping_symlink(s: Setting) -> Case:
    folder = s.allowed / "reports"
    folder.mkdir()
    (folder / "fine.txt").write_text(paragraph("fine report", 80))
    (s.outside / "private.txt").write_text("PRIVATE-CANARY " + paragraph("private", 80))
    (folder / "sneaky.txt").symlink_to(s.outside / "private.txt")

    def only_the_fine_file(docs: list[Document]) -> None:
        (doc,) = docs
        assert "fine report" in doc.text and "PRIVATE-CANARY" not in doc.text

    return Case(str(folder), "error", ("sneaky.txt", "outside the allowed folders"),
                check=only_the_fine_file, keeps_good_files=True)


CASES = [
    billion_laughs,
    external_entity,
    oversized_declared,
    oversized_undeclared,
    trickling_server,
    endless_redirects,
    _redirect_to("file:///etc/passwd", ("scheme 'file'",)),
    _redirect_to("ftp://127.0.0.1:{port}/feed.xml", ("scheme 'ftp'",)),
    _redirect_to("javascript:alert(1)", ("scheme 'javascript'",)),
    _redirect_to("http://127.0.0.2:{port}/feed.xml", ("127.0.0.2", "non-public")),
    _redirect_to("http://[::1]:{port}/feed.xml", ("::1", "non-public")),
    mislabelled_encoding,
    unknown_charset,
    utf16_feed,
    malformed_dates,
    truncated_xml,
    truncated_before_any_entry,
    scripted_page,
    scripted_feed,
    control_characters,
    corrupt_pdf,
    encrypted_pdf,
    thousands_of_pages,
    pdf_labelled_as_feed,
    binary_garbage,
    server_error,
    path_outside_folders,
    file_url_outside_folders,
    dot_dot_escape,
    symlink_escape,
    folder_with_escaping_symlink,
]


def _count(docs: list[Document], expected: int) -> None:
    assert len(docs) == expected, [doc.title for doc in docs]


def _stored_rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT * FROM documents ORDER BY seq").fetchall()


@pytest.mark.parametrize("build", CASES, ids=[case.__name__ for case in CASES])
def test_hostile_source_is_contained(build, feed_server, tmp_path):
    allowed, outside = tmp_path / "allowed", tmp_path / "outside"
    allowed.mkdir()
    outside.mkdir()
    setting = Setting(feed_server, allowed, outside)
    case = build(setting)
    policy = feed_server.policy(allowed_paths=(allowed,), **setting.policy_overrides)
    earlier = Source("earlier", feed_server.serve("/earlier.xml", rss(_items("earlier", 3))))
    later = Source("later", feed_server.serve("/later.xml", rss(_items("later", 2))))
    hostile = Source("hostile", case.location)
    db_path = tmp_path / "documents.sqlite"

    with DocumentStore(db_path) as store:
        ingest_sources([earlier], store, policy)
    before = _stored_rows(db_path)
    assert len(before) == 3

    started = time.monotonic()
    with DocumentStore(db_path) as store:
        report = ingest_sources([earlier, hostile, later], store, policy)
        status = {row["name"]: row for row in store.feed_status()}
        mine = [doc for _, doc in store.iter_documents() if doc.feed == "hostile"]
    elapsed = time.monotonic() - started

    assert elapsed < 30, f"run took {elapsed:.1f} s"
    assert [r.name for r in report.sources] == ["earlier", "hostile", "later"]
    assert status["later"]["status"] == "ok" and status["later"]["documents"] == 2
    assert status["earlier"]["status"] == "not_modified"
    assert _stored_rows(db_path)[: len(before)] == before  # nothing stored earlier changed
    state = status["hostile"]
    if case.expect == "error" or (case.expect == "any" and state["status"] == "error"):
        assert state["status"] == "error"
        message = state["error"]
        assert case.location in message, message
        for word in case.cause:
            assert word in message, message
        assert case.keeps_good_files or not mine
        assert report.errors == [f"hostile: {message}"]
    else:
        assert state["status"] == "ok", state["error"]
    if case.check is not None:
        case.check(mine)
