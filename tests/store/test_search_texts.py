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
