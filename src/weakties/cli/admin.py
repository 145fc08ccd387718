"""Members, sharing, match proposals, import history and the database itself."""

from __future__ import annotations

from typing import Annotated

import typer

from weakties.cli.context import call, state
from weakties.cli.options import MAX_ID, AsViewer, Json
from weakties.cli.output import console, print_json, shown, table

members_app = typer.Typer(help="Members: the people whose data is in this database.")


@members_app.callback(invoke_without_command=True)
def members(ctx: typer.Context, member: AsViewer = None, as_json: Json = False) -> None:
    """List members with their sharing level and how many people their data knows
    (shown for members who share at least counts, and for you)."""
    if ctx.invoked_subcommand is not None:
        return
    from weakties.service.admin import members as list_members

    rows = call(ctx, list_members, member=member, who="shared")
    if as_json:
        print_json(rows)
        return
    table(
        "Members",
        ["handle", "name", "sharing", "people"],
        [(r.handle, r.name, r.sharing, "–" if r.people is None else r.people) for r in rows],
    )


@members_app.command("sharing")
def sharing(
    ctx: typer.Context,
    handle: Annotated[str, typer.Argument(metavar="MEMBER", help="The member.")],
    level: Annotated[str, typer.Argument(metavar="LEVEL", help="nothing, counts or names.")],
) -> None:
    """Set what other members may see of a member's data: nothing, counts or names."""
    from weakties.model.kinds import SHARING_LEVELS
    from weakties.service.admin import set_sharing

    if level not in SHARING_LEVELS:
        raise typer.BadParameter(f"one of {', '.join(SHARING_LEVELS)}", param_hint="LEVEL")
    call(ctx, set_sharing, level, member=handle)
    console.print(f"{shown(handle)} now shares: {level}", markup=False)


matches_app = typer.Typer(help="Proposed matches between person records (never applied alone).")


@matches_app.callback(invoke_without_command=True)
def matches(ctx: typer.Context, member: AsViewer = None, as_json: Json = False) -> None:
    """List open proposals: records (you may see) that may be the same person."""
    if ctx.invoked_subcommand is not None:
        return
    from weakties.service.admin import matches as list_matches

    rows = call(ctx, list_matches, member=member, who="shared")
    if as_json:
        print_json(rows)
        return
    table(
        "Possible duplicates (weakties matches accept ID / reject ID)",
        ["#id", "person", "candidate", "confidence", "why"],
        [
            (
                r.id,
                f"#{r.a.id} {shown(r.a.name)}",
                f"#{r.b.id} {shown(r.b.name)}",
                f"{r.confidence:.2f}",
                r.reason,
            )
            for r in rows
        ],
    )


@matches_app.command("accept")
def accept(
    ctx: typer.Context,
    proposal: Annotated[
        int, typer.Argument(metavar="ID", min=1, max=MAX_ID, help="The proposal number.")
    ],
    member: AsViewer = None,
) -> None:
    """Merge the two records of a proposal into one person."""
    from weakties.service.admin import accept_match

    moved = call(ctx, accept_match, proposal, member=member)
    console.print("Merged: " + ", ".join(f"{v} {k}" for k, v in moved.items()))


@matches_app.command("reject")
def reject(
    ctx: typer.Context,
    proposal: Annotated[
        int, typer.Argument(metavar="ID", min=1, max=MAX_ID, help="The proposal number.")
    ],
    member: AsViewer = None,
) -> None:
    """Mark a proposal as wrong: the two records stay apart."""
    from weakties.service.admin import reject_match

    call(ctx, reject_match, proposal, member=member)
    console.print(f"Proposal #{proposal} rejected.")


def imports(ctx: typer.Context, member: AsViewer = None, as_json: Json = False) -> None:
    """The import history: what was imported, when, and what it added (other
    members' imports as far as they share)."""
    from weakties.cli.importing import TABLE_WORDS
    from weakties.service.admin import imports as list_imports
    from weakties.words import counted

    rows = call(ctx, list_imports, member=member, who="shared")
    if as_json:
        print_json(rows)
        return
    table(
        "Imports",
        ["#id", "member", "kind", "export of", "finished", "added"],
        [
            (
                r.id,
                r.member,
                r.kind,
                r.export_date,
                r.finished,
                ", ".join(counted(v, *TABLE_WORDS.get(k, (k, k))) for k, v in r.added.items() if v),
            )
            for r in rows
        ],
    )


db_app = typer.Typer(help="The database: where it is, its schema version.")


@db_app.command("info")
def db_info(ctx: typer.Context, as_json: Json = False) -> None:
    """Where the database is and which schema revision it has."""
    from weakties.service.admin import db_info as info_of

    info = info_of(state(ctx).store())
    if as_json:
        print_json(info)
    else:
        for key in ("url", "revision", "head"):
            console.print(f"{key}: {shown(getattr(info, key))}", markup=False)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Bring the schema to the newest revision (also done on every open)."""
    store = state(ctx).store()
    store.upgrade()
    console.print(f"{store.url} at revision {store.current_revision()}", markup=False)
