"""People, one person, notes, events, members: the network as the viewer sees it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from weakties.cli.context import connection, viewer
from weakties.cli.output import console, esc, print_json, table
from weakties.store import events as store_events
from weakties.store import notes as store_notes
from weakties.store.people import find_person, list_people, person_record

AsViewer = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="NAME",
        envvar="WEAKTIES_MEMBER",
        help="The member looking (default: the first member of the database).",
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def people(
    ctx: typer.Context,
    org: Annotated[
        str | None, typer.Option("--org", metavar="ORG", help="Only people currently at ORG.")
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", "-s", metavar="TEXT", help="Only names containing TEXT."),
    ] = None,
    degree: Annotated[
        int | None, typer.Option(metavar="1|2", min=1, max=2, help="Only 1st or 2nd degree.")
    ] = None,
    limit: Annotated[int | None, typer.Option(metavar="N", min=1, help="At most N people.")] = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """List the people you can see: your contacts first, then the second degree."""
    with connection(ctx) as conn:
        me = viewer(conn, member)
        rows = list_people(conn, me, org=org, search=search, degree=degree, limit=limit)
    if as_json:
        print_json(rows)
        return
    table(
        f"People visible to {me.handle}",
        ["#id", "name", "degree", "company", "title", "linkedin"],
        [
            (p["id"], p["name"], p["degree"] or "", p["company"], p["title"], p["linkedin"])
            for p in rows
        ],
        caption=f"{len(rows):,} people",
    )


def person(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(metavar="PERSON", help="#id, name, e-mail or LinkedIn URL.")
    ],
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """Everything about one person: identities, positions, ties, notes, events."""
    with connection(ctx) as conn:
        me = viewer(conn, member)
        record = person_record(conn, me, find_person(conn, me, query))
    if as_json:
        print_json(record)
        return
    degree = {0: "you", 1: "1st degree", 2: "2nd degree"}.get(record["degree"], "not connected")
    console.print(f"[bold]{esc(record['name'])}[/]  #{record['id']}  ({degree})")
    for label in ("headline", "location", "industry", "member", "linkedin"):
        if record.get(label):
            console.print(f"  {label}: {record[label]}", markup=False)
    for kind, values in record["identities"].items():
        if kind != "linkedin":
            console.print(f"  {kind}: {', '.join(values)}", markup=False)
    if record["positions"]:
        table(
            "Positions",
            ["organisation", "title", "from", "to", "source"],
            [
                (
                    p["org"],
                    p["title"],
                    p["start"] or "",
                    "now" if p["current"] else (p["end"] or ""),
                    p["source"] + (f" (seen {p['seen_on']})" if p["source"] == "observed" else ""),
                )
                for p in record["positions"]
            ],
        )
    if record["interactions_with_you"]:
        table(
            "Traces with you",
            ["kind", "n", "first", "last"],
            [
                (i["kind"], i["count"], i["first"], i["last"])
                for i in record["interactions_with_you"]
            ],
        )
    if record["ties"]:
        table(
            "Ties",
            ["with", "source", "asserted by", "since", "ended"],
            [
                (t["with"], t["source"], t["asserted_by"], t["since"], t["ended"] or "")
                for t in record["ties"][:50]
            ],
            caption=f"{len(record['ties'])} ties" if len(record["ties"]) > 50 else None,
        )
    for n in record["notes"]:
        console.print(f"  [cyan]{n['date']} {n['kind']}[/]: {esc(n['text'])}")
    for e in record["events"]:
        console.print(f"  [magenta]{e['date']} {e['kind']}[/]")


def events(
    ctx: typer.Context,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", metavar="KIND", help="Only these kinds (repeatable)."),
    ] = None,
    since: Annotated[
        dt.datetime | None,
        typer.Option(metavar="DATE", formats=["%Y-%m-%d"], help="Only events since DATE."),
    ] = None,
    limit: Annotated[int | None, typer.Option(metavar="N", min=1)] = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """What changed: new and lost connections, career moves, new contact details."""
    with connection(ctx) as conn:
        me = viewer(conn, member)
        rows = store_events.list_events(
            conn, me, kinds=kind, since=since.date() if since else None, limit=limit
        )
    if as_json:
        print_json(rows)
        return
    table(
        f"Events for {me.handle}",
        ["date", "kind", "what"],
        [(e["date"], e["kind"], e["text"]) for e in rows],
        caption=f"{len(rows):,} events",
    )


note_app = typer.Typer(help="Private notes on people (only you see them).", no_args_is_help=True)


@note_app.command("add")
def note_add(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(metavar="PERSON", help="#id, name, e-mail or LinkedIn URL.")
    ],
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The note.")],
    kind: Annotated[
        str, typer.Option(metavar="KIND", help="meeting, call, collaboration or note.")
    ] = "note",
    date: Annotated[
        dt.datetime | None,
        typer.Option(metavar="DATE", formats=["%Y-%m-%d"], help="When (default: today)."),
    ] = None,
    member: AsViewer = None,
) -> None:
    """Write a private note about a person: a meeting, a call, a collaboration."""
    with connection(ctx) as conn:
        me = viewer(conn, member)
        pid = find_person(conn, me, query)
        note_id = store_notes.add_note(
            conn, me, pid, text, kind=kind, on=date.date() if date else None
        )
    console.print(f"Note #{note_id} saved.")


@note_app.command("list")
def note_list(
    ctx: typer.Context,
    query: Annotated[
        str | None, typer.Argument(metavar="PERSON", help="Only notes on this person.")
    ] = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """Your notes, newest first."""
    with connection(ctx) as conn:
        me = viewer(conn, member)
        pid = find_person(conn, me, query) if query else None
        rows = store_notes.list_notes(conn, me, pid)
    if as_json:
        print_json(rows)
        return
    table(
        "Notes",
        ["date", "kind", "person", "text"],
        [(n["date"], n["kind"], n["person"], n["text"]) for n in rows],
    )
