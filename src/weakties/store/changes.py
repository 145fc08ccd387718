"""Change counters: what a server process needs to know to reuse what it computed.

The ``change_counter`` table holds one row with two counters:

- ``graph``: who is tied to whom and who may see what changed — ties,
  members and their sharing, people and their names, positions and
  organisations (career moves), blocks and suspensions, contact visibility,
  imports, a member's settings (tie model, inference, etiquette) and the clock;
- ``traces``: what tie strength is computed from changed — interactions and the
  platform's messages, comments and reactions, notes, events, asks, labels,
  targets, group memberships and skills.

Every write through a store's engine bumps the counter(s) of the tables it
touches, in its own transaction (just before it commits), once per transaction
(an event on the engine, :func:`install`, so that no write path can forget it:
service commands, imports, merges and the demo builder all write through it).
A table's class is declared in :data:`GRAPH_TABLES`, :data:`TRACE_TABLES` or
:data:`UNTRACKED_TABLES` (every table is in exactly one, a test checks it); a delete also bumps the
class of every table its rows cascade to (``ON DELETE CASCADE`` / ``SET
NULL``), read from the schema.

A reader reads both counters with one query (:func:`read_counters`): equal
counters mean that nothing its cached results depend on has changed since.
Writes to ``setting`` that are bookkeeping of the background tasks
(``task:...`` keys) bump nothing. A member's kept model fit
(``fitted_models:...``) bumps nothing either: it changes how that member's
ties are scored only — not who is tied to whom, who may see what, nor anyone
else's scores — so what is kept per viewer is checked against the fits its
scores were made with instead (:func:`weakties.service.live.fit_stamp`). It
bumped ``traces``: the server's background task keeps the first fits of a few
members every two minutes, and each one dropped every member's scored pages
(a dashboard of 27 s computed again). Its transaction still counts as one that
wrote (:func:`wrote_in_transaction`): what it computes is not kept.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from sqlalchemy import Connection, Engine, event, text

__all__ = [
    "GRAPH_TABLES",
    "TRACE_TABLES",
    "UNTRACKED_TABLES",
    "classes_of",
    "install",
    "kept",
    "read_counters",
    "wrote_in_transaction",
]

#: tables whose writes change the graph or what a viewer may see of it
GRAPH_TABLES = frozenset(
    {
        "block",
        "contact_visibility",
        "identity",
        "identity_statement",
        "import_file",
        "import_run",
        "known_person",
        "match_proposal",
        "member",
        "org_alias",
        "organization",
        "person",
        "position",
        "setting",
        "suspension",
        "tie",
    }
)
#: tables whose writes change the traces tie strength is computed from
TRACE_TABLES = frozenset(
    {
        "ask",
        "comment",
        "do_not_ask",
        "event",
        "group_member",
        "interaction",
        "message",
        "note",
        "reaction",
        "skill",
        "target",
        "tie_label",
    }
)
#: tables nothing cached depends on (sessions, notifications, pages' own rows)
UNTRACKED_TABLES = frozenset(
    {
        "access_token",
        "account",
        "alembic_version",
        "change_counter",
        "conversation",
        "follow",
        "group_page",
        "intro_request",
        "invitation",
        "job_application",
        "job_posting",
        "member_photo",
        "mention",
        "notification",
        "org_page_admin",
        "participant",
        "password_reset",
        "post",
        "rate_event",
        "report",
        "saved_job",
        "signup_invitation",
        "task",
        "touch_reminder",
        "web_session",
    }
)
#: setting keys that are the background tasks' bookkeeping, not anybody's setting
_BOOKKEEPING = ("task:",)
#: setting keys that change how one member's ties are scored only (a kept fit)
_SCORING = ("fitted_models:",)
#: what a write of a kept fit marks in its transaction: written, no counter bumped
_FIT = "fit"

_STATEMENT = re.compile(
    r"^\s*(?:(INSERT)(?:\s+OR\s+\w+)?\s+INTO|(UPDATE)(?:\s+OR\s+\w+)?|(DELETE)\s+FROM"
    r"|(REPLACE)\s+INTO)\s+[\"`]?(\w+)",
    re.IGNORECASE,
)
_KEPT: weakref.WeakSet[Engine] = weakref.WeakSet()  # engines that bump the counters
_BUMPED = "weakties_bumped"  # conn.info: the counters this transaction will bump


def _cascades() -> dict[str, frozenset[str]]:
    """Per table, the classes a delete of its rows reaches through foreign keys."""
    from weakties.model.tables import every_table

    tables = every_table().tables
    reached: dict[str, set[str]] = {}
    for table in tables.values():
        own = _own_class(table.name)
        for fk in table.foreign_keys:
            if fk.ondelete and own:
                reached.setdefault(fk.column.table.name, set()).update(own)
    # follow chains (a conversation's messages, a post's comments' mentions...)
    changed = True
    while changed:
        changed = False
        for table in tables.values():
            for fk in table.foreign_keys:
                if not fk.ondelete:
                    continue
                parent = fk.column.table.name
                extra = reached.get(table.name, set()) - reached.get(parent, set())
                if extra:
                    reached.setdefault(parent, set()).update(extra)
                    changed = True
    return {name: frozenset(classes) for name, classes in reached.items()}


def _own_class(table: str) -> frozenset[str]:
    if table in GRAPH_TABLES:
        return frozenset({"graph"})
    if table in TRACE_TABLES:
        return frozenset({"traces"})
    if table in UNTRACKED_TABLES:
        return frozenset()
    # a table nobody classified yet (a search index's own tables): count it as both
    return frozenset({"graph", "traces"})


_CASCADES: dict[str, frozenset[str]] | None = None


def classes_of(statement: str) -> frozenset[str]:
    """The counters a SQL statement bumps (empty for reads and untracked tables).

    >>> sorted(classes_of('INSERT INTO tie (person_a_id) VALUES (?)'))
    ['graph']
    >>> sorted(classes_of('DELETE FROM conversation WHERE id = ?'))
    ['traces']
    >>> sorted(classes_of('SELECT * FROM tie'))
    []
    """
    global _CASCADES
    found = _STATEMENT.match(statement)
    if found is None:
        return frozenset()
    table = found.group(5).lower()
    if table.startswith("search"):
        return frozenset()  # the full-text index follows the tables it indexes
    classes = _own_class(table)
    if found.group(3):  # a delete reaches the rows that reference the deleted ones
        if _CASCADES is None:
            _CASCADES = _cascades()
        classes = classes | _CASCADES.get(table, frozenset())
    return classes


def _setting_classes(parameters: Any) -> frozenset[str] | None:
    """The counters a write to ``setting`` bumps, read from the values it is
    given (None: the table's own class): nothing for background-task
    bookkeeping; none either when it writes kept model fits only (every text it
    is given is such a key, or a JSON document: a fit), but the transaction is
    marked as one that wrote (:data:`_FIT`)."""
    rows = parameters if isinstance(parameters, list) else [parameters]
    texts: list[str] = []
    for row in rows:
        values = row.values() if isinstance(row, dict) else (row or ())
        texts += [v for v in values if isinstance(v, str)]
    if any(":" in v and v.startswith(_BOOKKEEPING) for v in texts):
        return frozenset()
    if any(v.startswith(_SCORING) for v in texts) and all(
        v.startswith(_SCORING) or v.startswith(("{", "[")) for v in texts
    ):
        return frozenset({_FIT})
    return None


def install(engine: Engine) -> bool:
    """Bump the change counters on every write through ``engine`` (see the module
    doc); nothing when the database has no ``change_counter`` table yet (a schema
    not upgraded). Returns whether the counters are kept."""
    from sqlalchemy import inspect

    if not inspect(engine).has_table("change_counter"):
        return False

    @event.listens_for(engine, "before_cursor_execute")
    def _note(
        conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> None:
        classes = classes_of(statement)
        if not classes:
            return
        if "setting" in statement[:40].lower():
            named = _setting_classes(parameters)
            if named is not None:
                if not named:
                    return
                classes = named
        conn.info.setdefault(_BUMPED, set()).update(classes)

    @event.listens_for(engine, "commit")
    def _bump(conn: Any) -> None:
        # just before the commit, in the writer's transaction: the counter row is
        # locked (PostgreSQL) only from here to the commit, not for a whole import
        todo = sorted(set(conn.info.pop(_BUMPED, ())) - {_FIT})
        if not todo:
            return
        sets = ", ".join(f"{name} = {name} + 1" for name in todo)
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(f"UPDATE change_counter SET {sets} WHERE id = 1")
        finally:
            cursor.close()

    @event.listens_for(engine, "rollback")
    def _end(conn: Any) -> None:
        conn.info.pop(_BUMPED, None)

    @event.listens_for(engine.pool, "checkin")
    def _checkin(_dbapi: Any, record: Any) -> None:
        if record is not None:
            record.info.pop(_BUMPED, None)

    _KEPT.add(engine)
    return True


def kept(engine: Engine) -> bool:
    """Whether writes through ``engine`` bump the change counters."""
    return engine in _KEPT


def wrote_in_transaction(conn: Connection) -> bool:
    """Whether this connection's transaction wrote to a tracked table (its results
    are then not anybody else's to reuse: they may yet be rolled back)."""
    return bool(conn.info.get(_BUMPED))


def read_counters(conn: Connection) -> tuple[int, int] | None:
    """``(graph, traces)``, or None when writes through this connection's engine do
    not bump them (a schema not upgraded, a read-only file): nothing may then be
    reused."""
    if not kept(conn.engine):
        return None
    row = conn.execute(text("SELECT graph, traces FROM change_counter WHERE id = 1")).first()
    return None if row is None else (int(row[0]), int(row[1]))
