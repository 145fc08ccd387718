"""``weakties demo``: a generated network, three members' exports, the first look."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from weakties.cli.output import console, print_json, table


def demo(
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
) -> None:
    """Generate a professional world, import three members' LinkedIn exports into a
    fresh SQLite file, and show the network of the first one."""
    import datetime as dt

    from weakties.demo import build_demo, seed_story
    from weakties.report.overview import network_overview
    from weakties.report.text import print_report
    from weakties.report.value import network_report
    from weakties.store.visibility import resolve_viewer

    with console.status("Generating a world and importing three exports..."):
        store, result = build_demo(db_file, n_people=people, seed=seed)
    # the world ends on its export date: the report is as of the day after it
    as_of = dt.datetime.combine(result.world.end, dt.time()) + dt.timedelta(days=1)
    with store.engine.begin() as conn:
        viewer = resolve_viewer(conn, "you")
        overview = network_overview(conn, viewer)
        report = network_report(conn, viewer, as_of=as_of, remember=True)
        story = seed_story(conn, viewer)
    if as_json:
        print_json(
            {
                "db": str(result.db),
                "seconds": round(result.seconds, 2),
                **overview,
                "report": report,
                "story": story,
            }
        )
        return
    world = result.world
    console.print(
        f"[bold]weakties demo[/] — a world of {len(world.people):,} people and "
        f"{len(world.orgs):,} organisations (seed {seed}), generated and imported in "
        f"{result.seconds:.1f} s into [cyan]{result.db}[/]"
    )
    for summary in result.imports:
        added = summary.added
        console.print(
            f"  imported {summary.member!r} (export of {summary.export_date}): "
            f"{added['tie']:,} ties, {added['interaction']:,} traces, {added['event']:,} events"
        )
    counts, explain = overview["counts"], overview["explain"]
    console.print()
    console.print(
        f"[bold]Your network[/] (you are '{overview['viewer']}'; members: "
        f"{', '.join(overview['members'])})"
    )
    for key, value in counts.items():
        console.print(f"  {value:>6,}  {explain[key]}")
    table(
        "The people you are most in touch with",
        ["#id", "name", "messages", "company", "title"],
        [
            (c["id"], c["name"], c["messages"], c["company"], c["title"])
            for c in overview["top_contacts"]
        ],
    )
    table(
        "Organisations you can reach (people there now)",
        ["organisation", "1st degree", "2nd degree"],
        [(o["org"], o["first_degree"], o["second_degree"]) for o in overview["top_organisations"]],
    )
    table(
        "Recent career moves among your contacts",
        ["when (seen)", "what"],
        [(e["date"], e["text"]) for e in overview["recent_career_moves"]],
    )
    console.print(
        "\nExplore it:\n"
        f'  weakties --db {result.db} people --degree 2 --org "<organisation>"\n'
        f'  weakties --db {result.db} person "<name>"\n'
        f"  weakties --db {result.db} events\n"
        f'  weakties --db {result.db} ties --explain "<name>"\n'
        f"  weakties --db {result.db} report --html report.html\n"
        f"  weakties --db {result.db} orgs suggest-merges"
    )
    if story is not None:
        _print_story(story, str(result.db))
    console.print()
    print_report(report, console)


def _print_story(story: dict[str, Any], db: str) -> None:
    """The seed's story: an organisation, who can introduce you there, a draft."""
    found = story["introductions"]
    reach = story["reach"]
    console.print(
        f"\n[bold]Looking at {reach['org']}[/] — {reach['people_there']} "
        f"{'person works' if reach['people_there'] == 1 else 'people work'} there; "
        "you know none of them."
    )
    console.print(f"  {reach['text']}", soft_wrap=True)
    console.print("  Who can introduce you, and why:")
    for p in found["paths"]:
        console.print(f"   {p['rank']}. {p['why']}", soft_wrap=True)
        if p["target"]["role"]:
            console.print(f"      → {p['target']['name']}: {p['target']['role']}", soft_wrap=True)
    first = found["paths"][0]
    console.print(f"\n  A draft to {first['broker']['name']} (nothing is sent):\n")
    for line in story["draft"]["draft"].splitlines():
        console.print(f"    {line}", markup=False, highlight=False, soft_wrap=True)
    console.print(
        f"  {reach['org']} is now one of your targets: the feed watches it.\n"
        f'  weakties --db {db} intro --to "{reach["org"]}" · '
        f'weakties --db {db} ask "#{first["broker"]["id"]}" --for "#{first["target"]["id"]}" · '
        f"weakties --db {db} opportunities",
        soft_wrap=True,
    )
