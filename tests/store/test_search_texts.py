"""Which of a few texts match a search, asked without the text index
(:func:`weakties.store.search_ddl.texts_matching`), is what the index answers:
accents, case, punctuation, prefixes, several words, the order of words."""

from __future__ import annotations

import sqlite3

import pytest

from weakties.store.search_ddl import post_job_statements, texts_matching

TEXTS = [
    "Ingénieure données à Lyon",
    "INGENIEUR, data & cloud",
    "Le ministère de l'Énergie recrute",
    "énergie-climat: une bonne nouvelle",
    "Straße und Ökonomie",
    "Zoë et Noé — robotique",
    "cloud-native ingénierie (2026)",
    "sans rapport",
    "",
    "Post 123 about **data** and cloud",
    "l'ingé_nieur",
]

QUERIES = [
    "ingenieur",
    "ingé",
    "INGÉNIEURE lyon",
    "energie",
    "énergie climat",
    "l",
    "strasse",
    "straße",
    "okonom",
    "zoe noe",
    "cloud data",
    "nieur",
    "12",
    "2026",
    "rapport sans",
    "ing nieur",
]


def _index(texts: list[str]) -> sqlite3.Connection:
    """A post table and its full-text index, as revision 0019 makes them."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE post (id INTEGER PRIMARY KEY, body TEXT)")
    db.execute("CREATE TABLE job_posting (id INTEGER PRIMARY KEY, title TEXT, location TEXT)")
    for statement in post_job_statements("sqlite"):
        db.execute(statement)
    db.executemany("INSERT INTO post (id, body) VALUES (?, ?)", list(enumerate(texts, 1)))
    return db


@pytest.mark.parametrize("query", QUERIES)
def test_texts_match_as_the_index_matches_them(query: str) -> None:
    from weakties.store.search_ddl import _sqlite_match, query_words

    db = _index(TEXTS)
    indexed = {
        i
        for (i,) in db.execute(
            "SELECT rowid FROM search_post WHERE search_post MATCH ?",
            (_sqlite_match(query_words(query)),),
        )
    }
    assert texts_matching(query, list(enumerate(TEXTS, 1))) == indexed
    # the same texts in another order, under other ids
    shuffled = [(100 + i, t) for i, t in reversed(list(enumerate(TEXTS, 1)))]
    assert texts_matching(query, shuffled) == {100 + i for i in indexed}


def test_the_queries_above_tell_texts_apart() -> None:
    """Most of the queries match some texts and not others (the test above would
    pass on an index that matched nothing or everything, otherwise)."""
    found = [texts_matching(q, list(enumerate(TEXTS, 1))) for q in QUERIES]
    assert sum(0 < len(f) < len(TEXTS) - 1 for f in found) >= len(QUERIES) - 4


def test_texts_matching_keeps_nothing_between_calls() -> None:
    assert texts_matching("energie", [(1, "énergie")]) == {1}
    assert texts_matching("energie", [(2, "autre chose")]) == set()
    assert texts_matching("", [(1, "énergie")]) == set()
    assert texts_matching("energie", []) == set()


#: queries with a word that begins no word of TEXTS (the last one once the post
#: "sans rapport" is deleted)
ABSENT = ["hug", "data zzz", "ingenieux", "lyons", "2027", "rapport"]


def test_a_word_no_text_begins_rules_the_query_out() -> None:
    """:func:`~weakties.store.search_ddl.may_match` says no only where the index
    matches nothing, and says it for a word that begins no indexed word; it reads
    the index as it is (a deleted post's words are gone)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    from weakties.store.search_ddl import (
        _sqlite_match,
        connection_statements,
        may_match,
        query_words,
    )

    engine = create_engine("sqlite://", poolclass=StaticPool)
    with engine.connect() as conn:
        db = conn.connection.dbapi_connection
        assert db is not None
        for statement in connection_statements():  # as a new connection runs them
            db.execute(statement)
        db.execute("CREATE TABLE post (id INTEGER PRIMARY KEY, body TEXT)")
        db.execute("CREATE TABLE job_posting (id INTEGER PRIMARY KEY, title TEXT, location TEXT)")
        for statement in post_job_statements("sqlite"):
            db.execute(statement)
        db.executemany("INSERT INTO post (id, body) VALUES (?, ?)", list(enumerate(TEXTS, 1)))
        db.execute("DELETE FROM post WHERE body = 'sans rapport'")

        def indexed(query: str) -> set[int]:
            match = _sqlite_match(query_words(query))
            return {i for (i,) in db.execute(
                "SELECT rowid FROM search_post WHERE search_post MATCH ?", (match,)
            )}  # fmt: skip

        ruled_out = []
        for query in QUERIES + ABSENT:
            if not may_match(conn, "post", query):
                assert indexed(query) == set(), query
                ruled_out.append(query)
        assert ruled_out == ["rapport sans", *ABSENT]  # the deleted post's words too
        assert may_match(conn, "job", "hug")  # only the posts' words are listed
