"""Graph questions on the imported network: stats, degree badge, mutual contacts, paths."""

from __future__ import annotations

from typing import Annotated

import typer

from weakties.cli.context import call
from weakties.cli.options import AsViewer, Json, PersonArg
from weakties.cli.output import console, esc, print_json, shown, table
from weakties.words import counted, first_degree_words

graph_app = typer.Typer(help="The network as a graph: size, components, reach.")


@graph_app.command("stats")
def stats(ctx: typer.Context, member: AsViewer = None, as_json: Json = False) -> None:
    """Nodes, ties, components and your exact 1st/2nd/3rd-degree reach."""
    from weakties.service.network import graph_stats
    from weakties.service.people import people_counts

    result = call(ctx, graph_stats, member=member)
    if as_json:
        print_json(result)
        return
    people = call(ctx, people_counts, member=member)
    console.print("[bold]The network you can see[/]")
    for key in ("nodes", "edges", "isolated", "components", "largest_component", "density"):
        console.print(f"  {key.replace('_', ' '):<18} {getattr(result, key):,}")
    degree = result.degree
    console.print(f"  {'degree':<18} mean {degree.mean}, median {degree.median}, max {degree.max}")
    r = result.reach
    console.print(
        f"  {'your reach':<18} {r.first_degree:,} 1st "
        f"({first_degree_words(r.first_degree, people.connections, people.address_book)}), "
        f"{r.second_degree:,} 2nd, {r.third_degree:,} 3rd degree",
        markup=False,
    )


def degree(
    ctx: typer.Context, person: PersonArg, member: AsViewer = None, as_json: Json = False
) -> None:
    """How far someone is from you (1st, 2nd, 3rd degree) and how many contacts you share."""
    from weakties.service.network import degree as degree_of

    result = call(ctx, degree_of, person, member=member)
    if as_json:
        print_json(result)
        return
    console.print(
        f"{esc(result.name)}: [bold]{result.label}[/] degree — "
        f"{counted(result.mutual_contacts, 'mutual contact', 'mutual contacts')}, "
        f"{counted(result.shortest_paths, 'shortest path', 'shortest paths')}"
    )


def mutual(
    ctx: typer.Context,
    a: PersonArg,
    b: Annotated[
        str | None, typer.Argument(metavar="[PERSON]", help="Second person (default: you).")
    ] = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """The contacts two people share (you and PERSON, or PERSON and PERSON)."""
    from weakties.service.network import mutual as mutual_of

    result = call(ctx, mutual_of, a, b, member=member)
    if as_json:
        print_json(result.people)
        return
    table(
        f"Contacts {shown(result.a.name)} and {shown(result.b.name)} share",
        ["#id", "name"],
        [(p.id, p.name) for p in result.people],
        caption=counted(len(result.people), "mutual contact", "mutual contacts"),
    )


def paths(
    ctx: typer.Context,
    a: PersonArg,
    b: Annotated[
        str | None,
        typer.Argument(
            metavar="[PERSON]", help="Where the paths end (default: from you to PERSON)."
        ),
    ] = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """Every shortest path of at most 3 hops between two people (everyone in the middle)."""
    from weakties.service.network import paths as paths_of

    result = call(ctx, paths_of, a, b, member=member)
    if as_json:
        print_json(result.paths)
        return
    if not result.paths:
        console.print(
            f"No path of 3 hops or fewer from {shown(result.start.name)} to "
            f"{shown(result.end.name)}.",
            markup=False,
        )
        return
    for path in result.paths:
        console.print(" → ".join(shown(p.name) or f"#{p.id}" for p in path), markup=False)
    console.print(
        f"[dim]{counted(len(result.paths), 'shortest path', 'shortest paths')} of "
        f"{counted(len(result.paths[0]) - 1, 'hop', 'hops')}[/]"
    )
