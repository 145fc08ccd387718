"""``weakties demo``: a generated network, three members' exports, the first look."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from weakties.cli.context import state
from weakties.cli.output import console, esc, note, print_json, shown, table
from weakties.words import counted


def demo(
    ctx: typer.Context,
    db_file: Annotated[
        Path,
        typer.Option(
            "--db-file", metavar="FILE", help="Where to write the demo database (recreated)."
        ),
    ] = Path("weakties-demo.sqlite"),
    people: Annotated[
        int, typer.Option(metavar="N", min=200, max=100_000, help="People in the generated world.")
    ] = 2000,
    seed: Annotated[int, typer.Option(metavar="N", help="Seed of the generated world.")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="Print the overview as JSON.")] = False,
    serve: Annotated[
        bool,
        typer.Option("--serve", help="Then serve it as a platform (weakties serve) until Ctrl-C."),
    ] = False,
    port: Annotated[int, typer.Option(metavar="N", help="Port for --serve.")] = 8000,
) -> None:
    """Generate a professional world, import three members' LinkedIn exports into a
    fresh SQLite file, and show the network of the first one."""
    import datetime as dt

    from weakties.demo import build_demo, seed_story
    from weakties.records import to_json
    from weakties.report.text import print_report
    from weakties.service import transaction, viewer
    from weakties.service.report import network_report, overview

    if state(ctx).db is not None:
        # a database given with --db (or WEAKTIES_DB) is never recreated by the demo
        note(f"the demo writes its own database, {db_file} (--db-file), not the one of --db")
    with console.status("Generating a world and importing three exports..."):
        store, result = build_demo(db_file, n_people=people, seed=seed)
    # the world ends on its export date: the report is as of the day after it
    as_of = dt.datetime.combine(result.world.end, dt.time()) + dt.timedelta(days=1)
    with transaction(store) as conn:
        first_look = overview(conn, viewer(conn, "you"))
        report = network_report(conn, viewer(conn, "you", as_of=as_of), remember=True)
        story = seed_story(conn, viewer(conn, "you"))
    if as_json:
        print_json(
            {
                "db": str(result.db),
                "seconds": round(result.seconds, 2),
                **to_json(first_look),
                "report": report,
                "story": story,
            }
        )
        return
    world = result.world
    console.print(
        f"[bold]weakties demo[/] — a world of {len(world.people):,} people and "
        f"{len(world.orgs):,} organisations (seed {seed}), generated and imported in "
        f"{result.seconds:.1f} s into [cyan]{esc(result.db)}[/]"
    )
    for summary in result.imports:
        added = summary.added
        console.print(
            f"  imported {esc(repr(summary.member))} (export of {summary.export_date}): "
            f"{added['tie']:,} ties, {added['interaction']:,} traces, {added['event']:,} events"
        )
    counts, explain = first_look.counts, first_look.explain
    console.print()
    console.print(
        f"[bold]Your network[/] (you are '{esc(first_look.viewer)}'; members: "
        f"{esc(', '.join(first_look.members))})"
    )
    for key, value in counts.items():
        console.print(f"  {value:>6,}  {explain[key]}")
    table(
        "The people you are most in touch with",
        ["#id", "name", "messages", "company", "title"],
        [(c.id, c.name, c.messages, c.company, c.title) for c in first_look.top_contacts],
    )
    table(
        "Organisations you can reach (people there now)",
        ["organisation", "1st degree", "2nd degree"],
        [(o.org, o.first_degree, o.second_degree) for o in first_look.top_organisations],
    )
    table(
        "Recent career moves among your contacts",
        ["when (seen)", "what"],
        [(e.date, e.text) for e in first_look.recent_career_moves],
    )
    db = f"--db {result.db}"
    console.print(
        "\nExplore it (three members share this database: --as names who is looking):\n"
        f'  weakties {db} people --as you --degree 2 --org "<organisation>"\n'
        f'  weakties {db} person --as you "<name>"\n'
        f"  weakties {db} events --as you\n"
        f'  weakties {db} ties --as you --explain "<name>"\n'
        f"  weakties {db} report --as you --html report.html\n"
        f"  weakties {db} orgs suggest-merges"
    )
    if story is not None:
        _print_story(story, str(result.db))
    console.print()
    print_report(report, console)
    if serve:
        from weakties.web.demo import serve_demo

        serve_demo(store, port=port)


def _print_story(story: dict[str, Any], db: str) -> None:
    """The seed's story: an organisation, who can introduce you there (the best
    path, and an alternative through someone else), a draft, the commands."""
    reach = story["reach"]
    first, alternative = story["first"], story["alternative"]
    console.print(
        f"\n[bold]Looking at {esc(reach.org)}[/] — "
        f"{counted(reach.people_there, 'person works', 'people work')} there; "
        "you know none of them."
    )
    console.print(f"  {shown(reach.text)}", soft_wrap=True, markup=False)
    console.print("  Who can introduce you, and why:")
    for label, p in (("best", first), ("or", alternative)):
        if p is None:
            console.print("     or: nobody else — this is the only way in", markup=False)
            continue
        console.print(f"   {label:>4} (#{p.rank}) {shown(p.why)}", soft_wrap=True, markup=False)
        if p.target.role:
            console.print(
                f"          → {shown(p.target.name)}: {shown(p.target.role)}",
                soft_wrap=True,
                markup=False,
            )
    console.print(f"\n  A draft to {esc(first.broker.name)} (nothing is sent):\n")
    for line in story["draft"].draft.splitlines():
        console.print(f"    {shown(line)}", markup=False, highlight=False, soft_wrap=True)
    console.print(
        f"  {shown(reach.org)} is now one of your targets: the feed watches it.\n"
        f'  weakties --db {db} intro --as you --to "{shown(story["org"])}" · '
        f'weakties --db {db} ask --as you "#{first.broker.id}" --for "#{first.target.id}" · '
        f"weakties --db {db} opportunities --as you",
        soft_wrap=True,
        markup=False,
    )
