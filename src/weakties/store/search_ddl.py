"""The full-text search structures of each back end, and the queries over them.

One interface (:func:`match_people`, :func:`match_orgs`), two implementations:

- SQLite: FTS5 external-content tables ``search_person`` (over ``person``:
  ``display_name``, ``headline``) and ``search_org`` (over ``organization``:
  ``name``) with the ``unicode61 remove_diacritics 2`` tokenizer, kept current by
  triggers; ranked by ``bm25``.
- PostgreSQL: a stored generated column ``search_vector`` on ``person`` and
  ``organization``, ``to_tsvector('simple', weakties_fold(...))`` of the same
  columns, where ``weakties_fold`` lower-cases and strips Latin accents (an
  immutable SQL function built from Unicode's decompositions), with a GIN index;
  ranked by ``ts_rank``. The vector is computed when a row is written, not for
  each row a search matches: a prefix ("ana:*") is checked again on every row
  the index finds, and ranked, and both read the stored vector (revision 0016;
  0010 indexed the expression, which both recomputed, about 25 µs a row).

Posts (``body``) and jobs (``title``, ``location``) are indexed the same way
since revision 0019 (:func:`post_job_statements`): FTS5 tables ``search_post``
and ``search_job`` on SQLite, the stored ``search_vector`` on PostgreSQL. Their
matches are a condition (:func:`matches`) that the caller joins with what the
viewer may read. A caller that walks rows in another order than the index's (the
newest posts first) asks instead which of a few rows' texts match
(:func:`texts_matching`): on SQLite the same FTS5 engine, tokenizer and query over
those texts alone, in a table of their own in memory, since FTS5 answers "does row
N match" for a prefix by reading every row the prefix matches.

A query is folded in Python (:func:`weakties.model.identity.fold`), split into
words of letters and digits, and each word matches as a prefix (typeahead):
nothing the user types reaches either engine's query syntax. Folding casefolds
("ß" is "ss") while both indexes keep "ß": a word with "ss" asks for each
spelling (:func:`spellings`), so "Straße" and "strasse" find each other.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable
from itertools import chain, islice, product
from typing import Any

from sqlalchemy import Connection, text

from weakties.model.identity import fold

__all__ = [
    "VECTOR",
    "connection_statements",
    "downgrade_statements",
    "match_orgs",
    "match_people",
    "match_people_among",
    "match_people_ids",
    "match_people_named",
    "matches",
    "may_match",
    "post_job_statements",
    "query_words",
    "spellings",
    "stored_vector_statements",
    "texts_matching",
    "upgrade_statements",
]

#: SQLite: how every full-text table splits and folds its text
TOKENIZE = "unicode61 remove_diacritics 2"

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_WORDS = 8


def query_words(query: str) -> list[str]:
    """The folded words of a query (at most eight, each at most 40 characters).

    >>> query_words("  Ingénieure  d'ÉTAT* ")
    ['ingenieure', 'd', 'etat']
    """
    return [w[:40] for w in _WORD.findall(fold(query))][:MAX_WORDS]


def _fold_map() -> tuple[str, str]:
    """Characters of Latin-1 and Latin Extended-A whose decomposition is one ASCII
    letter and accents, with that letter (lower case): the arguments of translate()."""
    src, dst = [], []
    for code in range(0xC0, 0x180):
        ch = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if len(base) == 1 and base.isascii() and base.isalpha():
            src.append(ch.lower())
            dst.append(base.lower())
    pairs = dict(zip(src, dst, strict=True))
    return "".join(pairs), "".join(pairs.values())


_PG_PERSON = (
    "to_tsvector('simple', "
    "weakties_fold(coalesce(display_name, '') || ' ' || coalesce(headline, '')))"
)
_PG_ORG = "to_tsvector('simple', weakties_fold(name))"


def upgrade_statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        out = []
        for table, source, columns in (
            ("search_person", "person", ("display_name", "headline")),
            ("search_org", "organization", ("name",)),
        ):
            cols = ", ".join(columns)
            new = ", ".join(f"new.{c}" for c in columns)
            old = ", ".join(f"old.{c}" for c in columns)
            out += [
                f"CREATE VIRTUAL TABLE {table} USING fts5({cols}, content='{source}', "
                f"content_rowid='id', tokenize='{TOKENIZE}')",
                f"CREATE TRIGGER {table}_ai AFTER INSERT ON {source} BEGIN "
                f"INSERT INTO {table}(rowid, {cols}) VALUES (new.id, {new}); END",
                f"CREATE TRIGGER {table}_ad AFTER DELETE ON {source} BEGIN "
                f"INSERT INTO {table}({table}, rowid, {cols}) "
                f"VALUES ('delete', old.id, {old}); END",
                f"CREATE TRIGGER {table}_au AFTER UPDATE OF {cols} ON {source} BEGIN "
                f"INSERT INTO {table}({table}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
                f"INSERT INTO {table}(rowid, {cols}) VALUES (new.id, {new}); END",
                f"INSERT INTO {table}({table}) VALUES ('rebuild')",
            ]
        return out
    if dialect == "postgresql":
        src, dst = _fold_map()
        return [
            "CREATE OR REPLACE FUNCTION weakties_fold(text) RETURNS text "
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS "
            f"$$ SELECT translate(lower($1), '{src}', '{dst}') $$",
            f"CREATE INDEX search_person_fts ON person USING gin ({_PG_PERSON})",
            f"CREATE INDEX search_org_fts ON organization USING gin ({_PG_ORG})",
        ]
    raise NotImplementedError(f"no full-text search on {dialect}")


#: PostgreSQL: the stored column of each searched table (see the module doc)
VECTOR = "search_vector"
_PG_INDEXES = {
    "person": ("search_person_fts", _PG_PERSON),
    "organization": ("search_org_fts", _PG_ORG),
}


def stored_vector_statements(dialect: str, *, downgrade: bool = False) -> list[str]:
    """Revision 0016: PostgreSQL's text vectors stored in a generated column and
    indexed there (``downgrade``: back to the expression indexes of 0010). Nothing
    on SQLite, whose FTS5 tables store their own index."""
    if dialect != "postgresql":
        return []
    out = []
    for table, (index, expression) in _PG_INDEXES.items():
        out.append(f"DROP INDEX IF EXISTS {index}")
        if downgrade:
            out += [
                f"ALTER TABLE {table} DROP COLUMN IF EXISTS {VECTOR}",
                f"CREATE INDEX {index} ON {table} USING gin ({expression})",
            ]
        else:
            out += [
                f"ALTER TABLE {table} ADD COLUMN {VECTOR} tsvector "
                f"GENERATED ALWAYS AS ({expression}) STORED",
                f"CREATE INDEX {index} ON {table} USING gin ({VECTOR})",
            ]
    return out


#: revision 0019: (FTS5 table, indexed table, columns) of posts and jobs
_POST_JOB = (
    ("search_post", "post", ("body",)),
    ("search_job", "job_posting", ("title", "location")),
)


def _pg_vector(columns: tuple[str, ...]) -> str:
    joined = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
    return f"to_tsvector('simple', weakties_fold({joined}))"


def post_job_statements(dialect: str, *, downgrade: bool = False) -> list[str]:
    """Revision 0019: the full-text index of posts and jobs (``downgrade``: gone)."""
    out: list[str] = []
    for table, source, columns in _POST_JOB:
        if dialect == "sqlite":
            if downgrade:
                out += [f"DROP TRIGGER IF EXISTS {table}_{t}" for t in ("ai", "ad", "au")]
                out.append(f"DROP TABLE IF EXISTS {table}")
                continue
            cols = ", ".join(columns)
            new = ", ".join(f"new.{c}" for c in columns)
            old = ", ".join(f"old.{c}" for c in columns)
            out += [
                f"CREATE VIRTUAL TABLE {table} USING fts5({cols}, content='{source}', "
                f"content_rowid='id', tokenize='{TOKENIZE}')",
                f"CREATE TRIGGER {table}_ai AFTER INSERT ON {source} BEGIN "
                f"INSERT INTO {table}(rowid, {cols}) VALUES (new.id, {new}); END",
                f"CREATE TRIGGER {table}_ad AFTER DELETE ON {source} BEGIN "
                f"INSERT INTO {table}({table}, rowid, {cols}) "
                f"VALUES ('delete', old.id, {old}); END",
                f"CREATE TRIGGER {table}_au AFTER UPDATE OF {cols} ON {source} BEGIN "
                f"INSERT INTO {table}({table}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
                f"INSERT INTO {table}(rowid, {cols}) VALUES (new.id, {new}); END",
                f"INSERT INTO {table}({table}) VALUES ('rebuild')",
            ]
        elif dialect == "postgresql":
            index = f"{table}_fts"
            if downgrade:
                out += [
                    f"DROP INDEX IF EXISTS {index}",
                    f"ALTER TABLE {source} DROP COLUMN IF EXISTS {VECTOR}",
                ]
                continue
            out += [
                f"ALTER TABLE {source} ADD COLUMN {VECTOR} tsvector "
                f"GENERATED ALWAYS AS ({_pg_vector(columns)}) STORED",
                f"CREATE INDEX {index} ON {source} USING gin ({VECTOR})",
            ]
        else:
            raise NotImplementedError(f"no full-text search on {dialect}")
    return out


def matches(conn: Connection, what: str, query: str) -> Any | None:
    """A condition on ``post.id`` (``what`` "post") or ``job_posting.id`` ("job"):
    the rows having every word of ``query`` as prefixes, accents and case ignored;
    None for a query without a word. The caller adds what the viewer may read and
    the order (no text score: newest first reads the index the least)."""
    words = query_words(query)
    if not words:
        return None
    table, source, _columns = _POST_JOB[0] if what == "post" else _POST_JOB[1]
    if conn.dialect.name == "sqlite":
        return text(
            f"{source}.id IN (SELECT rowid FROM {table} WHERE {table} MATCH :{table}_q)"
        ).bindparams(**{f"{table}_q": _sqlite_match(words)})
    return text(f"{source}.{VECTOR} @@ to_tsquery('simple', :{table}_q)").bindparams(
        **{f"{table}_q": _pg_match(words)}
    )


_SCRATCH = threading.local()


def _scratch() -> sqlite3.Connection:
    """This thread's table in memory for :func:`texts_matching` (a connection is
    used by one thread at a time; each server thread keeps its own)."""
    db: sqlite3.Connection | None = getattr(_SCRATCH, "db", None)
    if db is None:
        db = sqlite3.connect(":memory:", isolation_level=None)
        db.execute(
            f"CREATE VIRTUAL TABLE texts USING fts5(body, content='', tokenize='{TOKENIZE}')"
        )
        _SCRATCH.db = db
    return db


def texts_matching(query: str, texts: Iterable[tuple[int, str | None]]) -> set[int]:
    """SQLite: the ids of ``texts`` ((id, text) pairs) that have every word of
    ``query`` as prefixes, exactly as the full-text tables match them (the same
    engine, tokenizer and query, over these texts only): what :func:`matches`
    would keep of these rows, without reading the index's other matches."""
    words = query_words(query)
    rows = [(i, t) for i, t in texts if t]
    if not words or not rows:
        return set()
    db = _scratch()
    db.execute("BEGIN")
    try:
        db.execute("INSERT INTO texts(texts) VALUES ('delete-all')")
        db.executemany("INSERT INTO texts(rowid, body) VALUES (?, ?)", rows)
        found = {
            int(i)
            for (i,) in db.execute(
                "SELECT rowid FROM texts WHERE texts MATCH ?", (_sqlite_match(words),)
            )
        }
    finally:
        db.execute("ROLLBACK")
    return found


#: SQLite: the words each connection's ``fts5vocab`` table lists, one per
#: full-text table of posts and jobs (in the connection's own ``temp`` schema:
#: nothing is stored, the index is read as it is)
_TERMS = {table: f"{table}_terms" for table, _source, _columns in _POST_JOB}


def connection_statements() -> list[str]:
    """SQLite: what each new connection runs (:mod:`weakties.store.engine`): a
    table of the words the post index holds, in the connection's ``temp`` schema,
    for :func:`may_match`. Created before the index itself may exist (a
    database not migrated yet): it is read only once the index is there."""
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{_TERMS['search_post']} "
        "USING fts5vocab(main, search_post, instance)"
    ]


_ASCII_WORD = re.compile(r"[a-z0-9]+")


def may_match(conn: Connection, what: str, query: str) -> bool:
    """False when some word of ``query`` begins no word of any post (``what``
    "post"): then no post matches (:func:`matches` wants every word as a prefix),
    known from the index's list of its words, a look-up rather than a walk of the
    newest posts (a name asked of a million posts about topics). True otherwise,
    and always on PostgreSQL, whose planner reads its index first for a rare word.

    Only a word of ASCII letters and digits is looked up: the index holds it as
    it is (the ``unicode61`` tokenizer splits and lower-cases it as
    :func:`query_words` did), while another word the tokenizer may hold in
    another form (:func:`spellings`) is left to the full-text query."""
    if conn.dialect.name != "sqlite" or what != "post":
        return True
    terms = _TERMS["search_post"]
    for word in query_words(query):
        if not _ASCII_WORD.fullmatch(word) or "ss" in word:
            continue
        # the words beginning with ``word``: from it up to the next prefix
        after = word[:-1] + chr(ord(word[-1]) + 1)
        found = conn.exec_driver_sql(
            f"SELECT 1 FROM temp.{terms} WHERE term >= ? AND term < ? LIMIT 1", (word, after)
        ).first()
        if found is None:
            return False
    return True


def downgrade_statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        out = []
        for table in ("search_person", "search_org"):
            out += [f"DROP TRIGGER IF EXISTS {table}_{t}" for t in ("ai", "ad", "au")]
            out.append(f"DROP TABLE IF EXISTS {table}")
        return out
    return [
        "DROP INDEX IF EXISTS search_person_fts",
        "DROP INDEX IF EXISTS search_org_fts",
        "DROP FUNCTION IF EXISTS weakties_fold(text)",
    ]


#: the spellings of one folded word asked for at most (see :func:`spellings`)
MAX_SPELLINGS = 8


def spellings(word: str) -> list[str]:
    """The spellings of a folded query word that the indexes may hold: the word,
    and each "ss" of it as "ß".

    :func:`~weakties.model.identity.fold` casefolds, which writes "ß" as "ss",
    while neither index does (SQLite's ``unicode61`` tokenizer and PostgreSQL's
    ``lower()`` keep "ß", which has no accent to strip): "Straße" is indexed as
    "straße". A word with "ss" therefore asks for both, so that "Straße" and
    "strasse" each find "Straße" and "Strasse". At most :data:`MAX_SPELLINGS`.

    >>> spellings("strasse")
    ['strasse', 'straße']
    >>> spellings("massstab")  # Maßstab
    ['massstab', 'maßstab']
    >>> spellings("berlin")
    ['berlin']
    """
    parts = word.split("ss")
    joins = islice(product(("ss", "ß"), repeat=len(parts) - 1), MAX_SPELLINGS)
    return ["".join(chain.from_iterable(zip(parts, (*j, ""), strict=True))) for j in joins]


def _sqlite_match(words: list[str]) -> str:
    return " AND ".join(
        "(" + " OR ".join(f'"{w}"*' for w in spellings(word)) + ")" for word in words
    )


def _pg_match(words: list[str]) -> str:
    return " & ".join("(" + " | ".join(f"{w}:*" for w in spellings(word)) + ")" for word in words)


def match_people(conn: Connection, query: str, limit: int) -> list[tuple[int, float]]:
    """(person id, score — higher is better) of the people whose name or headline
    has every word of ``query`` (as prefixes), best first; no visibility applied."""
    return [(pid, score) for pid, score, _name in _match(conn, query, limit, "person")]


def match_people_named(conn: Connection, query: str, limit: int) -> list[tuple[int, float, str]]:
    """(person id, score, display name) as :func:`match_people`, the name read with
    the match (the order among equal scores goes by name)."""
    return _match(conn, query, limit, "person")


def match_people_ids(conn: Connection, query: str, limit: int) -> list[int]:
    """SQLite: the ids of the people :func:`match_people` finds (at most ``limit``),
    in no order and without a score: the text index alone, no ranking computed
    (a prefix matching a thousand people: 0.2 ms instead of 2.5)."""
    words = query_words(query)
    if not words:
        return []
    if conn.dialect.name != "sqlite":
        raise NotImplementedError("match_people_ids: SQLite only")
    rows = conn.exec_driver_sql(
        "SELECT rowid FROM search_person WHERE search_person MATCH ? LIMIT ?",
        (_sqlite_match(words), limit),
    )
    return [int(i) for (i,) in rows.fetchall()]


def match_people_among(
    conn: Connection, query: str, people: Iterable[int]
) -> list[tuple[int, float, str]]:
    """SQLite: the rows :func:`match_people_named` gives of ``people`` only, in no
    order: the same scores (``bm25`` reads its figures, the number of rows and
    their lengths, the rows each word matches, from the whole index), computed
    for these people alone. Each match is checked against ``people`` before it is
    scored, not looked up by id (a prefix looked up row by row reads all its
    matches each time)."""
    import json

    words = query_words(query)
    wanted = sorted({int(p) for p in people})
    if not words or not wanted:
        return []
    if conn.dialect.name != "sqlite":
        raise NotImplementedError("match_people_among: SQLite only")
    rows = conn.exec_driver_sql(
        "SELECT m.id, m.score, s.display_name FROM ("
        "SELECT rowid AS id, -bm25(search_person) AS score FROM search_person "
        "WHERE search_person MATCH ? AND rowid + 0 IN (SELECT value FROM json_each(?))"
        ") AS m JOIN person AS s ON s.id = m.id",
        (_sqlite_match(words), json.dumps(wanted)),
    )
    return [(int(i), float(sc), str(n or "")) for i, sc, n in rows.fetchall()]


def match_orgs(conn: Connection, query: str, limit: int) -> list[tuple[int, float]]:
    """(organisation id, score) of the organisations whose name has every word."""
    return [(oid, score) for oid, score, _name in _match(conn, query, limit, "org")]


def _match(conn: Connection, query: str, limit: int, what: str) -> list[tuple[int, float, str]]:
    words = query_words(query)
    if not words:
        return []
    rows: Any
    source, name = ("person", "display_name") if what == "person" else ("organization", "name")
    if conn.dialect.name == "sqlite":
        table = "search_person" if what == "person" else "search_org"
        rows = conn.execute(
            text(
                f"SELECT m.id, m.score, s.{name} FROM ("
                f"SELECT rowid AS id, -bm25({table}) AS score FROM {table} "
                f"WHERE {table} MATCH :q ORDER BY score DESC LIMIT :n"
                f") AS m JOIN {source} AS s ON s.id = m.id ORDER BY m.score DESC"
            ),
            {"q": _sqlite_match(words), "n": limit},
        )
    else:
        rows = conn.execute(
            text(
                f"SELECT id, ts_rank({VECTOR}, q) AS score, {name} FROM {source}, "
                "to_tsquery('simple', :q) AS q "
                f"WHERE {VECTOR} @@ q ORDER BY score DESC, id LIMIT :n"
            ),
            {"q": _pg_match(words), "n": limit},
        )
    # the driver's rows as they are: a common prefix matches thousands of people
    try:
        found = rows.cursor.fetchall() if rows.cursor is not None else []
    finally:
        rows.close()
    return [(int(i), float(s), str(n or "")) for i, s, n in found]
