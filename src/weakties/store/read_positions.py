"""Scoped reads of positions: where the people a scope may see work and study.

A position is a fact about a person that some member's data states: it is
visible with the person (at ``names`` to show it, at ``counts`` to count it)
and only when the scope may use the data that states it — the viewer's own, a
member's who shares at that level, or a member's own account of themself (their
profile, their platform career). Someone two members know, whose employer only
the data of a member who shares nothing states, is shown without it. Each
member's import keeps its own observations (:mod:`weakties.ingest.context`), so
the same job seen in two members' data is two rows: the reads keep one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from weakties.model.identity import fold
from weakties.model.tables import Member, Organization, Person, Position, Skill, held_on
from weakties.store._base import chunks
from weakties.store.read_people import PeopleReads

if TYPE_CHECKING:
    import numpy as np

__all__ = ["PositionReads"]

_OWNER = aliased(Member, name="position_owner")

#: an open study (no end given) begun longer ago than this is not a current one
STUDY_YEARS = 6


class PositionReads(PeopleReads):
    """Positions as a scope may see them (mixed into :class:`weakties.store.reader.Reader`)."""

    def position_visible(self, level: str = "names", held: Any = Position) -> Any:
        """The WHERE clause of the positions whose source the scope may use at
        ``level`` (None: all): stated by the viewer's own data, by a member who
        shares at that level, or by a member about themself. ``held`` is the
        position table or an alias of it."""
        shared = self.member_filter(held.asserted_by, level)
        if shared is None:
            return None
        own = self._looked_up(
            _OWNER.id, _OWNER.id == held.asserted_by, _OWNER.person_id == held.person_id
        )
        return or_(shared, own)

    def _rows_of(
        self,
        query: Any,
        column: Any,
        person_ids: Iterable[int],
        level: str = "names",
        held: Any = Position,
    ) -> list[Any]:
        """``query`` run for the visible people among ``person_ids``, 900 at a time;
        ``held``: the positions it reads, kept to those the scope may use (None:
        it reads none)."""
        if held is not None:
            query = self.where(query, self.position_visible(level, held))
        rows: list[Any] = []
        for chunk in chunks(self.keep_visible(person_ids, level)):
            rows.extend(self.conn.execute(query.where(column.in_(chunk))).all())
        return rows

    def _visible_rows(
        self, query: Any, column: Any, level: str = "names", held: Any = Position
    ) -> list[Any]:
        """``query`` restricted to the people the scope may show, in SQL (and to
        the positions it may use, as :meth:`_rows_of`)."""
        rules = [self.people_filter(column, level)]
        if held is not None:
            rules.append(self.position_visible(level, held))
        return list(self.conn.execute(self.where(query, *rules)))

    def current_jobs(self, person_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
        """Current jobs per person: their own profile's if they have one, else observed ones."""
        jobs: dict[int, list[dict[str, Any]]] = defaultdict(list)
        rows = self._rows_of(
            select(
                Position.person_id,
                Position.source,
                Position.title,
                Organization.id,
                Organization.name,
            )
            .outerjoin(Organization, Organization.id == Position.organization_id)
            .where(Position.is_current.is_(True), Position.kind == "job")
            .order_by(Position.person_id, Position.start_date.desc(), Position.id),
            Position.person_id,
            person_ids,
        )
        by_person: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            by_person[row.person_id].append(row)
        for pid, items in by_person.items():
            own = [r for r in items if r.source == "profile"]
            seen: set[tuple[Any, Any]] = set()
            for r in own or items:
                if (r.name or r.title) and (r.id, r.title) not in seen:
                    seen.add((r.id, r.title))
                    jobs[pid].append({"org_id": r.id, "org": r.name, "title": r.title})
        return jobs

    def person_positions(self, pid: int) -> list[Any]:
        """One person's positions, current first, with the organisation's name (a
        job that several members' data saw, once: its latest sighting)."""
        rows = self._rows_of(
            select(
                Position.kind,
                Position.title,
                Position.start_date,
                Position.end_date,
                Position.is_current,
                Position.seen_on,
                Position.source,
                Organization.name,
            )
            .outerjoin(Organization, Organization.id == Position.organization_id)
            .order_by(
                Position.is_current.desc(), Position.start_date.desc(), Position.seen_on.desc()
            ),
            Position.person_id,
            [pid],
        )
        kept: dict[tuple[Any, ...], Any] = {}
        for row in rows:  # the latest sighting first (the order above)
            key = (row.kind, row.name, row.title, row.start_date, row.end_date, row.is_current)
            kept.setdefault(key, row)
        return list(kept.values())

    def job_org_pairs(
        self,
        person_ids: np.ndarray,
        day: dt.date | None,
        level: str = "names",
        *,
        shown: bool = False,
    ) -> np.ndarray:
        """``(person, organisation)`` rows (an n x 2 int64 array) of the jobs held on
        ``day`` (None: now; undated current jobs count) by those of ``person_ids``
        the scope may show at ``level``; with ``shown`` the caller knows they all
        are (the ends of ties it may use, the viewer): they are not checked
        again, a read of every tie the scope may use."""
        import numpy as np

        wanted = np.asarray(person_ids, dtype=np.int64)
        visible = None if shown else self.people(level)
        if visible is not None:
            wanted = wanted[np.isin(wanted, np.fromiter(visible, np.int64, len(visible)))]
        fetched = self.conn.execute(
            self.where(
                select(Position.person_id, Position.organization_id).where(
                    held_on(day, undated=True),
                    Position.kind == "job",
                    Position.organization_id.is_not(None),
                ),
                self.position_visible(level),
            )
        ).all()
        if not fetched:
            return np.empty((0, 2), dtype=np.int64)
        pairs = np.array([tuple(r) for r in fetched], dtype=np.int64).reshape(-1, 2)
        return _unique_rows(pairs[np.isin(pairs[:, 0], wanted)])

    def held_org_pairs(self, person_ids: np.ndarray, day: dt.date | None) -> np.ndarray:
        """``(person, organisation)`` rows of every position (jobs, studies, groups)
        held on ``day`` (None: now; undated ones only then) by ``person_ids``."""
        import numpy as np

        wanted = np.asarray(person_ids, dtype=np.int64)
        shown = self.people("names")
        if shown is not None:
            wanted = wanted[np.isin(wanted, np.fromiter(shown, np.int64, len(shown)))]
        rows = self.conn.execute(
            self.where(
                select(Position.person_id, Position.organization_id).where(
                    Position.organization_id.is_not(None), held_on(day)
                ),
                self.position_visible("names"),
            )
        ).all()
        if not rows:
            return np.empty((0, 2), dtype=np.int64)
        pairs = np.array([tuple(r) for r in rows], dtype=np.int64).reshape(-1, 2)
        return _unique_rows(pairs[np.isin(pairs[:, 0], wanted)])

    def place_rows(self, person_ids: Iterable[int], *, seen: bool = False) -> list[Any]:
        """Jobs, studies and group memberships of ``person_ids`` (person, org, kind,
        start, end, current, title, the organisation's industry; with ``seen``, then
        the day the position was observed: an undated one is known from then on)."""
        columns = [
            Position.person_id,
            Position.organization_id,
            Position.kind,
            Position.start_date,
            Position.end_date,
            Position.is_current,
            Position.title,
            Organization.industry,
        ]
        if seen:
            columns.append(Position.seen_on)
        return self._rows_of(
            select(*columns)
            .outerjoin(Organization, Organization.id == Position.organization_id)
            .where(
                Position.organization_id.is_not(None),
                Position.kind.in_(("job", "study", "group")),
            )
            .distinct(),
            Position.person_id,
            person_ids,
        )

    def person_fields(self, person_ids: Iterable[int], field: str) -> dict[int, str | None]:
        """One column of ``person`` (``industry`` or ``location``) per person."""
        column = {"industry": Person.industry, "location": Person.location}[field]
        return {
            pid: value
            for pid, value in self._rows_of(
                select(Person.id, column), Person.id, person_ids, held=None
            )
        }

    def relation_places(self, a: int, b: int) -> dict[int, list[Any]]:
        """Both people's positions with the organisation (for "worked with ... at")."""
        return self.places_of([a, b])

    def places_of(self, people: Iterable[int]) -> dict[int, list[Any]]:
        """Each person's positions with the organisation, as :meth:`relation_places`
        reads them, for many people in one read (the paths of a page explained at
        once), in the order of the positions' ids."""
        wanted = sorted(set(people))
        out: dict[int, list[Any]] = {p: [] for p in wanted}
        for row in self._rows_of(
            select(
                Position.person_id,
                Position.organization_id,
                Organization.name,
                Organization.kind,
                Position.kind.label("pkind"),
                Position.start_date,
                Position.end_date,
                Position.is_current,
            )
            .join(Organization, Organization.id == Position.organization_id)
            .order_by(Position.person_id, Position.id),
            Position.person_id,
            wanted,
        ):
            out[row.person_id].append(row)
        return out

    def places_in_common(self, a: int, b: int) -> list[tuple[str, str]]:
        """(kind, name) of the organisations, schools and groups both were part of."""
        rows = self._rows_of(
            select(Position.person_id, Organization.name, Position.kind).join(
                Organization, Organization.id == Position.organization_id
            ),
            Position.person_id,
            [a, b],
        )
        mine = {(kind, name) for pid, name, kind in rows if pid == a}
        theirs = {(kind, name) for pid, name, kind in rows if pid == b}
        order = {"job": 0, "study": 1, "group": 2}
        return sorted(mine & theirs, key=lambda x: (order.get(x[0], 3), x[1]))

    def org_names_shared(self, me: int, others: list[int]) -> dict[int, list[str]]:
        """For each of ``others``, the names of the organisations ``me`` was also at."""
        mine = {
            oid
            for _pid, oid in self._rows_of(
                select(Position.person_id, Position.organization_id).where(
                    Position.organization_id.is_not(None)
                ),
                Position.person_id,
                [me],
            )
        }
        if not mine or not others:
            return {}
        out: dict[int, list[str]] = {}
        for pid, name in self._rows_of(
            select(Position.person_id, Organization.name)
            .join(Organization, Organization.id == Position.organization_id)
            .where(Position.organization_id.in_(mine))
            .distinct(),
            Position.person_id,
            others,
        ):
            out.setdefault(pid, []).append(name)
        return out

    def tenure_rows(
        self, person_ids: Iterable[int], org_ids: Iterable[int], day: dt.date
    ) -> list[tuple[int, dt.date]]:
        """``(person, start)`` of the dated jobs at ``org_ids`` held on ``day``."""
        orgs = list(org_ids)
        return [
            (pid, begin)
            for pid, begin in self._rows_of(
                select(Position.person_id, Position.start_date)
                .where(
                    Position.organization_id.in_(orgs),
                    held_on(day, undated=True),
                    Position.kind == "job",
                    Position.start_date.is_not(None),
                )
                .distinct(),
                Position.person_id,
                person_ids,
            )
        ]

    def positions_at(
        self, org_ids: Iterable[int], *, former: bool, level: str, kinds: Iterable[str] = ("job",)
    ) -> list[Any]:
        """Positions of ``kinds`` (jobs unless told) at ``org_ids`` (current ones,
        and ended ones with ``former``) of the people the scope may show at
        ``level``: person_id, organization_id, name, title, start_date, end_date,
        is_current. A study is never marked current as a job is: it is current
        while its end is after the reader's date, or, with no end given, when it
        began less than :data:`STUDY_YEARS` years before (an open study begun
        longer ago is an end left out, not a student)."""
        today = self.now.date()
        recent = today.replace(year=today.year - STUDY_YEARS, day=min(today.day, 28))
        current = or_(
            Position.is_current.is_(True),
            and_(
                Position.kind == "study",
                or_(
                    Position.end_date > today,
                    and_(Position.end_date.is_(None), Position.start_date > recent),
                ),
            ),
        )
        query = (
            select(
                Position.person_id,
                Position.organization_id,
                Organization.name,
                Position.title,
                Position.start_date,
                Position.end_date,
                current.label("is_current"),
            )
            .join(Organization, Organization.id == Position.organization_id)
            .where(Position.organization_id.in_(list(org_ids)), Position.kind.in_(list(kinds)))
        )
        if not former:
            query = query.where(current)
        return self._visible_rows(query.distinct(), Position.person_id, level)

    def current_roles(self, person_ids: Iterable[int]) -> list[Any]:
        """Current jobs (person_id, organization_id, name, title, start_date, is_current)."""
        return self._rows_of(
            select(
                Position.person_id,
                Position.organization_id,
                Organization.name,
                Position.title,
                Position.start_date,
                Position.is_current,
            )
            .join(Organization, Organization.id == Position.organization_id, isouter=True)
            .where(Position.is_current.is_(True), Position.kind == "job")
            .distinct(),
            Position.person_id,
            person_ids,
        )

    def people_matching(self, what: str, text: str, level: str = "names") -> set[int]:
        """People the scope may show whose industry, location or skill (``what``)
        contains ``text`` — their own, or their current employer's; a skill also
        in a current title or the headline."""
        like = f"%{text.lower()}%"
        found: set[int] = set()
        if what == "industry":
            queries = [
                select(Position.person_id)
                .join(Organization, Organization.id == Position.organization_id)
                .where(
                    Position.is_current.is_(True),
                    Position.kind == "job",
                    func.lower(Organization.industry).like(like),
                ),
                select(Person.id).where(func.lower(Person.industry).like(like)),
            ]
        elif what == "location":
            queries = [
                select(Person.id).where(func.lower(Person.location).like(like)),
                select(Position.person_id)
                .join(Organization, Organization.id == Position.organization_id)
                .where(
                    Position.is_current.is_(True),
                    Position.kind == "job",
                    or_(
                        func.lower(Position.location).like(like),
                        func.lower(Organization.location).like(like),
                    ),
                ),
            ]
        elif what == "skill":
            needle = fold(text)
            for pid, name in self._visible_rows(
                select(Skill.person_id, Skill.name).where(func.lower(Skill.name).like(like)),
                Skill.person_id,
                level,
                held=None,
            ):
                if needle in fold(name):
                    found.add(pid)
            queries = [
                select(Position.person_id).where(
                    Position.is_current.is_(True), func.lower(Position.title).like(like)
                ),
                select(Person.id).where(func.lower(Person.headline).like(like)),
            ]
        else:
            raise ValueError(f"no filter {what!r}")
        for query in queries:
            column = query.selected_columns[0]
            held = Position if getattr(column, "table", None) is Position.__table__ else None
            found |= {r[0] for r in self._visible_rows(query, column, level, held)}
        return found

    def group_members(self, group_id: int, level: str = "names") -> set[int]:
        """Current members of a group the scope may show."""
        return {
            r[0]
            for r in self._visible_rows(
                select(Position.person_id).where(
                    Position.organization_id == group_id,
                    Position.kind == "group",
                    Position.is_current.is_(True),
                ),
                Position.person_id,
                level,
            )
        }

    def current_at(self, org_ids: Iterable[int]) -> dict[int, tuple[int, str | None]]:
        """Person -> (organisation, title) of the current jobs at ``org_ids``."""
        orgs = list(org_ids)
        if not orgs:
            return {}
        out: dict[int, tuple[int, str | None]] = {}
        for pid, oid, title in self._visible_rows(
            select(Position.person_id, Position.organization_id, Position.title).where(
                Position.organization_id.in_(orgs),
                Position.is_current.is_(True),
                Position.kind == "job",
            ),
            Position.person_id,
        ):
            if oid is not None:
                out[pid] = (oid, title)
        return out

    def current_groups(self, pid: int) -> dict[int, str]:
        """Group id -> name of the groups a person is in now."""
        return {
            oid: name
            for oid, name in self._rows_of(
                select(Position.organization_id, Organization.name)
                .join(Organization, Organization.id == Position.organization_id)
                .where(Position.kind == "group", Position.is_current.is_(True)),
                Position.person_id,
                [pid],
            )
        }

    def fellows(self, group_ids: Iterable[int], person_ids: Iterable[int]) -> list[tuple[int, int]]:
        """``(person, group)`` of ``person_ids`` currently in one of ``group_ids``."""
        groups = list(group_ids)
        return [
            (pid, gid)
            for pid, gid in self._rows_of(
                select(Position.person_id, Position.organization_id)
                .where(
                    Position.organization_id.in_(groups),
                    Position.kind == "group",
                    Position.is_current.is_(True),
                )
                .distinct(),
                Position.person_id,
                person_ids,
            )
            if gid is not None
        ]

    def person_card(self, pid: int) -> dict[str, Any]:
        """Name, first name and current job of one person the scope may name."""
        rows = self.person_rows([pid])
        row = rows.get(pid)
        if row is None:
            return {"id": pid, "name": None, "first_name": "", "org": None, "title": None}
        current = self._rows_of(
            select(Position.person_id, Organization.name, Position.title)
            .join(Organization, Organization.id == Position.organization_id)
            .where(Position.is_current.is_(True), Position.kind == "job")
            .order_by(Position.start_date.desc()),
            Position.person_id,
            [pid],
        )
        first = row.first_name or (row.display_name.split()[0] if row.display_name else "")
        return {
            "id": pid,
            "name": row.display_name,
            "first_name": first,
            "org": current[0].name if current else None,
            "title": current[0].title if current else None,
        }

    def member_places(
        self, kind: str
    ) -> list[tuple[int, int, dt.date | None, dt.date | None, bool, dt.date | None, str]]:
        """The member's own data's positions of one kind (for inferring ties):
        person, organisation, start, end, current, seen on, source."""
        member = self.scope.member_id
        if member is None:
            return []
        return [
            tuple(r)  # type: ignore[misc]
            for r in self.conn.execute(
                select(
                    Position.person_id,
                    Position.organization_id,
                    Position.start_date,
                    Position.end_date,
                    Position.is_current,
                    Position.seen_on,
                    Position.source,
                ).where(
                    Position.kind == kind,
                    Position.organization_id.is_not(None),
                    Position.asserted_by == member,
                )
            )
        ]


def _unique_rows(pairs: np.ndarray) -> np.ndarray:
    """The distinct rows of an n x 2 array, sorted: ``np.unique(pairs, axis=0)``
    without loading ``numpy.ma``, which numpy imports for it (a twentieth of a
    second of a graph query run from the command line)."""
    import numpy as np

    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    fresh = np.ones(len(pairs), dtype=bool)
    fresh[1:] = (pairs[1:] != pairs[:-1]).any(axis=1)
    return pairs[fresh]
