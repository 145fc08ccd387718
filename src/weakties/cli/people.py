"""People, one person, notes, events: the network as the viewer sees it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from weakties.cli.context import call
from weakties.cli.options import MAX_COUNT, AsViewer, Json, PersonArg, parse_day
from weakties.cli.output import console, esc, print_json, shown, table
from weakties.words import counted, event_words


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
    limit: Annotated[
        int | None, typer.Option(metavar="N", min=1, max=MAX_COUNT, help="At most N people.")
    ] = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """List the people you can see: your contacts first, then the second degree."""
    from weakties.service.people import list_people, people_counts

    everyone = not (org or search or degree or limit or as_json)

    def listing(conn: Any, who: Any) -> tuple[list[Any], Any]:
        rows = list_people(conn, who, org=org, search=search, degree=degree, limit=limit)
        return rows, people_counts(conn, who) if everyone else None

    rows, counts = call(ctx, listing, member=member)
    if as_json:
        print_json(rows)
        return
    caption = counted(len(rows), "person", "people")
    if counts is not None:
        second = sum(1 for p in rows if p.degree == 2)
        caption += f" — of your data: {counts.text()}" + (
            f"; {second:,} second degree" if second else ""
        )
    table(
        "People you can see",
        ["#id", "name", "degree", "company", "title", "linkedin"],
        [(p.id, p.name, p.degree or "", p.company, p.title, p.linkedin) for p in rows],
        caption=caption,
    )


def person(
    ctx: typer.Context, query: PersonArg, member: AsViewer = None, as_json: Json = False
) -> None:
    """Everything about one person: identities, positions, ties, notes, events."""
    from weakties.service.people import person as record_of

    record = call(ctx, record_of, query, member=member)
    if as_json:
        print_json(record)
        return
    labels = {0: "you", 1: "1st degree", 2: "2nd degree"}
    degree = (
        labels.get(record.degree, "not connected")
        if record.degree is not None
        else ("not connected")
    )
    console.print(f"[bold]{esc(record.name)}[/]  #{record.id}  ({degree})")
    for label in ("headline", "location", "industry", "member", "linkedin"):
        value = getattr(record, label)
        if value:
            console.print(f"  {label}: {shown(value)}", markup=False)
    for kind, values in record.identities.items():
        if kind != "linkedin":
            console.print(f"  {kind}: {', '.join(shown(v) for v in values)}", markup=False)
    if record.positions:
        table(
            "Positions",
            ["organisation", "title", "from", "to", "source"],
            [
                (
                    p.org,
                    p.title,
                    p.start or "",
                    "now" if p.current else (p.end or ""),
                    p.source + (f" (seen {p.seen_on})" if p.source == "observed" else ""),
                )
                for p in record.positions
            ],
        )
    if record.interactions_with_you:
        table(
            "Traces with you",
            ["kind", "n", "first", "last"],
            [(i.kind, i.count, i.first, i.last) for i in record.interactions_with_you],
        )
    if record.ties:
        table(
            "Ties",
            ["with", "source", "asserted by", "since", "ended"],
            [(t.with_, t.source, t.asserted_by, t.since, t.ended or "") for t in record.ties[:50]],
            caption=counted(len(record.ties), "tie", "ties") if len(record.ties) > 50 else None,
        )
    for n in record.notes:
        console.print(f"  [cyan]{n.date} {n.kind}[/]: {esc(n.text)}")
    for e in record.events:
        console.print(f"  [magenta]{e.date} {event_words(e.kind)}[/]")


def events(
    ctx: typer.Context,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", metavar="KIND", help="Only these kinds (repeatable)."),
    ] = None,
    since: Annotated[
        dt.datetime | None,
        typer.Option(metavar="DATE", parser=parse_day, help="Only events since DATE."),
    ] = None,
    limit: Annotated[int | None, typer.Option(metavar="N", min=1, max=MAX_COUNT)] = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """What changed: new and lost connections, career moves, new contact details."""
    from weakties.service.people import events as list_events

    rows = call(
        ctx,
        list_events,
        member=member,
        kinds=kind,
        since=since.date() if since else None,
        limit=limit,
    )
    if as_json:
        print_json(rows)
        return
    table(
        "Events",
        ["date", "kind", "what"],
        [(e.date, event_words(e.kind), e.text) for e in rows],
        caption=counted(len(rows), "event", "events"),
    )


note_app = typer.Typer(help="Private notes on people (only you see them).", no_args_is_help=True)


@note_app.command("add")
def note_add(
    ctx: typer.Context,
    query: PersonArg,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The note.")],
    kind: Annotated[
        str, typer.Option(metavar="KIND", help="meeting, call, collaboration or note.")
    ] = "note",
    date: Annotated[
        dt.datetime | None,
        typer.Option(metavar="DATE", parser=parse_day, help="When (default: today)."),
    ] = None,
    member: AsViewer = None,
) -> None:
    """Write a private note about a person: a meeting, a call, a collaboration."""
    from weakties.service.people import add_note

    saved = call(
        ctx, add_note, query, text, member=member, kind=kind, on=date.date() if date else None
    )
    console.print(f"Note #{saved.id} saved.")


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
    from weakties.service.people import notes

    rows = call(ctx, notes, query, member=member)
    if as_json:
        print_json(rows)
        return
    table(
        "Notes",
        ["date", "kind", "person", "text"],
        [(n.date, n.kind, n.person, n.text) for n in rows],
    )
