"""Scoped bulk reads for exports: whole tables, as far as a scope may list them.

An export (``weakties export``) and the batch pipeline that reads it see the
rows a :class:`~weakties.store.reader.Reader` may list by name and nothing
else: ties through :meth:`~weakties.store._base.ReaderBase.tie_visible` at
``names`` (ties a viewer may only count never leave the database: an exported
pair names both people), traces through
:meth:`~weakties.store._base.ReaderBase.trace_visible`, people, positions and
organisations with the people the scope may show. The operator's reader skips
every filter: its export is the whole database.

>>> from weakties.store.engine import open_store
>>> from weakties.store.scope import Scope
>>> store = open_store("sqlite://")
>>> with store.engine.connect() as conn:
...     ExportReader(conn, Scope.operator()).export_ties()
[]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, or_, select

from weakties.model.tables import (
    ImportRun,
    Interaction,
    Member,
    Organization,
    Person,
    Position,
    Tie,
)
from weakties.store.reader import Reader

__all__ = ["EXPORT_COLUMNS", "ExportReader"]

#: table -> its exported columns, in order (the export's schema)
EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "person": ("id", "display_name", "headline", "location", "industry"),
    "member": ("id", "person_id", "handle"),
    "organization": ("id", "name", "kind", "industry", "location"),
    "position": (
        "id",
        "person_id",
        "organization_id",
        "kind",
        "title",
        "start_date",
        "end_date",
        "is_current",
    ),
    "tie": (
        "person_a_id",
        "person_b_id",
        "source",
        "asserted_by",
        "since",
        "ended_at",
        "confidence",
    ),
    "interaction": ("id", "sender_id", "recipient_id", "kind", "occurred_at", "group_size"),
}


class ExportReader(Reader):
    """A :class:`Reader` with whole-table reads, each filtered by the scope's rules."""

    def _listed(self, query: Any, *columns: Any) -> list[tuple[Any, ...]]:
        """``query`` keeping rows whose ``columns`` (person ids) may all be shown."""
        for column in columns:
            query = self.where(query, self.people_filter(column, "names"))
        return [tuple(row) for row in self.conn.execute(query)]

    def export_people(self) -> list[tuple[Any, ...]]:
        """People the scope may show by name."""
        query = select(
            Person.id, Person.display_name, Person.headline, Person.location, Person.industry
        ).order_by(Person.id)
        return self._listed(query, Person.id)

    def export_members(self) -> list[tuple[Any, ...]]:
        """Every member (members are visible as members), with their person."""
        query = select(Member.id, Member.person_id, Member.handle).order_by(Member.id)
        return [tuple(row) for row in self.conn.execute(query)]

    def export_positions(self) -> list[tuple[Any, ...]]:
        """Jobs, studies and group memberships of the people the scope may show."""
        query = (
            select(
                Position.id,
                Position.person_id,
                Position.organization_id,
                Position.kind,
                Position.title,
                Position.start_date,
                Position.end_date,
                Position.is_current,
            )
            .where(Position.organization_id.is_not(None))
            .order_by(Position.person_id, Position.id)
        )
        return self._listed(self.where(query, self.position_visible()), Position.person_id)

    def export_organizations(self) -> list[tuple[Any, ...]]:
        """The organisations of the exported positions."""
        held = select(Position.organization_id).where(Position.organization_id.is_not(None))
        held = self.where(
            held, self.people_filter(Position.person_id, "names"), self.position_visible()
        )
        query = (
            select(
                Organization.id,
                Organization.name,
                Organization.kind,
                Organization.industry,
                Organization.location,
            )
            .where(Organization.id.in_(held.scalar_subquery()))
            .order_by(Organization.id)
        )
        return [tuple(row) for row in self.conn.execute(query)]

    def export_ties(self) -> list[tuple[Any, ...]]:
        """Every tie the scope may list by name (ended ones too, with their end)."""
        query = self.where(
            select(
                Tie.person_a_id,
                Tie.person_b_id,
                Tie.source,
                Tie.asserted_by,
                Tie.since,
                Tie.ended_at,
                Tie.confidence,
            ).order_by(Tie.id),
            self.tie_visible("names", whole=True),
        )
        return [tuple(row) for row in self.conn.execute(query)]

    def export_interactions(self) -> list[tuple[Any, ...]]:
        """The two-party traces the scope may use (metadata only: never content)."""
        query = self.where(
            select(
                Interaction.id,
                Interaction.sender_id,
                Interaction.recipient_id,
                Interaction.kind,
                Interaction.occurred_at,
                Interaction.group_size,
            )
            .where(Interaction.sender_id.is_not(None), Interaction.recipient_id.is_not(None))
            .order_by(Interaction.id),
            self.trace_visible(),
        )
        # a trace names both people: both must be people the scope may show
        return self._listed(query, Interaction.sender_id, Interaction.recipient_id)

    def sharing_levels(self) -> dict[int, str]:
        """Member id -> sharing level, for every member (levels are not secret: they
        decide what every member sees)."""
        return dict(self.conn.execute(select(Member.id, Member.sharing)).all())

    def own_changes_since(self, when: dt.datetime) -> int:
        """How many of the viewer's ties began, were recorded or ended after
        ``when``, plus the viewer's imports finished after it."""
        me, member = self.scope.person_id, self.scope.member_id
        if me is None or member is None:
            return 0
        ties = self.conn.execute(
            select(func.count()).where(
                or_(Tie.person_a_id == me, Tie.person_b_id == me),
                or_(Tie.created_at > when, Tie.ended_at > when, Tie.since > when),
            )
        ).scalar()
        imports = self.conn.execute(
            select(func.count()).where(ImportRun.member_id == member, ImportRun.finished_at > when)
        ).scalar()
        return int(ties or 0) + int(imports or 0)

    def export_table(self, name: str) -> list[tuple[Any, ...]]:
        """The rows of one table of :data:`EXPORT_COLUMNS`."""
        reads = {
            "person": self.export_people,
            "member": self.export_members,
            "organization": self.export_organizations,
            "position": self.export_positions,
            "tie": self.export_ties,
            "interaction": self.export_interactions,
        }
        return reads[name]()
