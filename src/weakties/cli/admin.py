"""Members, sharing, match proposals, import history and the database itself."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from sqlalchemy import func, select

from weakties.cli.context import connection, state
from weakties.cli.output import console, print_json, table
from weakties.model.tables import SHARING_LEVELS, ImportRun, KnownPerson, Member, Person, table_of
from weakties.store.merge import list_proposals, merge_persons, reject_proposal
from weakties.store.visibility import set_sharing

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

members_app = typer.Typer(help="Members: the people whose data is in this database.")


@members_app.callback(invoke_without_command=True)
def members(ctx: typer.Context, as_json: Json = False) -> None:
    """List members with their sharing level and how many people their data knows."""
    if ctx.invoked_subcommand is not None:
        return
    with connection(ctx) as conn:
        known = (
            select(KnownPerson.member_id, func.count().label("n"))
            .group_by(KnownPerson.member_id)
            .subquery()
        )
        rows = [
            {"handle": h, "name": n, "sharing": s, "people": k or 0}
            for h, n, s, k in conn.execute(
                select(Member.handle, Person.display_name, Member.sharing, known.c.n)
                .join(Person, Person.id == Member.person_id)
                .outerjoin(known, known.c.member_id == Member.id)
                .order_by(Member.id)
            )
        ]
    if as_json:
        print_json(rows)
        return
    table(
        "Members",
        ["handle", "name", "sharing", "people"],
        [(r["handle"], r["name"], r["sharing"], r["people"]) for r in rows],
    )


@members_app.command("sharing")
def sharing(
    ctx: typer.Context,
    handle: Annotated[str, typer.Argument(metavar="MEMBER", help="The member.")],
    level: Annotated[str, typer.Argument(metavar="LEVEL", help="nothing, counts or names.")],
) -> None:
    """Set what other members may see of a member's ties: nothing, counts or names."""
    if level not in SHARING_LEVELS:
        raise typer.BadParameter(f"one of {', '.join(SHARING_LEVELS)}", param_hint="LEVEL")
    with connection(ctx) as conn:
        set_sharing(conn, handle, level)
    console.print(f"{handle} now shares: {level}", markup=False)


matches_app = typer.Typer(help="Proposed matches between person records (never applied alone).")


@matches_app.callback(invoke_without_command=True)
def matches(ctx: typer.Context, as_json: Json = False) -> None:
    """List open proposals: records that may be the same person."""
    if ctx.invoked_subcommand is not None:
        return
    with connection(ctx) as conn:
        rows = list_proposals(conn)
    if as_json:
        print_json(rows)
        return
    table(
        "Possible duplicates (weakties matches accept ID / reject ID)",
        ["#id", "person", "candidate", "confidence", "why"],
        [
            (
                r["id"],
                f"#{r['a']['id']} {r['a']['name']}",
                f"#{r['b']['id']} {r['b']['name']}",
                f"{r['confidence']:.2f}",
                r["reason"],
            )
            for r in rows
        ],
    )


@matches_app.command("accept")
def accept(
    ctx: typer.Context,
    proposal: Annotated[int, typer.Argument(metavar="ID", help="The proposal number.")],
) -> None:
    """Merge the two records of a proposal into one person."""
    from weakties.model.tables import MatchProposal

    with connection(ctx) as conn:
        row = conn.execute(
            select(MatchProposal.person_id, MatchProposal.candidate_id).where(
                MatchProposal.id == proposal, MatchProposal.status == "open"
            )
        ).first()
        if row is None:
            raise typer.BadParameter(f"no open proposal #{proposal}", param_hint="PROPOSAL")
        moved = merge_persons(conn, row.person_id, row.candidate_id)
    console.print("Merged: " + ", ".join(f"{v} {k}" for k, v in moved.items()))


@matches_app.command("reject")
def reject(
    ctx: typer.Context,
    proposal: Annotated[int, typer.Argument(metavar="ID", help="The proposal number.")],
) -> None:
    """Mark a proposal as wrong: the two records stay apart."""
    with connection(ctx) as conn:
        reject_proposal(conn, proposal)
    console.print(f"Proposal #{proposal} rejected.")


def imports(ctx: typer.Context, as_json: Json = False) -> None:
    """The import history: what was imported, when, and what it added."""
    with connection(ctx) as conn:
        rows = []
        for run in conn.execute(
            select(*table_of(ImportRun).c, Member.handle)
            .outerjoin(Member, Member.id == ImportRun.member_id)
            .order_by(ImportRun.id)
        ):
            handle = run.handle
            counts = json.loads(run.counts) if run.counts else {}
            rows.append(
                {
                    "id": run.id,
                    "member": handle,
                    "kind": run.source_kind,
                    "path": run.path,
                    "export_date": run.export_date.isoformat() if run.export_date else None,
                    "finished": run.finished_at.isoformat(timespec="seconds")
                    if run.finished_at
                    else None,
                    "added": counts.get("added", {}),
                }
            )
    if as_json:
        print_json(rows)
        return
    table(
        "Imports",
        ["#id", "member", "kind", "export of", "finished", "added"],
        [
            (
                r["id"],
                r["member"],
                r["kind"],
                r["export_date"],
                r["finished"],
                ", ".join(f"{v} {k}" for k, v in r["added"].items() if v),
            )
            for r in rows
        ],
    )


db_app = typer.Typer(help="The database: where it is, its schema version.")


@db_app.command("info")
def db_info(ctx: typer.Context, as_json: Json = False) -> None:
    """Where the database is and which schema revision it has."""
    store = state(ctx).store()
    info = {"url": store.url, "revision": store.current_revision(), "head": store.head_revision()}
    if as_json:
        print_json(info)
    else:
        for key, value in info.items():
            console.print(f"{key}: {value}", markup=False)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Bring the schema to the newest revision (also done on every open)."""
    store = state(ctx).store()
    store.upgrade()
    console.print(f"{store.url} at revision {store.current_revision()}")
