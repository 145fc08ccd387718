"""One import, whatever the source: member, transaction, provenance, summary.

Every importer turns its input into *jobs* (one per file, in processing order)
and hands them to :func:`execute`, which

- finds or creates the member (a new member is first looked for among known
  persons, so that a member who was somebody's contact is the same person);
- skips files whose content hash was already imported for this member, so that
  importing the same data again changes nothing (and records no run);
- runs every job inside one transaction — any error rolls everything back;
- records the run and its files (``import_run``, ``import_file``) and returns a
  summary with what each file gave and how many rows each table gained.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from weakties.ingest.context import FileReport, ImportContext
from weakties.ingest.resolve import PersonResolver
from weakties.ingest.sources import SourceFile
from weakties.model import tables as t
from weakties.model.identity import display_name, name_key
from weakties.model.orgnames import org_key
from weakties.store import clock
from weakties.store.engine import Store
from weakties.store.errors import InputError

__all__ = [
    "ImportSummary",
    "Job",
    "OwnerMismatch",
    "Progress",
    "SelfInfo",
    "choose_member",
    "execute",
]


class OwnerMismatch(InputError):
    """The export is someone else's: ``owner`` (the export's) is not ``member_name``
    (the member's), so that each face can say what to do in its own words."""

    def __init__(self, message: str, *, owner: str, member_name: str):
        super().__init__(message)
        self.owner = owner
        self.member_name = member_name


COUNTED_TABLES = (
    t.Person,
    t.Identity,
    t.Organization,
    t.Position,
    t.Tie,
    t.Interaction,
    t.Event,
    t.Follow,
    t.Skill,
    t.MatchProposal,
)


@dataclass
class SelfInfo:
    """What an input says about its owner (the importing member)."""

    first: str | None = None
    last: str | None = None
    names: set[str] = field(default_factory=set)  # name keys
    slugs: set[str] = field(default_factory=set)
    urns: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    companies: list[str] = field(default_factory=list)  # current employers
    # found only as "the participant of the most conversations" (see check_owner)
    guessed: bool = False
    # with a guess: everyone the sampled messages name (profile slugs, name keys),
    # so that a member who takes part in them is never refused on a wrong guess
    seen_slugs: set[str] = field(default_factory=set)
    seen_names: set[str] = field(default_factory=set)

    @property
    def display(self) -> str:
        return display_name(self.first, self.last)

    def add_name(self, full: str) -> None:
        key = name_key(full)
        if key:
            self.names.add(key)
            if self.first is None and self.last is None:
                first, _, last = full.strip().partition(" ")
                self.first, self.last = first or None, last or None


# (file name, rows read since the last call, bytes read so far, bytes to read)
Progress = Callable[[str, int, int, int], None]


@dataclass
class Job:
    """One file to import: ``run(ctx, report)`` reads it and fills the report."""

    source: SourceFile
    kind: str
    run: Callable[[ImportContext, FileReport], str | None]  # returns the version read


@dataclass
class ImportSummary:
    member: str
    source: str
    export_date: dt.date | None
    files: list[FileReport]
    added: dict[str, int] = field(default_factory=dict)
    run_id: int | None = None
    unchanged: bool = False
    seconds: float = 0.0
    export_date_source: str | None = None  # how the date was found, in words
    #: how the date was found, as a code (``given``, ``name``, ``newest``, ``today``:
    #: :data:`weakties.ingest.linkedin.importer.DATE_FOUND`), and from what (the
    #: name, or the file whose newest date it is)
    export_date_how: str | None = None
    export_date_from: str | None = None
    warnings: list[str] = field(default_factory=list)
    # the member's people after the import, as LinkedIn counts them (connections
    # first); filled in by the command line, which reads them through the service
    people: dict[str, int] = field(default_factory=dict)

    @property
    def ignored(self) -> list[str]:
        return [f.name for f in self.files if f.status == "ignored"]

    @property
    def unknown(self) -> list[str]:
        return [f.name for f in self.files if f.status == "unknown"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "source": self.source,
            "export_date": self.export_date.isoformat() if self.export_date else None,
            "export_date_source": self.export_date_source,
            "export_date_how": self.export_date_how,
            "export_date_from": self.export_date_from,
            "run_id": self.run_id,
            "unchanged": self.unchanged,
            "added": self.added,
            "people": self.people,
            "files": [f.as_dict() for f in self.files],
            "ignored": self.ignored,
            "unknown": self.unknown,
            "warnings": self.warnings,
            "seconds": round(self.seconds, 3),
        }


def count_rows(conn: Connection) -> dict[str, int]:
    return {
        table.__tablename__: conn.execute(select(func.count()).select_from(table)).scalar_one()
        for table in COUNTED_TABLES
    }


def choose_member(conn: Connection, given: str | None) -> str:
    """The member an import is for: ``--as``, else ``$WEAKTIES_MEMBER``, else the
    database's only member. With no member yet, or several, a name is required.

    Raises
    ------
    InputError
        No name given and no single member to default to, or a name holding
        control characters.
    """
    handle = (given if given is not None else os.environ.get("WEAKTIES_MEMBER", "")).strip()
    if not handle:
        handles = list(conn.execute(select(t.Member.handle).order_by(t.Member.id)).scalars())
        if len(handles) == 1:
            handle = handles[0]
        elif not handles:
            raise InputError(
                "this database has no member yet: name the member whose data this is "
                "with --as NAME (the member is created by this import)"
            )
        else:
            raise InputError(
                f"this database has {len(handles)} members ({', '.join(handles[:5])}"
                f"{', ...' if len(handles) > 5 else ''}): say whose data this is with --as NAME"
            )
    bad = next((c for c in handle if unicodedata.category(c)[0] == "C"), None)
    if bad is not None:
        raise InputError(
            f"a member name cannot hold control characters (found U+{ord(bad):04X}); "
            "choose a plain name with --as"
        )
    if len(handle) > 200:
        raise InputError("a member name is at most 200 characters long (--as)")
    return handle


def check_owner(conn: Connection, handle: str, pid: int, me: SelfInfo) -> None:
    """Refuse an export whose owner is not the member ``handle`` already is.

    The same person shares an identity (profile URL, member URN, e-mail) with
    the member; without a shared one, two different profile URLs, or else two
    different names, say the data is someone else's.

    An owner only guessed from messages.csv (the participant of the most
    conversations) is held to the same test, except when the member takes part
    in those messages at all: then the guess may be a frequent correspondent,
    and the export the member's own.
    """
    known: dict[str, set[str]] = {}
    for kind, value in conn.execute(
        select(t.Identity.kind, t.Identity.value).where(t.Identity.person_id == pid)
    ):
        known.setdefault(kind, set()).add(value)
    theirs = {"linkedin": me.slugs, "linkedin_urn": me.urns, "email": me.emails}
    if any(known.get(kind, set()) & values for kind, values in theirs.items()):
        return
    person = conn.execute(
        select(t.Person.display_name, t.Person.first_name, t.Person.last_name).where(
            t.Person.id == pid
        )
    ).one()
    own_key = (
        name_key(person.first_name, person.last_name)
        if (person.first_name or person.last_name)
        else ""
    )
    if me.guessed and (
        known.get("linkedin", set()) & me.seen_slugs or (own_key and own_key in me.seen_names)
    ):
        return
    why = None
    if known.get("linkedin") and me.slugs:
        why = (
            f"profile {sorted(me.slugs)[0]!r}, where {handle!r} is {sorted(known['linkedin'])[0]!r}"
        )
    elif own_key and me.names and own_key not in me.names:
        why = "another name"
    if why is None:
        return
    theirs_name = me.display or "someone else"
    raise OwnerMismatch(
        f"this export belongs to {theirs_name} ({why}), but member {handle!r} is "
        f"{person.display_name}: import it as another member with --as NAME, or add "
        "--force if it really is the same person",
        owner=theirs_name,
        member_name=person.display_name,
    )


def ensure_member(
    conn: Connection, handle: str, me: SelfInfo, *, force: bool = False
) -> tuple[int, int]:
    """The (member id, person id) for ``handle``, created on first import.

    A new member is looked for among known persons — by profile URL, member URN
    or e-mail, then by name and current employer — so that someone who was a
    contact in another member's data becomes that same person.
    """
    query = select(t.Member.id, t.Member.person_id)
    row = conn.execute(query.where(t.Member.handle == handle)).first()
    if row is None:
        row = conn.execute(query.where(func.lower(t.Member.handle) == handle.lower())).first()
    if row is not None:
        if not force:
            check_owner(conn, handle, row.person_id, me)
        return row.id, row.person_id
    pid = None
    for kind, values in (("linkedin", me.slugs), ("linkedin_urn", me.urns), ("email", me.emails)):
        for value in sorted(values):
            pid = conn.execute(
                select(t.Identity.person_id).where(
                    t.Identity.kind == kind, t.Identity.value == value
                )
            ).scalar()
            if pid is not None:
                break
        if pid is not None:
            break
    if pid is None and me.names and me.companies:
        matches = (
            conn.execute(
                select(t.Position.person_id)
                .join(t.Organization, t.Organization.id == t.Position.organization_id)
                .join(t.Person, t.Person.id == t.Position.person_id)
                .where(
                    t.Person.name_key.in_(sorted(me.names)),
                    t.Organization.norm_name.in_([org_key(c) for c in me.companies]),
                    t.Position.is_current.is_(True),
                )
                .distinct()
            )
            .scalars()
            .all()
        )
        if len(matches) == 1:
            pid = matches[0]
    if pid is not None:
        owner = conn.execute(select(t.Member.handle).where(t.Member.person_id == pid)).scalar()
        if owner is not None:
            raise InputError(
                f"this data belongs to {owner!r}, who is already a member; "
                f"import it with --as {owner!r}"
            )
    else:
        now = t.utcnow()
        shown = me.display or handle
        pid = conn.execute(
            insert(t.Person)
            .values(
                display_name=shown[:300],
                first_name=me.first[:200] if me.first else None,
                last_name=me.last[:200] if me.last else None,
                name_key=(
                    name_key(me.first, me.last) if (me.first or me.last) else name_key(shown)
                )[:300],
                created_at=now,
                updated_at=now,
            )
            .returning(t.Person.id)
        ).scalar_one()
    member_id = conn.execute(
        insert(t.Member)
        .values(handle=handle, person_id=pid, sharing="names", created_at=t.utcnow())
        .returning(t.Member.id)
    ).scalar_one()
    return member_id, pid


def claim_self(people: PersonResolver, me: SelfInfo) -> None:
    """Attach the owner's identities to the member's person (conflicts are proposed)."""
    for slug in sorted(me.slugs):
        people.add_identity(people.self_pid, "linkedin", slug)
    for urn in sorted(me.urns):
        people.add_identity(people.self_pid, "linkedin_urn", urn)
    for mail in sorted(me.emails):
        people.add_identity(people.self_pid, "email", mail)
    people.self_keys |= me.names


def _input_hash(jobs: list[Job]) -> str:
    digest = hashlib.sha256()
    for job in sorted(jobs, key=lambda j: j.source.name):
        digest.update(f"{job.source.name}\0{job.source.sha256()}\n".encode())
    return digest.hexdigest()


def execute(
    store: Store,
    *,
    member: str | None,
    jobs: list[Job],
    other_files: list[FileReport],
    me: SelfInfo,
    export_date: dt.date | None,
    source_kind: str,
    source_label: str,
    keep_content: bool = False,
    progress: Progress | None = None,
    export_date_guessed: str | None = None,
    export_date_source: str | None = None,
    export_date_how: str | None = None,
    export_date_from: str | None = None,
    force: bool = False,
) -> ImportSummary:
    """Run the jobs of one import in one transaction (see the module doc).

    ``member`` ``None`` means the database's only member (:func:`choose_member`).
    ``export_date`` ``None`` dates the import by its newest record (a message, a
    meeting, a trace; never later than today), or leaves it undated when its
    files carry no date (an address book): an old mailbox then never makes the
    member's data look as of today.
    ``export_date_guessed`` says how the date was guessed when no name gave it;
    such a date may not make the export older than one already imported.
    ``export_date_source`` says how the date was found (recorded with the run);
    ``export_date_how`` and ``export_date_from`` say it as a code and its subject
    (see :class:`ImportSummary`), for pages to word.
    ``force`` imports an export whose owner differs from the member's identity."""
    started = time.perf_counter()
    with store.engine.connect() as conn:
        handle = choose_member(conn, member)
    summary = ImportSummary(handle, source_label, export_date, [])
    summary.export_date_source = export_date_source or export_date_guessed
    summary.export_date_how, summary.export_date_from = export_date_how, export_date_from
    with contextlib.suppress(_NothingNew):
        _execute(
            store,
            summary,
            handle,
            jobs,
            other_files,
            me,
            source_kind,
            keep_content,
            progress,
            export_date_guessed,
            force,
        )
    summary.seconds = time.perf_counter() - started
    return summary


def _date_by_records(conn: Connection, summary: ImportSummary, run_id: int, today: dt.date) -> None:
    """Date an import that names no date by its newest record (see :func:`execute`)."""
    newest = conn.execute(
        select(func.max(t.Interaction.occurred_at)).where(t.Interaction.import_run_id == run_id)
    ).scalar()
    if isinstance(newest, dt.datetime):
        day = min(newest.date(), today)
        summary.export_date = day
        summary.export_date_how = "records"
        summary.export_date_source = "its newest record"
    else:
        summary.export_date = None
        summary.export_date_how = "undated"
        summary.export_date_source = None
    conn.execute(
        update(t.ImportRun)
        .where(t.ImportRun.id == run_id)
        .values(export_date=summary.export_date, export_date_source=summary.export_date_source)
    )


class _NothingNew(Exception):
    """Every file was imported before: the transaction is rolled back."""


def _execute(
    store: Store,
    summary: ImportSummary,
    handle: str,
    jobs: list[Job],
    other_files: list[FileReport],
    me: SelfInfo,
    source_kind: str,
    keep_content: bool,
    progress: Progress | None,
    guessed: str | None = None,
    force: bool = False,
) -> None:
    by_records = summary.export_date is None
    export_date = summary.export_date or clock.utcnow().date()
    source_label = summary.source
    # The write lock from the start: what is read to resolve people cannot
    # change under the import; another writer waits (see store.engine).
    with store.write(f"import {source_kind} for {handle}") as conn:
        before = count_rows(conn)
        member_id, self_pid = ensure_member(conn, handle, me, force=force)
        done = set(
            conn.execute(
                select(t.ImportFile.content_hash).where(
                    t.ImportFile.member_id == member_id, t.ImportFile.status == "imported"
                )
            ).scalars()
        )
        # A connections list is a snapshot: it is skipped when it equals the latest
        # one (the same list again) or was imported with this same date, since an
        # old list re-imported as a newer one still says something. Other files
        # accumulate: seen once is enough.
        snapshots = conn.execute(
            select(t.ImportFile.content_hash, t.ImportRun.export_date)
            .join(t.ImportRun, t.ImportRun.id == t.ImportFile.import_run_id)
            .where(
                t.ImportFile.member_id == member_id,
                t.ImportFile.kind == "connections",
                t.ImportFile.status == "imported",
            )
            .order_by(t.ImportRun.export_date.desc(), t.ImportFile.id.desc())
        ).all()
        latest = snapshots[0] if snapshots else None
        dated = {(s.content_hash, s.export_date) for s in snapshots}

        def seen(job: Job) -> bool:
            digest = job.source.sha256()
            if job.kind == "connections":
                same_as_latest = latest is not None and digest == latest.content_hash
                return same_as_latest or (digest, export_date) in dated
            return digest in done

        pending = [j for j in jobs if not seen(j)]
        reports = [FileReport(j.source.name, j.kind, "unchanged") for j in jobs if seen(j)]
        if not pending:
            # Nothing new: roll back, so not even a member created for the occasion remains.
            summary.unchanged = True
            summary.files = reports + other_files
            summary.added = dict.fromkeys(before, 0)
            raise _NothingNew
        history_end = None
        if latest is None:
            mode = "baseline"
        elif latest.export_date is not None and export_date < latest.export_date:
            if guessed:
                raise InputError(
                    f"cannot tell when this export was made: its name carries no date, and "
                    f"its date, {export_date} ({guessed}), is earlier than the export already "
                    f"imported "
                    f"({latest.export_date}); give its date with --export-date YYYY-MM-DD",
                    file=summary.source,
                )
            mode = "history"
            # the first list imported with a later date than this export's
            history_end = min(
                s.export_date
                for s in snapshots
                if s.export_date is not None and s.export_date > export_date
            )
        else:
            mode = "diff"
        run_id = conn.execute(
            insert(t.ImportRun)
            .values(
                member_id=member_id,
                source_kind=source_kind,
                path=source_label[:1000],
                content_hash=_input_hash(jobs),
                export_date=export_date,
                export_date_source=(summary.export_date_source or "")[:200] or None,
                started_at=t.utcnow(),
            )
            .returning(t.ImportRun.id)
        ).scalar_one()
        total = sum(j.source.size for j in pending)
        finished = [0]
        current: list[Job | None] = [None]

        def tick(rows: int) -> None:
            job = current[0]
            if progress is not None and job is not None:
                done = finished[0] + min(job.source.position, job.source.size)
                progress(job.source.name, rows, done, total)

        ctx = ImportContext(
            conn,
            member_id=member_id,
            self_pid=self_pid,
            run_id=run_id,
            export_date=export_date,
            keep_content=keep_content,
            connections_mode=mode,
            history_end=history_end,
            progress=tick,
        )
        claim_self(ctx.people, me)
        for job in pending:
            current[0] = job
            report = FileReport(job.source.name, job.kind, "imported")
            report.version = job.run(ctx, report)
            ctx.flush()
            reports.append(report)
            conn.execute(
                insert(t.ImportFile).values(
                    import_run_id=run_id,
                    member_id=member_id,
                    name=job.source.name[:500],
                    kind=job.kind,
                    version=report.version,
                    content_hash=job.source.sha256(),
                    status="imported",
                    rows=report.rows,
                )
            )
            tick(0)
            finished[0] += job.source.size
        if by_records:
            _date_by_records(conn, summary, run_id, export_date)
        after = count_rows(conn)
        summary.warnings.extend(ctx.warnings())
        summary.added = {k: after[k] - before[k] for k in before}
        summary.files = reports + other_files
        summary.run_id = run_id
        conn.execute(
            update(t.ImportRun)
            .where(t.ImportRun.id == run_id)
            .values(finished_at=t.utcnow(), counts=json.dumps(summary.as_dict(), default=str))
        )
