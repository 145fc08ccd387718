"""``weakties orgs``: organisations, duplicate proposals, merges on command."""

from __future__ import annotations

from typing import Annotated

import typer

from weakties.cli.context import connection
from weakties.cli.output import console, print_json, table
from weakties.store.orgs import find_org, list_orgs, merge_orgs, suggest_merges

app = typer.Typer(help="Organisations: list, propose duplicates, merge.")
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.callback(invoke_without_command=True)
def orgs(
    ctx: typer.Context,
    search: Annotated[
        str | None, typer.Option("--search", "-s", metavar="TEXT", help="Names like TEXT.")
    ] = None,
    limit: Annotated[int | None, typer.Option(metavar="N", min=1, help="At most N.")] = None,
    as_json: Json = False,
) -> None:
    """List organisations with how many people are there now and ever."""
    if ctx.invoked_subcommand is not None:
        return
    with connection(ctx) as conn:
        rows = list_orgs(conn, search=search, limit=limit)
    if as_json:
        print_json(rows)
        return
    table(
        "Organisations",
        ["#id", "name", "people now", "ever", "also written"],
        [
            (o["id"], o["name"], o["people_now"], o["people_ever"], "; ".join(o["aliases"][:3]))
            for o in rows
        ],
        caption=f"{len(rows):,} organisations",
    )


@app.command("suggest-merges")
def suggest(
    ctx: typer.Context,
    threshold: Annotated[
        float, typer.Option(metavar="SCORE", min=50, max=100, help="Minimum similarity (0-100).")
    ] = 88.0,
    limit: Annotated[int, typer.Option(metavar="N", min=1)] = 100,
    as_json: Json = False,
) -> None:
    """Propose organisations that may be duplicates (nothing is merged)."""
    with connection(ctx) as conn:
        found = suggest_merges(conn, threshold=threshold, limit=limit)
    if as_json:
        print_json([s.as_dict() for s in found])
        return
    table(
        "Possible duplicates (merge with: weakties orgs merge '#A' --into '#B')",
        ["#a", "name", "#b", "name", "score", "why"],
        [(s.a, s.a_name, s.b, s.b_name, f"{s.score:.0f}", s.reason) for s in found],
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
) -> None:
    """Merge organisations into one: positions, follows and spellings move over."""
    with connection(ctx) as conn:
        target = find_org(conn, into)
        moved = merge_orgs(conn, [find_org(conn, s) for s in sources], target)
    console.print(
        f"Merged into #{target}: {moved['positions']} positions, {moved['follows']} follows, "
        f"{moved['aliases']} spellings moved."
    )
