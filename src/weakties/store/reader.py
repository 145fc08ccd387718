"""The scoped reader: every read made for a viewer goes through one of these.

>>> from weakties.store.engine import open_store
>>> from weakties.store.scope import Scope
>>> store = open_store("sqlite://")
>>> with store.engine.connect() as conn:
...     reader = Reader(conn, Scope.operator())
...     reader.tie_rows(), reader.first_degree()
([], set())

A :class:`Reader` holds a connection, a :class:`~weakties.store.scope.Scope`
and the data's present (``now``); its methods are grouped by subject in
:mod:`.read_ties`, :mod:`.read_traces`, :mod:`.read_people`,
:mod:`.read_positions`, :mod:`.read_orgs` and :mod:`.read_own`, and every one
of them filters with the rules of :mod:`weakties.store._base`. The engines
(``graph``, ``ties``, ``opportunity``, ``report``) receive a reader and never
see a table; the service layer builds the scope.
"""

from __future__ import annotations

from weakties.store.read_own import OwnReads
from weakties.store.read_traces import TraceReads

__all__ = ["Reader"]


class Reader(OwnReads, TraceReads):
    """Scoped reads for one viewer (see the module doc and :mod:`weakties.store._base`).

    Parameters
    ----------
    conn : sqlalchemy.Connection
    scope : Scope
    now : datetime, optional
        The data's present (default: the database's clock).
    clock : datetime, optional
        The database's clock (default: read from the database).
    """
