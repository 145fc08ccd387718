"""The member's own profile: Profile, e-mail addresses, phones, positions, education, skills."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from weakties.ingest.context import FileReport, ImportContext
from weakties.ingest.resolve import insert_ignore, natural_key
from weakties.ingest.sheet import Sheet
from weakties.model.identity import display_name, email_key, fold, name_key, phone_key
from weakties.model.tables import Person, Position, Skill, table_of, utcnow

__all__ = ["education", "email_addresses", "phone_numbers", "positions", "profile", "skills"]


def profile(ctx: ImportContext, sheet: Sheet, report: FileReport) -> None:
    """Name, headline, summary, industry and location of the member.

    Birth date, address and zip code are not stored: nothing here needs them.
    """
    for row in sheet.rows():
        report.rows += 1
        first, last = row.get("first_name"), row.get("last_name")
        values = {
            "headline": ctx.clip(row.get("headline") or None, 500, "headline"),
            "summary": row.get("summary") or None,
            "industry": ctx.clip(row.get("industry") or None, 200, "industry"),
            "location": ctx.clip(
                row.get("geo_location") or row.get("country") or None, 300, "location"
            ),
            "updated_at": utcnow(),
        }
        if first or last:
            first = ctx.clip(first, 200, "first name") or ""
            last = ctx.clip(last, 200, "last name") or ""
            values |= {
                "first_name": first or None,
                "last_name": last or None,
                "display_name": display_name(first, last)[:300],
                "name_key": name_key(first, last)[:300],
            }
        ctx.conn.execute(update(Person).where(Person.id == ctx.self_pid).values(**values))
        report.traces += 1
        break  # one profile per export


def email_addresses(ctx: ImportContext, sheet: Sheet, report: FileReport) -> None:
    for row in sheet.rows():
        report.rows += 1
        email = email_key(row.get("email_address"))
        if email is None:
            report.skipped["not an e-mail address"] += 1
            continue
        if ctx.people.add_identity(ctx.self_pid, "email", email, row.get("email_address")):
            report.traces += 1


def phone_numbers(ctx: ImportContext, sheet: Sheet, report: FileReport) -> None:
    for row in sheet.rows():
        report.rows += 1
        phone = phone_key(row.get("number"))
        if phone is None:
            report.skipped["not a phone number"] += 1
            continue
        if ctx.people.add_identity(ctx.self_pid, "phone", phone, row.get("number")):
            report.traces += 1


def _own_position(
    ctx: ImportContext,
    *,
    kind: str,
    org_id: int | None,
    title: str | None,
    start: tuple[object, str] | None,
    end: tuple[object, str] | None,
    location: str | None = None,
) -> str:
    """Insert or update one of the member's own positions (keyed by where, what,
    since); returns its key. An older export (history) only adds what is
    missing: it never overwrites what a newer one said."""
    key = natural_key(
        "profile", ctx.self_pid, kind, org_id, fold(title or ""), start[0] if start else None
    )
    values = {
        "person_id": ctx.self_pid,
        "organization_id": org_id,
        "kind": kind,
        "title": title,
        "location": location,
        "start_date": start[0] if start else None,
        "start_precision": start[1] if start else None,
        "end_date": end[0] if end else None,
        "end_precision": end[1] if end else None,
        "is_current": kind == "job" and end is None,
        "seen_on": ctx.export_date,
        "source": "profile",
        "asserted_by": ctx.member_id,
    }
    ctx.flush()  # the organisation may still be queued
    existing = ctx.conn.execute(select(Position.id).where(Position.natural_key == key)).scalar()
    if existing is None:
        if ctx.connections_mode == "history":
            # current then; the newer list, which does not hold it, knows it ended
            values["is_current"] = False
        ctx.conn.execute(insert(Position).values(natural_key=key, **values))
    elif ctx.connections_mode != "history":
        ctx.conn.execute(update(Position).where(Position.id == existing).values(**values))
    return key


def _reconcile(ctx: ImportContext, kind: str, listed: set[str]) -> None:
    """The member's own list is whole: a position of theirs it no longer holds
    was edited (a new title, corrected dates) or deleted, and goes. Not for an
    older export, which is history."""
    if ctx.connections_mode == "history":
        return
    ctx.conn.execute(
        delete(Position).where(
            Position.person_id == ctx.self_pid,
            Position.source == "profile",
            Position.kind == kind,
            Position.asserted_by == ctx.member_id,
            Position.natural_key.not_in(sorted(listed) or [""]),
        )
    )


def positions(ctx: ImportContext, sheet: Sheet, report: FileReport) -> None:
    """Jobs with month or year precision; an empty 'Finished On' is the current job.
    The list replaces the member's previous one (see :func:`_reconcile`)."""
    listed: set[str] = set()
    for row in sheet.rows():
        report.rows += 1
        company = " ".join(row.get("company_name").split())
        title = row.get("title") or None
        if not company and not title:
            report.skipped["empty"] += 1
            continue
        listed.add(
            _own_position(
                ctx,
                kind="job",
                org_id=ctx.orgs.resolve(company) if company else None,
                title=ctx.clip(title, 500, "job title"),
                start=sheet.partial_date(row, "started_on"),
                end=sheet.partial_date(row, "finished_on"),
                location=ctx.clip(row.get("location") or None, 300, "location"),
            )
        )
        report.traces += 1
    _reconcile(ctx, "job", listed)


def education(ctx: ImportContext, sheet: Sheet, report: FileReport) -> None:
    """Schools as positions of kind ``study`` (classmates are inferred from them);
    the list replaces the member's previous one."""
    listed: set[str] = set()
    for row in sheet.rows():
        report.rows += 1
        school = " ".join(row.get("school_name").split())
        if not school:
            report.skipped["no school name"] += 1
            continue
        listed.add(
            _own_position(
                ctx,
                kind="study",
                org_id=ctx.orgs.resolve(school),
                title=ctx.clip(row.get("degree_name").strip(" ,") or None, 500, "degree"),
                start=sheet.partial_date(row, "start_date"),
                end=sheet.partial_date(row, "end_date"),
            )
        )
        report.traces += 1
    _reconcile(ctx, "study", listed)


def skills(ctx: ImportContext, sheet: Sheet, report: FileReport) -> None:
    names = []
    for row in sheet.rows():
        report.rows += 1
        name = " ".join(row.get("name").split())
        if name:
            names.append({"person_id": ctx.self_pid, "name": name[:200]})
    if names:
        ctx.conn.execute(insert_ignore(ctx.conn, table_of(Skill)), names)
    report.traces += len(names)
