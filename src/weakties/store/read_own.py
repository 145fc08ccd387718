"""Scoped reads of a member's own rows (settings, asks, targets, labels) and of the
administrative listings (members, imports, match proposals).

A member's settings, asks, targets, follows, labels and "do not ask" marks are
theirs alone. Administrative listings show another member's figures only as far
as that member shares them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, or_, select

from weakties.errors import NotFoundError
from weakties.model.kinds import CONVERSATION_KINDS, PEOPLE_ORIGINS, SOCIAL_TIE_SOURCES
from weakties.model.tables import (
    Ask,
    DoNotAsk,
    Follow,
    ImportRun,
    Interaction,
    KnownPerson,
    MatchProposal,
    Member,
    Organization,
    Person,
    Setting,
    Target,
    Tie,
    TieLabel,
    table_of,
)
from weakties.store.read_orgs import OrgReads

__all__ = ["OwnReads"]


class OwnReads(OrgReads):
    """A member's own rows and the administrative listings (mixed into :class:`Reader`)."""

    def _member(self) -> int:
        member = self.scope.member_id
        if member is None:
            raise NotFoundError("this needs a member: say who is acting (--as NAME)")
        return member

    # -- settings -------------------------------------------------------------------
    def setting(self, key: str) -> str | None:
        """A setting of the database itself (``clock``, ``demo``)."""
        value = self.conn.execute(select(Setting.value).where(Setting.key == key)).scalar()
        return None if value is None else str(value)

    def member_setting(self, name: str, member_id: int | None = None) -> str | None:
        """A member's own setting ``name`` (``tie_model``, ``fitted_models``,
        ``tie_model_choice``, ``infer_ties``, ``report``, ``etiquette``): the
        viewer's, or the tie models, the choice between them and the inference
        setting of a member who shares by name (their ties are scored with them)."""
        member = self._member() if member_id is None else member_id
        allowed = member == self.scope.member_id or (
            name in ("tie_model", "fitted_models", "tie_model_choice", "infer_ties")
            and member in self.scope.names
        )
        if not (allowed or self.scope.is_operator):
            return None
        return self.setting(f"{name}:{member}")

    # -- asks, targets, follows, "do not ask" ------------------------------------------
    def asks(self, *, before: dt.datetime | None = None) -> list[Any]:
        """The member's asks (id, broker_id, target_person_id, target_org_id, status,
        asked_at, closed_at, text_hash), made before ``before`` if given."""
        query = select(
            Ask.id,
            Ask.broker_id,
            Ask.target_person_id,
            Ask.target_org_id,
            Ask.status,
            Ask.asked_at,
            Ask.closed_at,
            Ask.text_hash,
        ).where(Ask.member_id == self._member())
        if before is not None:
            query = query.where(Ask.asked_at <= before)
        return list(self.conn.execute(query))

    def ask(self, ask_id: int) -> Any | None:
        """One of the member's asks (id, status, closed_at), or None."""
        return self.conn.execute(
            select(Ask.id, Ask.status, Ask.closed_at).where(
                Ask.id == ask_id, Ask.member_id == self._member()
            )
        ).first()

    def ask_ledger(self) -> list[Any]:
        """The member's asks, newest first, with the broker's, target's and
        organisation's names."""
        broker = table_of(Person).alias("broker")
        target = table_of(Person).alias("target")
        return list(
            self.conn.execute(
                select(
                    Ask.id,
                    Ask.status,
                    Ask.purpose,
                    Ask.asked_at,
                    Ask.closed_at,
                    Ask.broker_id,
                    broker.c.display_name.label("broker"),
                    Ask.target_person_id,
                    target.c.display_name.label("target"),
                    Organization.name.label("org"),
                )
                .join(broker, broker.c.id == Ask.broker_id)
                .join(target, target.c.id == Ask.target_person_id, isouter=True)
                .join(Organization, Organization.id == Ask.target_org_id, isouter=True)
                .where(Ask.member_id == self._member())
                .order_by(Ask.asked_at.desc(), Ask.id.desc())
            )
        )

    def same_human(self, pid: int) -> set[int]:
        """``pid`` and every record that may be the same human, for the refusals of
        etiquette: those linked to it, directly or through others, by a match
        proposal, open or rejected. A rejection means "do not merge", not "lift
        the other record's refusals": the member who asks could otherwise reject
        a proposal to get around a "no" (an accepted proposal was merged)."""
        found = {pid}
        frontier = {pid}
        while frontier:
            rows = self.conn.execute(
                select(MatchProposal.person_id, MatchProposal.candidate_id).where(
                    MatchProposal.status.in_(("open", "rejected")),
                    or_(
                        MatchProposal.person_id.in_(frontier),
                        MatchProposal.candidate_id.in_(frontier),
                    ),
                )
            ).all()
            linked = {p for row in rows for p in row} - found
            found |= linked
            frontier = linked
        return found

    def matched_people(self) -> set[int]:
        """Everyone in a match proposal that :meth:`same_human` follows (open or
        rejected): anyone else is a human of one record."""
        rows = self.conn.execute(
            select(MatchProposal.person_id, MatchProposal.candidate_id).where(
                MatchProposal.status.in_(("open", "rejected"))
            )
        ).all()
        return {p for row in rows for p in row}

    def do_not_ask_marks(self, pids: Iterable[int]) -> list[tuple[int, bool, str | None]]:
        """The "do not ask" marks on any of ``pids`` that hold for the member:
        ``(person, set by themself, reason)`` — the member's own marks, and each
        person's own mark (it holds for everyone)."""
        wanted = set(pids)
        owners = dict(
            self.conn.execute(
                select(Member.id, Member.person_id).where(Member.person_id.in_(wanted))
            ).all()
        )
        rows = self.conn.execute(
            select(DoNotAsk.person_id, DoNotAsk.set_by, DoNotAsk.reason)
            .where(
                DoNotAsk.person_id.in_(wanted),
                or_(DoNotAsk.set_by == self._member(), DoNotAsk.set_by.in_(list(owners))),
            )
            .order_by(DoNotAsk.id)
        ).all()
        return [
            (pid, owners.get(set_by) == pid, reason)
            for pid, set_by, reason in rows
            if set_by == self._member() or owners.get(set_by) == pid
        ]

    def do_not_ask(self) -> set[int]:
        """People the member may not ask (marked by themselves or by the member)."""
        member = self._member()
        marks = self.conn.execute(select(DoNotAsk.person_id, DoNotAsk.set_by)).all()
        # the person of each member who set a mark (not every member's: a platform's
        # "who can introduce me" read 10,000 members to check a handful of marks)
        setters = {set_by for _pid, set_by in marks if set_by != member}
        own = (
            dict(
                self.conn.execute(
                    select(Member.id, Member.person_id).where(Member.id.in_(sorted(setters)))
                ).all()
            )
            if setters
            else {}
        )
        return {pid for pid, set_by in marks if set_by == member or own.get(set_by) == pid}

    def has_do_not_ask(self, pid: int) -> bool:
        return (
            self.conn.execute(
                select(DoNotAsk.id).where(
                    DoNotAsk.person_id == pid, DoNotAsk.set_by == self._member()
                )
            ).first()
            is not None
        )

    def watched(self) -> dict[int, str]:
        """Organisation id -> why the member watches it ("you target it (job)" /
        "you follow it")."""
        member = self._member()
        out: dict[int, str] = {}
        for oid in self.conn.execute(
            select(Follow.organization_id).where(
                Follow.member_id == member,
                Follow.organization_id.is_not(None),
                Follow.active.is_(True),
            )
        ).scalars():
            if oid is not None:
                out[oid] = "you follow it"
        for oid, purpose in self.conn.execute(
            select(Target.organization_id, Target.purpose).where(
                Target.member_id == member, Target.organization_id.is_not(None)
            )
        ):
            if oid is not None:
                out[oid] = f"you target it ({purpose})"
        return out

    def targets(self) -> list[Any]:
        """The member's targets (id, purpose, created_at, org, person), oldest first."""
        return list(
            self.conn.execute(
                select(
                    Target.id,
                    Target.purpose,
                    Target.created_at,
                    Organization.name.label("org"),
                    Person.display_name.label("person"),
                )
                .join(Organization, Organization.id == Target.organization_id, isouter=True)
                .join(Person, Person.id == Target.person_id, isouter=True)
                .where(Target.member_id == self._member())
                .order_by(Target.created_at)
            )
        )

    def target_id(self, *, org_id: int | None, person_id: int | None) -> int | None:
        column = Target.organization_id if org_id is not None else Target.person_id
        value = org_id if org_id is not None else person_id
        found = self.conn.execute(
            select(Target.id).where(Target.member_id == self._member(), column == value)
        ).scalar()
        return None if found is None else int(found)

    def tie_labels(self, *, before: dt.datetime | None = None) -> list[Any]:
        """The member's labels (person_id, label, closeness); with ``before``, those
        made on the data of that date or earlier (a label is stamped with the
        data's present when given)."""
        query = select(TieLabel.person_id, TieLabel.label, TieLabel.closeness).where(
            TieLabel.member_id == self._member()
        )
        if before is not None:
            query = query.where(TieLabel.created_at <= before)
        return list(self.conn.execute(query))

    # -- administration ----------------------------------------------------------------
    def members(self) -> list[dict[str, Any]]:
        """Every member the reader may show (not one of its ``hidden`` people: a
        member behind a block, either way, or suspended), with how many people
        their data knows — a figure shown only for the viewer and for members who
        share at least counts."""
        known = (
            select(KnownPerson.member_id, func.count().label("n"))
            .group_by(KnownPerson.member_id)
            .subquery()
        )
        rows = []
        for mid, pid, handle, name, sharing, n in self.conn.execute(
            select(
                Member.id,
                Member.person_id,
                Member.handle,
                Person.display_name,
                Member.sharing,
                known.c.n,
            )
            .join(Person, Person.id == Member.person_id)
            .outerjoin(known, known.c.member_id == Member.id)
            .order_by(Member.id)
        ):
            if pid in self.hidden and pid != self.scope.person_id:
                continue
            shown = self.scope.is_operator or mid in self.scope.counts
            rows.append(
                {
                    "handle": handle,
                    "name": name,
                    "sharing": sharing,
                    "people": (n or 0) if shown else None,
                }
            )
        return rows

    def member_rows(self) -> list[tuple[int, int, str]]:
        """(member id, person id, sharing level) of every member."""
        return [
            (m, p, s)
            for m, p, s in self.conn.execute(
                select(Member.id, Member.person_id, Member.sharing).order_by(Member.id)
            )
        ]

    def imports(self) -> list[dict[str, Any]]:
        """The import history: the viewer's own runs in full; those of members who
        share at least counts without the file's path; none of the others."""
        rows = []
        for run in self.conn.execute(
            select(*table_of(ImportRun).c, Member.handle)
            .outerjoin(Member, Member.id == ImportRun.member_id)
            .order_by(ImportRun.id)
        ):
            own = self.scope.is_operator or (
                run.member_id is not None and run.member_id == self.scope.member_id
            )
            if not own and run.member_id not in self.scope.counts:
                continue
            counts = json.loads(run.counts) if run.counts else {}
            rows.append(
                {
                    "id": run.id,
                    "member": run.handle,
                    "kind": run.source_kind,
                    "path": run.path if own else None,
                    "export_date": run.export_date.isoformat() if run.export_date else None,
                    "finished": run.finished_at.isoformat(timespec="seconds")
                    if run.finished_at
                    else None,
                    "added": counts.get("added", {}),
                }
            )
        return rows

    def people_by_origin(self) -> dict[str, set[int]]:
        """The people of the member's own data by how they are known, each in the
        first that applies, in the order LinkedIn counts: ``connections`` (a
        LinkedIn or platform connection), ``address_book``, ``only_messaged``
        (in touch — message, e-mail, meeting, call — with no tie),
        ``invitations`` (an invitation only), ``others`` (everyone else the data
        mentions: endorsements, recommendations, follows, manual ties, people in
        the same threads); never a hidden person."""
        me, member = self.scope.person_id, self.scope.member_id
        if me is None or member is None:
            return {k: set() for k in PEOPLE_ORIGINS}
        by_source: dict[str, set[int]] = {}
        for a, b, source in self.conn.execute(
            self.where(
                select(Tie.person_a_id, Tie.person_b_id, Tie.source).where(
                    or_(Tie.person_a_id == me, Tie.person_b_id == me),
                    Tie.source.in_(SOCIAL_TIE_SOURCES),
                    Tie.ended_at.is_(None),
                ),
                self.tie_visible("names"),
            )
        ):
            by_source.setdefault(source, set()).add(b if a == me else a)
        by_kind: dict[str, set[int]] = {}
        for sender, recipient, kind in self.conn.execute(
            select(Interaction.sender_id, Interaction.recipient_id, Interaction.kind)
            .where(
                Interaction.asserted_by == member,
                or_(Interaction.sender_id == me, Interaction.recipient_id == me),
            )
            .distinct()
        ):
            other = recipient if sender == me else sender
            if other is not None and other != me:
                by_kind.setdefault(kind, set()).add(other)
        out: dict[str, set[int]] = {}
        out["connections"] = by_source.get("connection", set()) | by_source.get("platform", set())
        out["address_book"] = by_source.get("address_book", set()) - out["connections"]
        tied = out["connections"] | out["address_book"]
        talked = set().union(*(by_kind.get(k, set()) for k in CONVERSATION_KINDS))
        out["only_messaged"] = talked - tied
        out["invitations"] = by_kind.get("invitation", set()) - tied - talked
        seen = set().union(*out.values())
        everyone = (
            self.own_people() | by_source.get("manual", set()) | set().union(*by_kind.values())
        )
        out["others"] = everyone - seen - {me}
        return {k: v - self.hidden for k, v in out.items()}

    def data_date(self) -> dt.date | None:
        """The export date of the member's newest import (of any member's for the
        operator and the shared view), None without a dated import."""
        query = select(func.max(ImportRun.export_date)).where(ImportRun.finished_at.is_not(None))
        if self.scope.member_id is not None:
            query = query.where(ImportRun.member_id == self.scope.member_id)
        value = self.conn.execute(query).scalar()
        return value if isinstance(value, dt.date) else None

    def active_since(self, when: dt.datetime) -> bool:
        """Whether anything the data's present depends on was recorded at or after
        ``when``: for a member, a tie of theirs that began then (a connection made
        on the platform), an interaction they took part in (a message, an
        invitation) of their own data or of the platform's, or one of their
        asks; for the operator and the shared view, anyone's platform tie or
        platform interaction (and, for the operator, anyone's ask)."""
        me, member = self.scope.person_id, self.scope.member_id
        ties = select(Tie.id).where(Tie.since >= when)
        traces: Any = select(Interaction.id).where(Interaction.occurred_at >= when)
        asks: Any = select(Ask.id).where(Ask.asked_at >= when)
        if member is not None and me is not None:
            ties = ties.where(
                or_(Tie.person_a_id == me, Tie.person_b_id == me),
                or_(Tie.asserted_by == member, Tie.source == "platform"),
            )
            traces = traces.where(
                or_(Interaction.sender_id == me, Interaction.recipient_id == me),
                or_(Interaction.asserted_by == member, Interaction.channel == "platform"),
            )
            asks = asks.where(Ask.member_id == member)
        elif not self.scope.is_operator:
            ties = ties.where(Tie.source == "platform")
            traces = traces.where(Interaction.channel == "platform")
            asks = None  # a member's asks are theirs alone
        # A member's own traces are most of the interaction table, and the
        # planner reaches them through the person indexes, reading every one of
        # them (300,000 rows for a large export) to find none after an old
        # export: the date's own index says first whether anything was recorded
        # since at all.
        since = select(Interaction.id).where(Interaction.occurred_at >= when).limit(1)
        if self.conn.execute(since).first() is None:
            traces = None
        return any(
            self.conn.execute(query.limit(1)).first() is not None
            for query in (ties, traces, asks)
            if query is not None
        )

    def proposals(self, *, status: str = "open") -> list[dict[str, Any]]:
        """Match proposals whose two records the scope may both name."""
        rows = []
        found = list(
            self.conn.execute(
                select(*table_of(MatchProposal).c)
                .where(MatchProposal.status == status)
                .order_by(MatchProposal.confidence.desc(), MatchProposal.id)
            )
        )
        names = self.names({p.person_id for p in found} | {p.candidate_id for p in found})
        for p in found:
            if p.person_id not in names or p.candidate_id not in names:
                continue
            rows.append(
                {
                    "id": p.id,
                    "a": {"id": p.person_id, "name": names.get(p.person_id)},
                    "b": {"id": p.candidate_id, "name": names.get(p.candidate_id)},
                    "confidence": p.confidence,
                    "reason": p.reason,
                    "status": p.status,
                }
            )
        return rows

    def proposal(self, proposal_id: int) -> tuple[int, int]:
        """The two records of an open proposal the scope may act on.

        Raises
        ------
        NotFoundError
            No such open proposal, or one about someone the scope may not name.
        """
        row = self.conn.execute(
            select(MatchProposal.person_id, MatchProposal.candidate_id).where(
                MatchProposal.id == proposal_id, MatchProposal.status == "open"
            )
        ).first()
        if row is None or not (self.may_show(row.person_id) and self.may_show(row.candidate_id)):
            raise NotFoundError(f"no open proposal #{proposal_id}")
        return int(row.person_id), int(row.candidate_id)
