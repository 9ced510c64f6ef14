"""ingest_sources end to end: a real HTTP server, real files, a real store."""

from __future__ import annotations

import datetime as dt
import os

from ingest_builders import atom, paragraph, pdf_bytes, rss

from ingest.fetch import FetchPolicy
from ingest.run import ingest_sources
from ingest.sources import Source
from ingest.urls import document_id

ARTICLE_PAGE = """<!doctype html>
<html><head><title>Raid frees workers | Test Wire</title>
<meta property="article:published_time" content="2026-06-02"></head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport news menu</a></nav>
<article><h1>Raid frees workers held in border compound</h1>
<p>{first}</p><p>{second}</p></article>
<footer>Copyright Test Wire. Subscribe to our newsletter.</footer>
<script>var tracking = "should never appear";</script>
</body></html>"""


def local_policy(root) -> FetchPolicy:
    """A policy that reads local files under ``root`` only."""
    return FetchPolicy(allowed_paths=(root,))


def full_text_items(count: int, prefix: str = "https://news.example/story") -> list[dict]:
    return [
        {
            "title": f"Story {index}",
            "link": f"{prefix}/{index}",
            "guid": f"{prefix}/{index}",
            "pubDate": f"Tue, {10 + index:02d} Nov 2026 09:00:00 +0700",
            "description": f"<p>{paragraph(f'{prefix} story {index}', words=150)}</p>",
        }
        for index in range(count)
    ]


def test_unchanged_feed_costs_one_request(feed_server, store):
    url = feed_server.serve("/feed.xml", rss(full_text_items(3)))
    sources = [Source("wire", url)]

    first = ingest_sources(sources, store, feed_server.policy())
    second = ingest_sources(sources, store, feed_server.policy())

    requests = feed_server.requests_for("/feed.xml")
    assert first.total("new") == 3
    assert len(requests) == 2
    assert "If-None-Match" not in requests[0].headers
    assert requests[1].headers["If-None-Match"] == store.feed_state("wire")["etag"]
    assert second.sources[0].status == "not_modified"
    assert second.total("new") == second.total("unchanged") == 0
    assert store.counts()["total"] == 3
    assert store.feed_state("wire")["status"] == "not_modified"
    assert len(feed_server.requests) == 2  # no article pages either


def test_feed_entries_become_documents_without_markup(feed_server, store):
    items = full_text_items(2)
    items[0]["description"] = (
        "<p>First <b>bold</b> &amp; <a href='x'>linked</a> words.</p>"
        "<script>alert(1)</script><p>" + paragraph("markup", words=150) + "</p>"
    )
    url = feed_server.serve("/feed.xml", rss(items, title="Mekong Test Wire"))

    ingest_sources([Source("wire", url)], store, feed_server.policy())

    doc = store.get(document_id("https://news.example/story/0"))
    assert doc.text.startswith("First bold & linked words.")
    assert "<" not in doc.text and "alert" not in doc.text
    assert doc.title == "Story 0"
    assert doc.published == "2026-11-10"
    assert doc.source == "Mekong Test Wire" and doc.feed == "wire"
    assert doc.language == "en"


def test_summary_only_entry_gets_main_text_from_its_page(feed_server, store):
    first, second = paragraph("raid page one", 90), paragraph("raid page two", 90)
    page_url = feed_server.serve(
        "/articles/raid.html",
        ARTICLE_PAGE.format(first=first, second=second),
        content_type="text/html; charset=utf-8",
    )
    item = {
        "title": "Raid frees workers",
        "link": page_url,
        "pubDate": "Tue, 02 Jun 2026 09:00:00 +0700",
        "description": "Police raided a compound. <a href='more'>Read more</a>",
    }
    url = feed_server.serve("/feed.xml", rss([item]))

    report = ingest_sources([Source("wire", url)], store, feed_server.policy())

    doc = store.get(document_id(page_url))
    assert report.total("new") == 1
    assert first in doc.text and second in doc.text
    assert "Sport news menu" not in doc.text and "should never appear" not in doc.text
    assert len(feed_server.requests_for("/articles/raid.html")) == 1


def test_summary_is_kept_with_a_note_when_page_cannot_be_fetched(feed_server, store):
    item = {
        "title": "Short item",
        "link": feed_server.url("/gone.html"),
        "description": "Police raided a compound near the border on Monday.",
    }
    url = feed_server.serve("/feed.xml", rss([item]))

    report = ingest_sources([Source("wire", url)], store, feed_server.policy())

    doc = store.get(document_id(feed_server.url("/gone.html")))
    assert doc.text == "Police raided a compound near the border on Monday."
    assert any("kept the summary" in note and "404" in note for note in report.sources[0].notes)
    assert report.sources[0].status == "ok"


def test_entry_without_date_gets_the_fetch_date(feed_server, store):
    items = full_text_items(1)
    items[0]["pubDate"] = "sometime last week"
    url = feed_server.serve("/feed.xml", rss(items))

    ingest_sources([Source("wire", url)], store, feed_server.policy())

    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert store.get(document_id("https://news.example/story/0")).published == today


def test_atom_feed_is_ingested(feed_server, store):
    entries = [
        {
            "title": "Atom &amp; entry",
            "link": "https://agency.example/releases/1?utm_source=atom",
            "updated": "2026-05-03T22:30:00-03:00",
            "content": f"<div><p>{paragraph('atom release', 150)}</p></div>",
        }
    ]
    url = feed_server.serve("/atom.xml", atom(entries), content_type="application/atom+xml")

    report = ingest_sources([Source("agency", url)], store, feed_server.policy())

    doc = store.get(document_id("https://agency.example/releases/1"))
    assert report.total("new") == 1
    assert doc.url == "https://agency.example/releases/1"
    assert doc.title == "Atom & entry"
    assert doc.published == "2026-05-04"
    assert "<" not in doc.text and doc.text.startswith("atom release:")


def test_folder_of_html_pdf_and_text_files_is_ingested(tmp_path, store):
    folder = tmp_path / "reports"
    folder.mkdir()
    page_text = paragraph("local page", 150)
    (folder / "page.html").write_text(
        ARTICLE_PAGE.format(first=page_text, second=paragraph("local page 2", 100))
    )
    (folder / "report.pdf").write_bytes(
        pdf_bytes(paragraph("pdf report", 150), title="Annual Trafficking Report")
    )
    (folder / "notes.txt").write_text("Field notes from Mae Sot\n\n" + paragraph("notes", 100))
    (folder / "photo.jpg").write_bytes(b"\xff\xd8 not text")
    march = dt.datetime(2026, 3, 14, 12, tzinfo=dt.UTC).timestamp()
    os.utime(folder / "notes.txt", (march, march))

    report = ingest_sources([Source("reports", str(folder))], store, local_policy(tmp_path))

    by_name = {doc.url.rsplit("/", 1)[-1]: doc for _, doc in store.iter_documents()}
    assert report.total("new") == 3 and report.sources[0].errors == []
    assert set(by_name) == {"page.html", "report.pdf", "notes.txt"}
    assert by_name["page.html"].title == "Raid frees workers held in border compound"
    assert by_name["page.html"].published == "2026-06-02"
    assert page_text in by_name["page.html"].text
    assert by_name["report.pdf"].title == "Annual Trafficking Report"
    assert "pdf report" in by_name["report.pdf"].text
    assert by_name["notes.txt"].title == "Field notes from Mae Sot"
    assert by_name["notes.txt"].published == "2026-03-14"
    assert by_name["notes.txt"].id == document_id((folder / "notes.txt").resolve().as_uri())


def test_pdf_beyond_page_cap_is_cut_with_a_note(tmp_path, store):
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf_bytes(paragraph("long pdf", 60), pages=5))

    report = ingest_sources([Source("long", str(path))], store, FetchPolicy(max_pdf_pages=2))

    ((_, doc),) = list(store.iter_documents())
    assert "Page 2." in doc.text and "Page 3." not in doc.text
    assert report.sources[0].notes == ["long.pdf: read the first 2 of 5 pages"]


def test_encrypted_pdf_is_recorded_naming_the_file(tmp_path, store):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "locked.pdf").write_bytes(pdf_bytes(paragraph("secret", 80), user_password="pw"))
    (folder / "open.txt").write_text(paragraph("open notes", 80))

    report = ingest_sources([Source("mixed", str(folder))], store, local_policy(tmp_path))

    state = store.feed_state("mixed")
    assert report.total("new") == 1
    assert state["status"] == "error"
    assert "locked.pdf" in state["error"] and "encrypted" in state["error"]


def test_malformed_feed_is_recorded_and_next_feed_still_ingested(feed_server, store):
    garbage = feed_server.serve("/garbage.xml", b"\x00\x01 not xml {{{")
    good = feed_server.serve("/good.xml", rss(full_text_items(2)))
    sources = [Source("garbage", garbage), Source("good", good)]

    report = ingest_sources(sources, store, feed_server.policy())

    state = store.feed_state("garbage")
    assert state["status"] == "error"
    assert garbage in state["error"] and "not a readable RSS or Atom feed" in state["error"]
    assert store.feed_state("good")["status"] == "ok"
    assert store.feed_state("good")["documents"] == 2
    assert [source.status for source in report.sources] == ["error", "ok"]
    assert len(report.errors) == 1 and report.errors[0].startswith("garbage: ")


def test_truncated_feed_keeps_the_entries_it_has(feed_server, store):
    body = rss(full_text_items(2))
    url = feed_server.serve(
        "/cut.xml", body[: body.index("</item>") + len("</item>")] + "<item><ti"
    )

    ingest_sources([Source("cut", url)], store, feed_server.policy())

    assert store.get(document_id("https://news.example/story/0")) is not None


def test_unreachable_source_is_recorded(feed_server, closed_port, store):
    dead = f"http://127.0.0.1:{closed_port}/feed.xml"
    good = feed_server.serve("/good.xml", rss(full_text_items(1)))
    policy = feed_server.policy(allowed_hosts=(feed_server.allowed, f"127.0.0.1:{closed_port}"))

    report = ingest_sources([Source("dead", dead), Source("good", good)], store, policy)

    state = store.feed_state("dead")
    assert state["status"] == "error" and dead in state["error"] and "connect" in state["error"]
    assert report.sources[1].new == 1


def test_redirect_to_unlisted_loopback_source_is_refused_and_recorded(feed_server, store):
    url = feed_server.redirect("/feed.xml", f"http://[::1]:{feed_server.port}/feed.xml")

    ingest_sources([Source("hostile", url)], store, feed_server.policy())

    state = store.feed_state("hostile")
    assert state["status"] == "error" and "non-public" in state["error"]
    assert len(feed_server.requests) == 1


def test_feed_over_size_cap_is_recorded(feed_server, store):
    url = feed_server.serve("/feed.xml", rss(full_text_items(5)))

    ingest_sources([Source("big", url)], store, feed_server.policy(max_bytes=2000))

    assert "cap of 2000" in store.feed_state("big")["error"]
    assert store.counts()["total"] == 0


def test_unsupported_scheme_and_missing_path_are_recorded(tmp_path, store):
    sources = [
        Source("ftp", "ftp://files.example/feed.xml"),
        Source("missing", str(tmp_path / "nowhere.xml")),
        Source("odd", str(tmp_path)),
    ]

    ingest_sources(sources, store, local_policy(tmp_path))

    assert "scheme 'ftp' is not supported" in store.feed_state("ftp")["error"]
    assert "nowhere.xml: no such file or folder" in store.feed_state("missing")["error"]
    assert "holds no feed, HTML, PDF or text files" in store.feed_state("odd")["error"]


def test_local_path_outside_allowed_folders_is_refused(tmp_path, store):
    inside, outside = tmp_path / "inside", tmp_path / "outside"
    inside.mkdir()
    outside.mkdir()
    (outside / "feed.xml").write_text(rss(full_text_items(1)))

    ingest_sources(
        [Source("outside", str(outside / "feed.xml"))], store, FetchPolicy(allowed_paths=(inside,))
    )

    assert "outside the allowed folders" in store.feed_state("outside")["error"]


def test_same_story_in_two_feeds_is_stored_once(feed_server, store):
    shared = paragraph("shared wire story", 150)
    first = full_text_items(1, prefix="https://a.example/news")
    second = full_text_items(1, prefix="https://b.example/mirror")
    first[0]["description"] = second[0]["description"] = shared
    # The same first item again, reached with tracking parameters.
    second.append(dict(first[0], link="https://A.example/news/0?utm_source=rss#top"))
    sources = [
        Source("a", feed_server.serve("/a.xml", rss(first))),
        Source("b", feed_server.serve("/b.xml", rss(second))),
    ]

    report = ingest_sources(sources, store, feed_server.policy())

    assert store.counts()["total"] == 1
    assert (report.sources[1].duplicates, report.sources[1].unchanged) == (1, 1)


def test_non_english_entry_is_stored_and_flagged(feed_server, store):
    items = full_text_items(1)
    items.append(
        {
            "title": "Polisi selamatkan pekerja",
            "link": "https://news.example/id/1",
            "description": (
                "Polisi Indonesia mengatakan pada hari Senin bahwa mereka telah menyelamatkan "
                "puluhan warga negara yang dipaksa bekerja di sebuah kompleks penipuan daring "
                "di perbatasan. Para korban dijanjikan pekerjaan dengan gaji tinggi di hotel, "
                "tetapi kemudian dibawa melintasi sungai dan dipaksa menjalankan penipuan "
                "investasi. Keluarga mereka diminta membayar tebusan agar mereka dibebaskan."
            ),
        }
    )
    url = feed_server.serve("/feed.xml", rss(items))

    ingest_sources([Source("wire", url)], store, feed_server.policy())

    assert store.get(document_id("https://news.example/id/1")).language == "id"
    assert store.counts()["non_english"] == 1


def test_failed_write_stores_nothing_and_next_run_refetches_feed(feed_server, store):
    url = feed_server.serve("/feed.xml", rss(full_text_items(4)))
    # Make the store fail on the third document, as a crash mid-feed would.
    store._db.execute(
        "CREATE TRIGGER crash AFTER INSERT ON documents "
        "WHEN (SELECT COUNT(*) FROM documents) >= 3 BEGIN SELECT RAISE(ABORT, 'disk gone'); END"
    )

    first = ingest_sources([Source("wire", url)], store, feed_server.policy())
    assert first.sources[0].status == "error" and first.total("new") == 0
    assert store.counts()["total"] == 0 and store.feed_state("wire")["etag"] is None

    store._db.execute("DROP TRIGGER crash")
    second = ingest_sources([Source("wire", url)], store, feed_server.policy())

    assert second.total("new") == 4 and store.counts()["total"] == 4
    assert "If-None-Match" not in feed_server.requests_for("/feed.xml")[1].headers


def test_progress_is_reported_once_per_source(feed_server, store):
    calls: list[tuple[int, str]] = []
    sources = [
        Source("a", feed_server.serve("/a.xml", rss(full_text_items(1, "https://a.example")))),
        Source("b", feed_server.url("/missing.xml")),
    ]

    ingest_sources(
        sources,
        store,
        feed_server.policy(),
        progress=lambda n, description: calls.append((n, description)),
    )

    assert calls == [(1, "a: 1 new"), (1, "b: error")]


def test_report_summary_names_failed_sources(feed_server, store):
    sources = [
        Source("a", feed_server.serve("/a.xml", rss(full_text_items(2)))),
        Source("b", feed_server.url("/missing.xml")),
    ]

    report = ingest_sources(sources, store, feed_server.policy())

    assert report.summary() == (
        "2 sources: 2 new, 0 duplicates, 0 near-duplicates, 0 unchanged; "
        "errors in 1 (b): see `scamtrace status`"
    )


def test_page_and_pdf_urls_are_ingested_as_documents(feed_server, store):
    page = feed_server.serve(
        "/page.html",
        ARTICLE_PAGE.format(first=paragraph("remote page", 100), second=paragraph("more", 60)),
        content_type="text/html; charset=utf-8",
    )
    pdf = feed_server.serve(
        "/report.pdf",
        pdf_bytes(paragraph("remote pdf", 100), title="Remote Report"),
        content_type="application/pdf",
    )

    report = ingest_sources([Source("page", page), Source("pdf", pdf)], store, feed_server.policy())

    assert report.total("new") == 2
    assert store.get(document_id(page)).title == "Raid frees workers held in border compound"
    assert store.get(document_id(pdf)).title == "Remote Report"


def test_local_feed_given_as_file_url_is_ingested(tmp_path, store):
    path = tmp_path / "wire.rss"
    path.write_text(rss(full_text_items(2)))

    report = ingest_sources([Source("wire", path.as_uri())], store, local_policy(tmp_path))
    again = ingest_sources([Source("wire", path.as_uri())], store, local_policy(tmp_path))

    assert report.total("new") == 2
    assert again.total("unchanged") == 2 and again.total("new") == 0


def test_entry_with_non_http_link_is_keyed_by_its_feed(feed_server, store):
    items = full_text_items(2)
    items[0]["link"] = "javascript:alert(document.cookie)"
    items[0]["guid"] = "item-zero"
    url = feed_server.serve("/feed.xml", rss(items))

    report = ingest_sources([Source("wire", url)], store, feed_server.policy())
    again = ingest_sources([Source("other-name", url)], store, feed_server.policy())

    urls = sorted(doc.url for _, doc in store.iter_documents())
    assert report.total("new") == 2 and again.total("unchanged") == 2
    assert urls == sorted([url, "https://news.example/story/1"])
    assert any("not http(s)" in note for note in report.sources[0].notes)


def test_big_folder_keeps_written_batches_when_a_later_one_fails(tmp_path, store, monkeypatch):
    monkeypatch.setattr("ingest.run.FOLDER_BATCH", 2)
    folder = tmp_path / "notes"
    folder.mkdir()
    for index in range(5):
        (folder / f"note{index}.txt").write_text(paragraph(f"note {index}", 60))
    store._db.execute(
        "CREATE TRIGGER crash AFTER INSERT ON documents "
        "WHEN (SELECT COUNT(*) FROM documents) >= 4 BEGIN SELECT RAISE(ABORT, 'disk gone'); END"
    )

    first = ingest_sources([Source("notes", str(folder))], store, local_policy(tmp_path))
    stored_after_crash = store.counts()["total"]
    store._db.execute("DROP TRIGGER crash")
    second = ingest_sources([Source("notes", str(folder))], store, local_policy(tmp_path))

    assert first.sources[0].status == "error" and stored_after_crash == 2
    assert (second.total("unchanged"), second.total("new")) == (2, 3)
    assert store.counts()["total"] == 5
