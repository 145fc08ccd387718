"""Scoped reads of traces (interactions): what tie strength, reach and the report count.

Every method filters through :meth:`ReaderBase.trace_visible` (see
:mod:`weakties.store._base` for the rule). Bulk reads return the driver's plain
tuples, ready for numpy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select

from weakties.model.kinds import CONVERSATION_KINDS, KIND_CODE
from weakties.model.tables import Interaction
from weakties.store._base import ReaderBase, chunks
from weakties.store.engine import raw_rows

__all__ = ["TraceReads", "epoch_sql"]

SERVICE_KINDS = ("endorsement", "recommendation", "introduction")


def epoch_sql(conn: Connection, column: Any) -> Any:
    """A datetime column as Unix seconds, computed by the database (no string parsing)."""
    if conn.dialect.name == "sqlite":
        return (func.julianday(column) - 2440587.5) * 86400.0
    return func.extract("epoch", column)


def _with(person: int, others: list[int]) -> Any:
    return or_(
        (Interaction.sender_id == person) & Interaction.recipient_id.in_(others),
        (Interaction.recipient_id == person) & Interaction.sender_id.in_(others),
    )


def _of(person: int) -> Any:
    return or_(Interaction.sender_id == person, Interaction.recipient_id == person)


class TraceReads(ReaderBase):
    """The traces a scope may use (mixed into :class:`weakties.store.reader.Reader`)."""

    def trace_rows(
        self,
        as_of: dt.datetime,
        *,
        person: int | None = None,
        others: Collection[int] | None = None,
    ) -> list[tuple[Any, ...]]:
        """``(sender, recipient, seconds, group size, kind code)`` of the two-party
        traces before ``as_of`` (of ``person`` only if given, and then only with
        ``others`` if given). Kinds come as codes (:data:`KIND_CODE`, -1 for an
        unknown kind) computed by the database: no per-row work in Python."""
        code = case(KIND_CODE, value=Interaction.kind, else_=-1)
        query = self.where(
            select(
                Interaction.sender_id,
                Interaction.recipient_id,
                epoch_sql(self.conn, Interaction.occurred_at),
                Interaction.group_size,
                code,
            ).where(
                Interaction.occurred_at < as_of,
                Interaction.sender_id.is_not(None),
                Interaction.recipient_id.is_not(None),
            ),
            self.trace_visible(),
        )
        if person is not None and others is not None and len(others) <= 900:
            query = query.where(_with(person, sorted(others)))
        elif person is not None:
            query = query.where(_of(person))
        return raw_rows(self.conn, query)

    def ego_partners(self, ego: int, as_of: dt.datetime) -> list[tuple[int, int]]:
        """Every ``(sender, recipient)`` with ``ego`` in conversational contact before
        ``as_of``."""
        query = self.where(
            select(Interaction.sender_id, Interaction.recipient_id)
            .where(
                Interaction.kind.in_(CONVERSATION_KINDS),
                Interaction.occurred_at < as_of,
                _of(ego),
                Interaction.sender_id.is_not(None),
                Interaction.recipient_id.is_not(None),
            )
            .distinct(),
            self.trace_visible(),
        )
        return [(a, b) for a, b in self.conn.execute(query)]

    def conversation_times(
        self, ego: int, others: Collection[int], as_of: dt.datetime
    ) -> list[tuple[float, float]]:
        """``(other, seconds)`` of ``ego``'s conversational traces with ``others``
        before ``as_of``."""
        found: list[tuple[float, float]] = []
        for chunk in chunks(others):
            query = self.where(
                select(
                    case(
                        (Interaction.sender_id == ego, Interaction.recipient_id),
                        else_=Interaction.sender_id,
                    ),
                    epoch_sql(self.conn, Interaction.occurred_at),
                ).where(
                    Interaction.kind.in_(CONVERSATION_KINDS),
                    Interaction.occurred_at < as_of,
                    _with(ego, chunk),
                ),
                self.trace_visible(),
            )
            found += raw_rows(self.conn, query)
        return found

    def services(self, person: int, as_of: dt.datetime) -> list[tuple[int | None, int | None, str]]:
        """``(sender, recipient, kind)`` of the endorsements, recommendations and
        introductions given or received by ``person`` before ``as_of``."""
        query = self.where(
            select(Interaction.sender_id, Interaction.recipient_id, Interaction.kind).where(
                Interaction.kind.in_(SERVICE_KINDS),
                _of(person),
                Interaction.occurred_at < as_of,
            ),
            self.trace_visible(),
        )
        return [(s, r, k) for s, r, k in self.conn.execute(query)]

    def message_traffic(self, person: int) -> list[tuple[int | None, int | None, int]]:
        """``(sender, recipient, messages)`` of the LinkedIn messages ``person`` sent
        or received."""
        query = self.where(
            select(Interaction.sender_id, Interaction.recipient_id, func.count())
            .where(Interaction.kind == "message", _of(person))
            .group_by(Interaction.sender_id, Interaction.recipient_id),
            self.trace_visible(),
        )
        return [(s, r, n) for s, r, n in self.conn.execute(query)]

    def traces_between(
        self, a: int, b: int
    ) -> list[tuple[str, int, dt.datetime | None, dt.datetime | None]]:
        """``(kind, count, first, last)`` of the traces between two people."""
        query = self.where(
            select(
                Interaction.kind,
                func.count(),
                func.min(Interaction.occurred_at),
                func.max(Interaction.occurred_at),
            )
            .where(
                or_(
                    (Interaction.sender_id == a) & (Interaction.recipient_id == b),
                    (Interaction.sender_id == b) & (Interaction.recipient_id == a),
                )
            )
            .group_by(Interaction.kind),
            self.trace_visible(),
        )
        return [(k, n, lo, hi) for k, n, lo, hi in self.conn.execute(query)]

    def group_traces(
        self, member_id: int, person: int, max_group: int
    ) -> list[tuple[str | None, int | None, int | None, dt.datetime | None]]:
        """``(conversation, sender, recipient, when)`` of the group conversations
        (2 to ``max_group`` recipients) in a member's own data, and of those the
        member's ``person`` took part in that another member's import brought in
        first (one row per message) — as far as the scope may see them."""
        taken_part = (
            select(Interaction.conversation)
            .where(_of(person), Interaction.conversation.is_not(None))
            .scalar_subquery()
        )
        query = self.where(
            select(
                Interaction.conversation,
                Interaction.sender_id,
                Interaction.recipient_id,
                Interaction.occurred_at,
            ).where(
                and_(
                    or_(
                        Interaction.asserted_by == member_id,
                        Interaction.conversation.in_(taken_part),
                    ),
                    Interaction.group_size >= 2,
                    Interaction.group_size <= max_group,
                    Interaction.conversation.is_not(None),
                )
            ),
            self.trace_visible(),
        )
        return [(c, s, r, w) for c, s, r, w in self.conn.execute(query)]

    def traced_pairs(self, as_of: dt.datetime) -> list[tuple[int, int]]:
        """Distinct ``(sender, recipient)`` of two different people with a trace
        before ``as_of``."""
        query = self.where(
            select(Interaction.sender_id, Interaction.recipient_id)
            .where(
                Interaction.occurred_at < as_of,
                Interaction.sender_id.is_not(None),
                Interaction.recipient_id.is_not(None),
                Interaction.sender_id != Interaction.recipient_id,
            )
            .distinct(),
            self.trace_visible(),
        )
        return [(a, b) for a, b in raw_rows(self.conn, query)]
