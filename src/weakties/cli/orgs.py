"""``weakties orgs``: organisations, duplicate proposals, merges on command."""

from __future__ import annotations

from typing import Annotated

import typer

from weakties.cli.context import call
from weakties.cli.options import MAX_COUNT, AsViewer, Json
from weakties.cli.output import console, print_json, table
from weakties.words import counted

app = typer.Typer(help="Organisations: list, propose duplicates, merge.")


@app.callback(invoke_without_command=True)
def orgs(
    ctx: typer.Context,
    search: Annotated[
        str | None, typer.Option("--search", "-s", metavar="TEXT", help="Names like TEXT.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(metavar="N", min=1, max=MAX_COUNT, help="At most N.")
    ] = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """List organisations with how many people are there now and ever (without
    --as on a shared database: what every member may see)."""
    if ctx.invoked_subcommand is not None:
        return
    from weakties.service.orgs import orgs as list_orgs

    rows = call(ctx, list_orgs, member=member, who="shared", search=search, limit=limit)
    if as_json:
        print_json(rows)
        return
    table(
        "Organisations",
        ["#id", "name", "people now", "ever", "also written"],
        [(o.id, o.name, o.people_now, o.people_ever, "; ".join(o.aliases[:3])) for o in rows],
        caption=counted(len(rows), "organisation", "organisations"),
    )


@app.command("suggest-merges")
def suggest(
    ctx: typer.Context,
    threshold: Annotated[
        float, typer.Option(metavar="SCORE", min=50, max=100, help="Minimum similarity (0-100).")
    ] = 88.0,
    limit: Annotated[int, typer.Option(metavar="N", min=1, max=MAX_COUNT)] = 100,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """Propose organisations that may be duplicates (nothing is merged)."""
    from weakties.service.orgs import suggest_merges

    found = call(ctx, suggest_merges, member=member, who="shared", threshold=threshold, limit=limit)
    if as_json:
        print_json(found)
        return
    table(
        "Possible duplicates (merge with: weakties orgs merge '#A' --into '#B')",
        ["#a", "name", "#b", "name", "score", "why"],
        [(s.a.id, s.a.name, s.b.id, s.b.name, f"{s.score:.0f}", s.reason) for s in found],
    )


@app.command("merge")
def merge(
    ctx: typer.Context,
    sources: Annotated[
        list[str], typer.Argument(metavar="ORG", help="Organisations to merge (#id or name).")
    ],
    into: Annotated[
        str, typer.Option("--into", metavar="ORG", help="The organisation that stays.")
    ],
    member: AsViewer = None,
) -> None:
    """Merge organisations into one: positions, follows and spellings move over."""
    from weakties.service.orgs import merge as merge_orgs

    moved = call(ctx, merge_orgs, sources, into, member=member)
    console.print(
        f"Merged into #{moved.into}: {moved.positions} positions, {moved.follows} follows, "
        f"{moved.aliases} spellings moved."
    )
