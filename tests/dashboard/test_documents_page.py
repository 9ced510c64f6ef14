"""The documents page: search, relevant-only, entity filter, pages."""

from __future__ import annotations

from .conftest import no_exceptions, table_with

PAGE = "views/documents.py"
PAGE_SIZE = 25


def all_dates(app):
    app.toggle(key="documents-in-window").set_value(False).run()
    return app


def table(app):
    return table_with(app, "title", "relevance")


def test_documents_list_newest_first_with_off_topic_marked(sample_app, sample_store):
    app = all_dates(sample_app(PAGE))
    assert no_exceptions(app)
    expected = sample_store.documents(limit=PAGE_SIZE)
    rows = table(app)
    assert list(rows["title"]) == [d.title for d in expected]
    assert list(rows["relevance"]) == ["relevant" if d.relevant else "off-topic" for d in expected]
    assert "off-topic" in set(rows["relevance"]), "the sample feeds hold off-topic items"


def test_relevant_only_hides_off_topic_documents(sample_app):
    app = all_dates(sample_app(PAGE))
    app.toggle(key="documents-relevant").set_value(True).run()
    assert set(table(app)["relevance"]) == {"relevant"}


def test_title_search_keeps_matching_documents(sample_app, sample_store):
    word = sample_store.documents(limit=1)[0].title.split()[-1]
    app = all_dates(sample_app(PAGE))
    app.text_input(key="documents-query").input(word).run()
    rows = table(app)
    assert len(rows) == len(sample_store.documents(query=word, limit=PAGE_SIZE)) > 0
    assert all(word.casefold() in title.casefold() for title in rows["title"])


def test_next_page_shows_the_following_documents(sample_app, sample_store):
    app = all_dates(sample_app(PAGE))
    assert len(sample_store.documents(limit=PAGE_SIZE + 1)) > PAGE_SIZE
    app.button(key="documents-next").click().run()
    assert no_exceptions(app)
    following = sample_store.documents(limit=PAGE_SIZE, offset=PAGE_SIZE)
    assert list(table(app)["title"]) == [d.title for d in following]
    assert app.button(key="documents-previous").disabled is False


def test_entity_link_lists_only_documents_mentioning_it(sample_app, sample_store):
    app = all_dates(sample_app(PAGE, {"entity": "LOCATION:Myawaddy"}))
    expected = sample_store.documents(entity="LOCATION:Myawaddy", limit=PAGE_SIZE)
    rows = table(app)
    assert list(rows["title"]) == [d.title for d in expected]
    assert all("Myawaddy" in names for names in rows["entities"])
