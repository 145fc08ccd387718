"""The state of one import, shared by the per-file readers of every source.

Everything happens on one connection inside one transaction: if any file fails,
the whole import is rolled back and the database is exactly as before.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, or_, select, update

from weakties.ingest.batch import BatchWriter
from weakties.ingest.resolve import OrgResolver, PersonResolver, clip, natural_key
from weakties.model.identity import fold
from weakties.model.tables import Event, Interaction, Organization, Position, Tie, table_of, utcnow
from weakties.store.events import career_event

__all__ = ["CACHE_ENTRIES", "FileReport", "ImportContext", "PidSet"]

# Entries the caches of one import may hold before a checkpoint writes what is
# queued and forgets them (about 100 MB): 30,000 connections and 300,000
# messages stay well under it, a 3.5 million-row list does not.
CACHE_ENTRIES = 300_000


class PidSet:
    """A set of person ids as a bitmap: one bit per id instead of ~60 bytes, for
    the sets that grow with the rows of a file (who a connections list names).

    >>> ids = PidSet([3, 17]); ids.add(1000); (17 in ids, 4 in ids, sorted(ids))
    (True, False, [3, 17, 1000])
    """

    def __init__(self, ids: Iterable[int] = ()):
        self._bits = bytearray()
        self._count = 0
        for pid in ids:
            self.add(pid)

    def add(self, pid: int) -> None:
        byte, bit = divmod(pid, 8)
        if byte >= len(self._bits):
            self._bits.extend(bytes(max(byte + 1 - len(self._bits), len(self._bits))))
        if not self._bits[byte] >> bit & 1:
            self._bits[byte] |= 1 << bit
            self._count += 1

    def __contains__(self, pid: object) -> bool:
        if not isinstance(pid, int) or pid < 0:
            return False
        byte, bit = divmod(pid, 8)
        return byte < len(self._bits) and bool(self._bits[byte] >> bit & 1)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[int]:
        for byte, value in enumerate(self._bits):
            if value:
                for bit in range(8):
                    if value >> bit & 1:
                        yield byte * 8 + bit


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
    read_as: list[str] = field(default_factory=list)  # detected: delimiter, encoding, dates

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "status": self.status,
            "version": self.version,
            "read_as": self.read_as,
            "rows": self.rows,
            "skipped": dict(self.skipped),
            "traces": self.traces,
        }


@dataclass
class ObservedJob:
    org_id: int | None
    title: str | None


_INTERACTION_TABLE = table_of(Interaction)
INTERACTION_COLUMNS = (
    "kind",
    "channel",
    "sender_id",
    "recipient_id",
    "occurred_at",
    "group_size",
    "conversation",
    "detail",
    "status",
    "subject",
    "content",
    "asserted_by",
    "import_run_id",
    "natural_key",
)


class ImportContext:
    """Shared helpers: resolvers, batched writes of traces, ties, positions, events.

    Writes are queued in a :class:`~weakties.ingest.batch.BatchWriter`; what an
    importer must read back during the import (the member's ties, people's current
    observed jobs) is kept in memory, loaded once or per chunk with ``prefetch``.
    """

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
        history_end: dt.date | None = None,
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
        # In history mode: the date of the first connections list imported after
        # this export. Someone this export lists and no later list does was gone
        # by then, the date a diff of the lists in their order would have recorded.
        self.history_end = history_end
        self.writer = BatchWriter(conn)
        self.people = PersonResolver(conn, member_id, self_pid, run_id=run_id, writer=self.writer)
        self.clipped = self.people.clipped  # values cut to their column's length
        self.orgs = OrgResolver(conn, self.writer, self.clipped)
        self.events = 0
        self._progress = progress
        self._ticks = 0
        self._org_names: dict[int, str] = {}
        self._ties: dict[tuple[int, int, str], list[Any]] | None = None
        self._all_ties = False  # every tie of the member is in self._ties
        self._tie_pairs: set[int] = set()  # others whose ties with the member are loaded
        self._jobs: dict[int, list[list[Any]]] = {}  # person -> current observed jobs

    def clip(self, value: str | None, limit: int, what: str) -> str | None:
        """A text cut to its column's length, counted for the summary's warnings."""
        return clip(value, limit, what, self.clipped)

    def warnings(self) -> list[str]:
        """What the summary should say was changed on the way in."""
        # a counter's name says what became of the values ("...: not kept"),
        # else they were cut to their column's length
        return [
            f"{n:,} {what}" if ": " in what else f"{n:,} {what}: cut to fit"
            for what, n in sorted(self.clipped.items())
        ]

    # -- progress ---------------------------------------------------------------
    def tick(self, rows: int = 1) -> None:
        """Count rows done; the progress callback hears of them every 2,000 rows."""
        self._ticks += rows
        if self._ticks >= 2000 or rows == 0:
            if self._progress is not None and self._ticks:
                self._progress(self._ticks)
            self._ticks = 0

    def flush(self) -> None:
        self.writer.flush()
        self.tick(0)

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
        keep = self.keep_content
        self.writer.add_values(
            _INTERACTION_TABLE,
            INTERACTION_COLUMNS,
            (
                kind,
                channel,
                sender,
                recipient,
                when,
                group_size,
                conversation,
                detail[:500] if detail else None,
                status[:30] if status else None,
                subject if keep else None,
                content if keep else None,
                self.member_id,
                self.run_id,
                natural_key(kind, *key),
            ),
        )

    # -- bounded memory ---------------------------------------------------------------
    def checkpoint(self) -> None:
        """Between two chunks of rows: when the caches have grown past
        :data:`CACHE_ENTRIES`, write what is queued and forget them; they are
        reloaded from the database as needed. Memory stays bounded whatever the
        size of the file; an import of ordinary size never gets here."""
        ties = len(self._ties) if self._ties is not None else 0
        if self.people.cached() + ties + len(self._jobs) < CACHE_ENTRIES:
            return
        self.people.trim()  # flushes the writer first
        self._ties = {}
        self._all_ties = False
        self._tie_pairs.clear()
        self._jobs.clear()

    # -- ties -----------------------------------------------------------------------
    _TIE_COLUMNS = (Tie.id, Tie.person_a_id, Tie.person_b_id, Tie.source, Tie.ended_at, Tie.since)

    def _load_ties(self) -> dict[tuple[int, int, str], list[Any]]:
        if self._ties is None:
            self._ties = {
                (a, b, source): [tid, ended, since]
                for tid, a, b, source, ended, since in self.conn.execute(
                    select(*self._TIE_COLUMNS).where(Tie.asserted_by == self.member_id)
                )
            }
            self._all_ties = True
        return self._ties

    def prefetch_ties(self, others: Collection[int]) -> None:
        """The member's ties with ``others`` (after a checkpoint, when not every
        tie is in memory any more): one query for a chunk of rows."""
        if self._ties is None or self._all_ties:
            return
        wanted = sorted({o for o in others if o != self.self_pid} - self._tie_pairs)
        me = self.self_pid
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            self._tie_pairs.update(chunk)
            for tid, a, b, source, ended, since in self.conn.execute(
                select(*self._TIE_COLUMNS).where(
                    Tie.asserted_by == self.member_id,
                    or_(
                        and_(Tie.person_a_id == me, Tie.person_b_id.in_(chunk)),
                        and_(Tie.person_b_id == me, Tie.person_a_id.in_(chunk)),
                    ),
                )
            ):
                self._ties[(a, b, source)] = [tid, ended, since]

    def _known_tie(self, a: int, b: int, source: str) -> list[Any] | None:
        ties = self._load_ties()
        known = ties.get((a, b, source))
        if known is not None or self._all_ties:
            return known
        other = b if a == self.self_pid else a if b == self.self_pid else None
        if other is not None and other in self._tie_pairs:
            return None
        row = self.conn.execute(
            select(*self._TIE_COLUMNS).where(
                Tie.asserted_by == self.member_id,
                Tie.person_a_id == a,
                Tie.person_b_id == b,
                Tie.source == source,
            )
        ).first()
        if row is None:
            return None
        ties[(a, b, source)] = [row.id, row.ended_at, row.since]
        return ties[(a, b, source)]

    def tie(
        self,
        other: int,
        source: str,
        since: dt.datetime | None,
        *,
        confidence: float = 1.0,
        owner: int | None = None,
        reopen: bool = True,
        ended: dt.datetime | None = None,
    ) -> str:
        """Record a tie between ``owner`` (default: the member) and ``other``.

        ``ended`` makes a new tie one that has already ended (an older export's
        connection absent from the newer ones); a known tie keeps its end.
        Returns ``"new"``, ``"reopened"`` (it had ended; only with ``reopen``) or
        ``"known"``.
        """
        me = self.self_pid if owner is None else owner
        if other == me:
            return "known"
        a, b = sorted((me, other))
        known = self._known_tie(a, b, source)
        if known is None:
            self._load_ties()[(a, b, source)] = [None, ended, since]
            self.writer.add(
                table_of(Tie),
                {
                    "person_a_id": a,
                    "person_b_id": b,
                    "source": source,
                    "asserted_by": self.member_id,
                    "since": since,
                    "ended_at": ended,
                    "confidence": confidence,
                    "created_at": utcnow(),
                },
            )
            return "new"
        tid, ended, known_since = known
        values: dict[str, Any] = {}
        reopened = reopen and ended is not None
        if reopened:
            values["ended_at"] = None
            known[1] = None
        if since is not None and (known_since is None or since < known_since):
            values["since"] = since
            known[2] = since
        if values and tid is not None:
            self.conn.execute(update(Tie).where(Tie.id == tid).values(**values))
        return "reopened" if reopened else "known"

    def end_tie(self, other: int, source: str, when: dt.datetime) -> None:
        a, b = sorted((self.self_pid, other))
        known = self._known_tie(a, b, source)
        if known is None or known[0] is None:
            return
        known[1] = when
        self.conn.execute(update(Tie).where(Tie.id == known[0]).values(ended_at=when))

    # -- events ---------------------------------------------------------------------
    def event(
        self, person: int, kind: str, occurred_on: dt.date | None, detail: dict[str, Any]
    ) -> None:
        self.writer.add(
            table_of(Event),
            {
                "member_id": self.member_id,
                "person_id": person,
                "kind": kind,
                "occurred_on": occurred_on,
                "detected_at": utcnow(),
                "detail": json.dumps(detail, default=str, ensure_ascii=False),
                "import_run_id": self.run_id,
            },
        )
        self.events += 1

    def org_name(self, org_id: int | None) -> str | None:
        if org_id is None:
            return None
        if org_id in self.orgs.names:
            return self.orgs.names[org_id]
        if org_id not in self._org_names:
            self._org_names[org_id] = self.conn.execute(
                select(Organization.name).where(Organization.id == org_id)
            ).scalar_one()
        return self._org_names[org_id]

    # -- positions ------------------------------------------------------------------
    def prefetch_jobs(self, persons: list[int]) -> None:
        """Load the current observed jobs of ``persons`` (before observing a chunk)."""
        wanted = sorted({p for p in persons if p not in self._jobs})
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            for pid in chunk:
                self._jobs[pid] = []
            for pos_id, pid, org_id, title, seen_on in self.conn.execute(
                select(
                    Position.id,
                    Position.person_id,
                    Position.organization_id,
                    Position.title,
                    Position.seen_on,
                ).where(
                    Position.person_id.in_(chunk),
                    Position.source == "observed",
                    Position.is_current.is_(True),
                    # each member's data keeps its own observations: another
                    # member's (which may be shared with nobody) neither stands
                    # for this one's nor is ended by it
                    Position.asserted_by == self.member_id,
                )
            ):
                self._jobs[pid].append([pos_id, org_id, title, seen_on])

    def observe_job(
        self,
        person: int,
        company: str | None,
        title: str | None,
        seen_on: dt.date,
        source: str,
        *,
        fields: Collection[str] = ("company", "title"),
        current: bool = True,
        news: bool = True,
    ) -> None:
        """Record that ``person`` works at ``company`` as ``title`` on ``seen_on``.

        Observations come from other people's lists (a connections file), so they
        carry no start date. A different job than the current observation, seen
        later, closes the old one and records a career event: a move to another
        employer, a title change, a departure with no new employer, or a start.

        Parameters
        ----------
        fields : collection of str
            What the source states, among ``"company"`` and ``"title"`` (a list
            re-saved by Excel may have lost a column). A field it lacks is never
            compared: it is carried over from the current observation (a title
            is unknown at a new employer); with no current observation, a job
            without its employer is not recorded.
        current : bool
            ``False`` records a past job (someone an older export lists and the
            newer ones do not): kept as history, never current, never news.
        news : bool
            ``False`` records no career event (an older export is history).
        """
        company = " ".join((company or "").split()) or None
        title = self.clip(" ".join((title or "").split()) or None, 500, "job title")
        if person not in self._jobs:
            self.prefetch_jobs([person])
        jobs = self._jobs[person]
        last = max(jobs, key=lambda job: job[3] or dt.date.min) if jobs else None
        if "company" not in fields:
            if last is None or not current:
                return  # a title alone would later read as "no employer"
            org_id = last[1]
        else:
            org_id = self.orgs.resolve(company) if company else None
        if "title" not in fields:
            title = last[2] if current and last is not None and last[1] == org_id else None
        for job in jobs:
            if job[1] == org_id and fold(job[2] or "") == fold(title or ""):
                if current and (job[3] is None or seen_on > job[3]):
                    job[3] = seen_on
                    if job[0] is not None:
                        self.conn.execute(
                            update(Position).where(Position.id == job[0]).values(seen_on=seen_on)
                        )
                return
        if current and any(job[3] is not None and job[3] > seen_on for job in jobs):
            return  # an older export than what we know: history, not news
        if current:
            for job in jobs:
                if job[0] is not None:
                    self.conn.execute(
                        update(Position)
                        .where(Position.id == job[0])
                        .values(is_current=False, end_date=seen_on, end_precision="day")
                    )
        self.writer.add(
            table_of(Position),
            {
                "person_id": person,
                "organization_id": org_id,
                "kind": "job",
                "title": title,
                "is_current": current,
                "seen_on": seen_on,
                "source": "observed",
                "asserted_by": self.member_id,
                "natural_key": natural_key(
                    "observed", person, org_id, fold(title or ""), seen_on, self.member_id
                ),
            },
        )
        if not current:
            return
        self._jobs[person] = [[None, org_id, title, seen_on]]
        if last is not None and news:
            before = last
            kind = career_event(before[1], before[2], org_id, title)
            if kind:
                self.event(
                    person,
                    kind,
                    seen_on,
                    {
                        "from": {
                            "org": self.org_name(before[1]),
                            "org_id": before[1],
                            "title": before[2],
                        },
                        "to": {"org": self.org_name(org_id), "org_id": org_id, "title": title},
                        "between": [before[3], seen_on],
                        "source": source,
                    },
                )
