"""The state of one import, shared by the per-file readers of every source.

Everything happens on one connection inside one transaction: if any file fails,
the whole import is rolled back and the database is exactly as before.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from weakties.ingest.resolve import OrgResolver, PersonResolver, insert_ignore, natural_key
from weakties.model.identity import fold
from weakties.model.tables import Event, Interaction, Organization, Position, Tie, utcnow
from weakties.store.errors import InputError

__all__ = ["FileReport", "ImportContext"]

FLUSH_EVERY = 5000


@dataclass
class FileReport:
    """What happened to one file of an import (shown in the summary table)."""

    name: str
    kind: str | None
    status: str  # imported / unchanged / ignored / unknown
    version: str | None = None
    rows: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    traces: int = 0  # interactions, ties or records derived from the rows

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "status": self.status,
            "version": self.version,
            "rows": self.rows,
            "skipped": dict(self.skipped),
            "traces": self.traces,
        }


@dataclass
class ObservedJob:
    org_id: int | None
    title: str | None


class ImportContext:
    """Shared helpers: resolvers, batched interaction writes, ties, positions, events."""

    def __init__(
        self,
        conn: Connection,
        *,
        member_id: int,
        self_pid: int,
        run_id: int,
        export_date: dt.date,
        keep_content: bool = False,
        connections_mode: str = "baseline",
        progress: Callable[[int], None] | None = None,
    ):
        self.conn = conn
        self.member_id = member_id
        self.self_pid = self_pid
        self.run_id = run_id
        self.export_date = export_date
        self.keep_content = keep_content
        # How a connections list relates to what is known: the first one ("baseline":
        # no events), a newer one ("diff": events), or an older one ("history").
        self.connections_mode = connections_mode
        self.people = PersonResolver(conn, member_id, self_pid, run_id=run_id)
        self.orgs = OrgResolver(conn)
        self.events = 0
        self._interactions: list[dict[str, Any]] = []
        self._progress = progress
        self._org_names: dict[int, str] = {}

    # -- progress ---------------------------------------------------------------
    def tick(self, rows: int = 1) -> None:
        if self._progress is not None:
            self._progress(rows)

    # -- interactions -------------------------------------------------------------
    def interaction(
        self,
        kind: str,
        sender: int | None,
        recipient: int | None,
        when: dt.datetime | None,
        *,
        key: tuple[object, ...],
        group_size: int = 1,
        conversation: str | None = None,
        detail: str | None = None,
        status: str | None = None,
        subject: str | None = None,
        content: str | None = None,
        channel: str = "linkedin",
    ) -> None:
        """Queue one trace; its natural key makes re-imports no-ops."""
        self._interactions.append(
            {
                "kind": kind,
                "channel": channel,
                "sender_id": sender,
                "recipient_id": recipient,
                "occurred_at": when,
                "group_size": group_size,
                "conversation": conversation,
                "detail": detail[:500] if detail else None,
                "status": status,
                "subject": subject if self.keep_content else None,
                "content": content if self.keep_content else None,
                "asserted_by": self.member_id,
                "import_run_id": self.run_id,
                "natural_key": natural_key(kind, *key),
            }
        )
        if len(self._interactions) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if self._interactions:
            self.conn.execute(insert_ignore(self.conn, Interaction.__table__), self._interactions)
            self._interactions.clear()
        self.people.flush_known()

    # -- ties -----------------------------------------------------------------------
    def tie(
        self,
        other: int,
        source: str,
        since: dt.datetime | None,
        *,
        confidence: float = 1.0,
        owner: int | None = None,
        reopen: bool = True,
    ) -> str:
        """Record a tie between ``owner`` (default: the member) and ``other``.

        Returns ``"new"``, ``"reopened"`` (it had ended; only with ``reopen``) or
        ``"known"``.
        """
        me = self.self_pid if owner is None else owner
        if other == me:
            return "known"
        a, b = sorted((me, other))
        row = self.conn.execute(
            select(Tie.id, Tie.ended_at, Tie.since).where(
                Tie.person_a_id == a,
                Tie.person_b_id == b,
                Tie.source == source,
                Tie.asserted_by == self.member_id,
            )
        ).first()
        if row is None:
            self.conn.execute(
                Tie.__table__.insert().values(
                    person_a_id=a,
                    person_b_id=b,
                    source=source,
                    asserted_by=self.member_id,
                    since=since,
                    confidence=confidence,
                    created_at=utcnow(),
                )
            )
            return "new"
        values: dict[str, Any] = {}
        reopened = reopen and row.ended_at is not None
        if reopened:
            values["ended_at"] = None
        if since is not None and (row.since is None or since < row.since):
            values["since"] = since
        if values:
            self.conn.execute(Tie.__table__.update().where(Tie.id == row.id).values(**values))
        return "reopened" if reopened else "known"

    # -- events ---------------------------------------------------------------------
    def event(
        self, person: int, kind: str, occurred_on: dt.date | None, detail: dict[str, Any]
    ) -> None:
        self.conn.execute(
            Event.__table__.insert().values(
                member_id=self.member_id,
                person_id=person,
                kind=kind,
                occurred_on=occurred_on,
                detected_at=utcnow(),
                detail=json.dumps(detail, default=str, ensure_ascii=False),
                import_run_id=self.run_id,
            )
        )
        self.events += 1

    def org_name(self, org_id: int | None) -> str | None:
        if org_id is None:
            return None
        if org_id not in self._org_names:
            self._org_names[org_id] = self.conn.execute(
                select(Organization.name).where(Organization.id == org_id)
            ).scalar_one()
        return self._org_names[org_id]

    # -- positions ------------------------------------------------------------------
    def observe_job(
        self, person: int, company: str | None, title: str | None, seen_on: dt.date, source: str
    ) -> None:
        """Record that ``person`` works at ``company`` as ``title`` on ``seen_on``.

        Observations come from other people's lists (a connections file), so they
        carry no start date. A different job than the current observation, seen
        later, closes the old one and records a career event: a move to another
        employer, a title change, a departure with no new employer, or a start.
        """
        company = " ".join((company or "").split()) or None
        title = " ".join((title or "").split()) or None
        org_id = self.orgs.resolve(company) if company else None
        current = self.conn.execute(
            select(Position.id, Position.organization_id, Position.title, Position.seen_on).where(
                Position.person_id == person,
                Position.source == "observed",
                Position.is_current.is_(True),
            )
        ).all()
        for row in current:
            if row.organization_id == org_id and fold(row.title or "") == fold(title or ""):
                if row.seen_on is None or seen_on > row.seen_on:
                    self.conn.execute(
                        Position.__table__.update()
                        .where(Position.id == row.id)
                        .values(seen_on=seen_on)
                    )
                return
        if any(row.seen_on is not None and row.seen_on > seen_on for row in current):
            return  # an older export than what we know: history, not news
        for row in current:
            self.conn.execute(
                Position.__table__.update()
                .where(Position.id == row.id)
                .values(is_current=False, end_date=seen_on, end_precision="day")
            )
        self.conn.execute(
            insert_ignore(self.conn, Position.__table__).values(
                person_id=person,
                organization_id=org_id,
                kind="job",
                title=title,
                is_current=True,
                seen_on=seen_on,
                source="observed",
                asserted_by=self.member_id,
                natural_key=natural_key("observed", person, org_id, fold(title or ""), seen_on),
            )
        )
        if current:
            before = current[0]
            kind = _career_event(before.organization_id, before.title, org_id, title)
            if kind:
                self.event(
                    person,
                    kind,
                    seen_on,
                    {
                        "from": {
                            "org": self.org_name(before.organization_id),
                            "title": before.title,
                        },
                        "to": {"org": self.org_name(org_id), "title": title},
                        "between": [before.seen_on, seen_on],
                        "source": source,
                    },
                )

    def fail(self, message: str, *, file: str, line: int, field: str | None = None) -> InputError:
        return InputError(message, file=file, line=line, field=field)


def _career_event(
    old_org: int | None, old_title: str | None, new_org: int | None, new_title: str | None
) -> str | None:
    if old_org != new_org:
        if new_org is None:
            return "left_company"
        if old_org is None:
            return "started_job"
        return "career_move"
    if fold(old_title or "") != fold(new_title or ""):
        return "title_change"
    return None
