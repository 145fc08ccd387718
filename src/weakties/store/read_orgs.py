"""Scoped reads of organisations: which a scope may see, listings, lookups.

An organisation is visible to a scope when someone the scope may count holds
(or held) a position there, or when the member follows or targets it: an
organisation known only from the data of a member who shares nothing stays
invisible, with its name and head count. Head counts count the people the scope
may count.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased

from weakties.errors import AmbiguousError, NotFoundError
from weakties.model.orgnames import org_key
from weakties.model.tables import Follow, OrgAlias, Organization, Position, Target
from weakties.store._base import _kept, chunks
from weakties.store.read_people import contains
from weakties.store.read_positions import PositionReads

__all__ = ["OrgReads"]

# the tables as the organisation rule names them in its subqueries (made once)
_HELD = aliased(Position, name="org_held")
_FOLLOW = aliased(Follow, name="org_follow")
_TARGET = aliased(Target, name="org_target")


class OrgReads(PositionReads):
    """Organisations as a scope may see them (mixed into :class:`Reader`)."""

    def _org_filter(self, column: Any, level: str = "counts") -> Any:
        """``column`` (an organisation id) is one the scope may see (None: all):
        someone the scope may show at ``level`` holds or held a position there,
        or the member follows or targets it — looked up for each organisation
        through its own rows rather than by listing every visible one."""
        if self.scope.is_operator:
            return None
        return self._org_rule(column, level)

    @_kept
    def _org_rule(self, column: Any, level: str) -> Any:
        """:meth:`_org_filter` for a scope that is not an operator's, built once
        for each scope, hidden people, column and level (see
        :func:`~weakties.store._base._kept`: what the rule depends on — the
        member's and person's ids, the hidden people, the database — is its key)."""
        held = _HELD
        parts: list[Any] = [
            exists().where(
                held.organization_id == column,
                self._person_rule(held.person_id, level),
                self.position_visible(level, held),
            )
        ]
        member = self.scope.member_id
        if member is not None:
            follow, target = _FOLLOW, _TARGET
            parts += [
                exists().where(follow.organization_id == column, follow.member_id == member),
                exists().where(target.organization_id == column, target.member_id == member),
            ]
        return or_(*parts)

    def _orgs_seen(self, level: str) -> dict[int, bool]:
        """Whether each organisation looked up so far may be seen at ``level``,
        kept with the reader's other results (a page that found an organisation
        names it next: its rule, a lookup of its people's positions, is not
        evaluated twice)."""
        key = ("orgs_seen", level)
        if key not in self._cache:
            self._cache[key] = {}
        seen: dict[int, bool] = self._cache[key]
        return seen

    def visible_orgs(self, org_ids: Iterable[int], level: str = "counts") -> list[int]:
        """The ids of ``org_ids`` the scope may see."""
        seen = self._orgs_seen(level)
        ids = sorted({int(o) for o in org_ids})
        for chunk in chunks(o for o in ids if o not in seen):
            found = set(
                self.conn.execute(
                    self.where(
                        select(Organization.id).where(Organization.id.in_(chunk)),
                        self._org_filter(Organization.id, level),
                    )
                ).scalars()
            )
            seen.update((o, o in found) for o in chunk)
        return [o for o in ids if seen[o]]

    def list_orgs(
        self, *, search: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Organisations with how many people work there now and ever (jobs and
        studies), among the people the scope may count."""
        counted = self.people_filter(Position.person_id, "counts")
        stated = self.position_visible("counts")
        current = (
            self.where(
                select(
                    Position.organization_id,
                    func.count(func.distinct(Position.person_id)).label("n"),
                ).where(Position.is_current.is_(True), Position.kind == "job"),
                counted,
                stated,
            )
            .group_by(Position.organization_id)
            .subquery()
        )
        ever = (
            self.where(
                select(
                    Position.organization_id,
                    func.count(func.distinct(Position.person_id)).label("n"),
                ),
                counted,
                stated,
            )
            .group_by(Position.organization_id)
            .subquery()
        )
        query = self.where(
            select(
                Organization.id,
                Organization.name,
                Organization.kind,
                Organization.industry,
                func.coalesce(current.c.n, 0),
                func.coalesce(ever.c.n, 0),
            )
            .outerjoin(current, current.c.organization_id == Organization.id)
            .outerjoin(ever, ever.c.organization_id == Organization.id)
            .order_by(func.coalesce(current.c.n, 0).desc(), Organization.name),
            self._org_filter(Organization.id),
        )
        if search:
            query = query.where(Organization.norm_name.like(contains(org_key(search)), escape="\\"))
        if limit:
            query = query.limit(limit)
        found = list(self.conn.execute(query))
        aliases: dict[int, list[str]] = {}
        for chunk in chunks(r[0] for r in found):
            for org_id, alias in self.conn.execute(
                select(OrgAlias.organization_id, OrgAlias.alias).where(
                    OrgAlias.organization_id.in_(chunk)
                )
            ):
                aliases.setdefault(org_id, []).append(alias)
        return [
            {
                "id": oid,
                "name": name,
                "kind": kind,
                "industry": industry,
                "people_now": now,
                "people_ever": ever_n,
                "aliases": sorted(a for a in aliases.get(oid, []) if a != name),
            }
            for oid, name, kind, industry, now, ever_n in found
        ]

    def find_org(self, query: str) -> int:
        """An organisation the scope may see, by ``#id``, exact name, alias or normal form.

        Raises
        ------
        NotFoundError, AmbiguousError
        """
        text = query.strip()
        if text.lstrip("#").isdecimal():
            oid = int(text.lstrip("#"))
            if oid < 2**63 and self.visible_orgs([oid]):
                return oid
            raise NotFoundError(f"no organisation #{oid}")
        ids = sorted(
            set(
                self.conn.execute(
                    self.where(
                        select(OrgAlias.organization_id).where(
                            OrgAlias.norm_alias == org_key(text)
                        ),
                        self._org_filter(OrgAlias.organization_id),
                    )
                ).scalars()
            )
        )
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            raise AmbiguousError(
                f"several organisations are called {query!r}", [f"#{i}" for i in ids]
            )
        raise NotFoundError(f"no organisation called {query!r} (try weakties orgs --search)")

    def org_rows(self, org_ids: Iterable[int]) -> dict[int, Any]:
        """id -> (id, name, industry, location, kind) of the organisations the scope
        may see (those already found visible read without their rule again)."""
        seen = self._orgs_seen("counts")
        ids = {int(o) for o in org_ids}
        out: dict[int, Any] = {}
        columns = (
            Organization.id,
            Organization.name,
            Organization.industry,
            Organization.location,
            Organization.kind,
        )
        for chunk in chunks(o for o in ids if seen.get(o)):
            for row in self.conn.execute(select(*columns).where(Organization.id.in_(chunk))):
                out[row.id] = row
        for chunk in chunks(o for o in ids if o not in seen):
            for row in self.conn.execute(
                self.where(
                    select(*columns).where(Organization.id.in_(chunk)),
                    self._org_filter(Organization.id),
                )
            ):
                out[row.id] = row
            seen.update((o, o in out) for o in chunk)
        return {oid: out[oid] for oid in sorted(out)}

    def org_names(self, org_ids: Iterable[int]) -> dict[int, str]:
        """id -> name of the organisations the scope may see."""
        return {oid: row.name for oid, row in self.org_rows(org_ids).items()}

    def merge_candidates(self) -> list[Any]:
        """(id, name, norm_name, kind) of every organisation the scope may see."""
        return list(
            self.conn.execute(
                self.where(
                    select(
                        Organization.id,
                        Organization.name,
                        Organization.norm_name,
                        Organization.kind,
                    ),
                    self._org_filter(Organization.id),
                )
            )
        )

    def people_at(self, org: str) -> set[int]:
        """The people the scope may name who are currently at an organisation named
        (or aliased) like ``org`` — its normal form, else any containing it."""
        norm = org_key(org)
        org_ids = set(
            self.conn.execute(
                self.where(
                    select(OrgAlias.organization_id).where(OrgAlias.norm_alias == norm),
                    self._org_filter(OrgAlias.organization_id),
                )
            ).scalars()
        )
        if not org_ids:
            org_ids = set(
                self.conn.execute(
                    self.where(
                        select(Organization.id).where(
                            Organization.norm_name.like(contains(norm), escape="\\")
                        ),
                        self._org_filter(Organization.id),
                    )
                ).scalars()
            )
        if not org_ids:
            return set()
        return {
            r[0]
            for r in self._visible_rows(
                select(Position.person_id).where(
                    Position.organization_id.in_(sorted(org_ids)), Position.is_current.is_(True)
                ),
                Position.person_id,
            )
        }
