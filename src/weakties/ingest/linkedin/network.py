"""The member's network: connections (with the diff against the previous export),
imported address-book contacts, followed companies and members."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import insert, select, update

from weakties.ingest.batch import CHUNK_ROWS, chunked
from weakties.ingest.context import FileReport, ImportContext, PidSet
from weakties.ingest.sheet import Sheet
from weakties.model.identity import email_key, linkedin_slug, name_key, phone_key
from weakties.model.tables import Follow, Identity, Tie

__all__ = ["company_follows", "connections", "contacts", "max_connected_on", "member_follows"]


def max_connected_on(sheet: Sheet) -> dt.date | None:
    """The newest 'Connected On' date: the export's date when its name does not say."""
    newest = None
    for row in sheet.rows():
        day = sheet.date(row, "connected_on")
        if day and (newest is None or day > newest):
            newest = day
    return newest


def _active_connections(ctx: ImportContext) -> PidSet:
    rows = ctx.conn.execute(
        select(Tie.person_a_id, Tie.person_b_id).where(
            Tie.asserted_by == ctx.member_id,
            Tie.source == "connection",
            Tie.ended_at.is_(None),
        )
    )
    return PidSet(b if a == ctx.self_pid else a for a, b in rows)


def _emails_of(ctx: ImportContext, pid: int) -> set[str]:
    return set(
        ctx.conn.execute(
            select(Identity.value).where(Identity.person_id == pid, Identity.kind == "email")
        ).scalars()
    )


def connections(ctx: ImportContext, sheet: Sheet, report: FileReport) -> None:
    """Declared connections; a newer export is diffed against the known ones.

    Rows whose every field is empty but the date are members who hid themselves
    from exports: counted, skipped. When the member already imported a
    connections list, the difference becomes events (new connection, connection
    gone) and contacts' changed Company/Position become career events.

    A list names everyone once: two of its rows are never one person by name.
    An older export than the latest imported one is history: it records no
    event, and someone it lists who is absent from the newer lists gets a tie
    that has already ended (on the date of the first newer list, see
    :attr:`ImportContext.history_end`) and a job that is not current. Columns a
    re-saved file lost (Company, Position) are never compared: they say nothing.
    """
    before = _active_connections(ctx)
    diffing = ctx.connections_mode == "diff"
    history = ctx.connections_mode == "history"
    has_company = sheet.has("company")
    job_fields = [
        f for f, column in (("company", "company"), ("title", "position")) if sheet.has(column)
    ]
    history_end = dt.datetime.combine(ctx.history_end or ctx.export_date, dt.time())
    seen = PidSet()  # a bit per person: a list of millions of rows stays small
    for chunk in chunked(sheet.rows(), CHUNK_ROWS):
        ctx.checkpoint()
        parsed = []
        for row in chunk:
            report.rows += 1
            first, last = row.get("first_name"), row.get("last_name")
            url, email = row.get("url"), row.get("email_address")
            since = sheet.date(row, "connected_on", required=True)
            if not (first or last or url or email):
                report.skipped["hidden member"] += 1
                continue
            slug = linkedin_slug(url)
            if url and slug is None:
                raise sheet.error(row, "url", f"not a LinkedIn profile URL: {url!r}")
            parsed.append((row, first, last, slug, email_key(email), email, since))
        ctx.people.prefetch(
            [("linkedin", p[3]) for p in parsed if p[3]]
            + [("email", p[4]) for p in parsed if p[4]],
            [name_key(p[1], p[2]) for p in parsed],
        )
        resolved = []
        for row, first, last, slug, mail, email, since in parsed:
            # The e-mail identifies only rows without a profile URL (2018-2023 files);
            # otherwise it is a contact detail, checked for changes below. An empty
            # Company cell states "no employer"; a lost Company column says nothing.
            pid = ctx.people.resolve(
                first,
                last,
                slug=slug,
                emails=[mail] if mail and not slug else [],
                company=row.get("company") if has_company else None,
                self_by_name=False,
                exclude=seen,
            )
            if pid is None or pid == ctx.self_pid:
                report.skipped["no one to connect"] += 1
                continue
            if pid in seen:
                # the same profile URL or e-mail address twice
                report.skipped["duplicate row"] += 1
                continue
            seen.add(pid)
            resolved.append((pid, row, mail, email, since))
        ctx.prefetch_ties([item[0] for item in resolved])
        if job_fields:
            ctx.prefetch_jobs([item[0] for item in resolved])
        for pid, row, mail, email, since in resolved:
            ctx.tick()
            when = dt.datetime.combine(since, dt.time()) if since else None
            gone = history and pid not in before  # not in the latest list
            state = ctx.tie(
                pid,
                "connection",
                when,
                reopen=not history,
                ended=history_end if gone else None,
            )
            report.traces += 1
            if diffing and (state == "reopened" or (state == "new" and pid not in before)):
                ctx.event(pid, "new_connection", since, {"source": "connections"})
            if mail and ctx.people.lookup("email", mail) != pid:
                added = ctx.people.add_identity(pid, "email", mail, email)
                if added and diffing and pid in before:
                    ctx.event(
                        pid,
                        "contact_details_changed",
                        ctx.export_date,
                        {"email": {"from": sorted(_emails_of(ctx, pid) - {mail}), "to": mail}},
                    )
            elif mail:  # known already: this member's data states it too
                ctx.people.add_identity(pid, "email", mail, email)
            if job_fields:
                ctx.observe_job(
                    pid,
                    row.get("company"),
                    row.get("position"),
                    ctx.export_date,
                    "connections",
                    fields=job_fields,
                    current=not gone,
                    news=not history,
                )
    if diffing:
        ended = dt.datetime.combine(ctx.export_date, dt.time())
        for pid in [p for p in before if p not in seen]:
            ctx.end_tie(pid, "connection", ended)
            ctx.event(pid, "connection_gone", ctx.export_date, {"source": "connections"})
    ctx.flush()


_LIST_SPLIT = re.compile(r"[,;]\s*")


def contacts(ctx: ImportContext, sheet: Sheet, report: FileReport) -> None:
    """An address book uploaded to LinkedIn: people the member holds details of.

    Each contact becomes an ``address_book`` tie (confidence 0.5: having someone's
    address says they are known, not how well).
    """
    for row in sheet.rows():
        report.rows += 1
        ctx.tick()
        first = row.get("firstname") or row.get("first_name")
        last = row.get("lastname") or row.get("last_name")
        full = row.get("fullname") or row.get("full_name")
        raw_mails = row.get("emails") or row.get("email_address")
        mails = [m for m in (email_key(x) for x in _LIST_SPLIT.split(raw_mails)) if m]
        raw_phones = row.get("phonenumbers") or row.get("phone_numbers")
        phones = [p for p in (phone_key(x) for x in _LIST_SPLIT.split(raw_phones)) if p]
        slugs = [s for s in (linkedin_slug(x) for x in row.get("profiles").split(",")) if s]
        if not (first or last or full or mails or phones or slugs):
            report.skipped["empty contact"] += 1
            continue
        company = row.get("companies").split(",")[0].strip() or None
        pid = ctx.people.resolve(
            first or None,
            last or None,
            full_name=full or None if not (first or last) else None,
            slug=slugs[0] if slugs else None,
            emails=mails,
            phones=phones,
            company=company,
            self_by_name=False,
        )
        if pid is None or pid == ctx.self_pid:
            report.skipped["no usable name or address"] += 1
            continue
        created = sheet.datetime(row, "createdat" if sheet.has("createdat") else "created_at")
        ctx.tie(pid, "address_book", created, confidence=0.5)
        report.traces += 1
    ctx.flush()


def _follow(
    ctx: ImportContext,
    *,
    org: int | None = None,
    person: int | None = None,
    since: dt.datetime | None,
    active: bool,
) -> None:
    ctx.flush()  # the followed person may still be queued
    cond = Follow.organization_id == org if org is not None else Follow.person_id == person
    row = ctx.conn.execute(
        select(Follow.id, Follow.since).where(Follow.member_id == ctx.member_id, cond)
    ).first()
    if row is None:
        ctx.conn.execute(
            insert(Follow).values(
                member_id=ctx.member_id,
                organization_id=org,
                person_id=person,
                since=since,
                active=active,
            )
        )
    elif row.since is None or since is None or since >= row.since:
        ctx.conn.execute(
            update(Follow).where(Follow.id == row.id).values(since=since, active=active)
        )


def company_follows(ctx: ImportContext, sheet: Sheet, report: FileReport) -> None:
    for row in sheet.rows():
        report.rows += 1
        org = ctx.orgs.resolve(row.get("organization"))
        if org is None:
            report.skipped["no organisation"] += 1
            continue
        _follow(ctx, org=org, since=sheet.datetime(row, "followed_on"), active=True)
        report.traces += 1


def member_follows(ctx: ImportContext, sheet: Sheet, report: FileReport) -> None:
    """Followed members (opinion leaders); 'Unfollow' rows end a follow, newest wins."""
    rows = []
    for row in sheet.rows():
        report.rows += 1
        rows.append((sheet.datetime(row, "date"), row))
    rows.sort(key=lambda item: (item[0] is not None, item[0] or dt.datetime.min))
    for when, row in rows:
        name = row.get("fullname")
        if not name:
            report.skipped["no name"] += 1
            continue
        pid = ctx.people.resolve(full_name=name, self_by_name=False)
        if pid is None or pid == ctx.self_pid:
            report.skipped["no name"] += 1
            continue
        active = row.get("status").lower() != "unfollow"
        _follow(ctx, person=pid, since=when, active=active)
        report.traces += 1
    ctx.flush()
