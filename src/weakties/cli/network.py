"""Graph questions on the imported network: stats, degree badge, mutual contacts, paths."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
import typer
from sqlalchemy import Connection, select

from weakties.cli.context import connection, viewer
from weakties.cli.output import console, esc, print_json, table
from weakties.graph import Graph
from weakties.graph.errors import NodeNotFound
from weakties.model.tables import Person
from weakties.store.errors import InputError
from weakties.store.people import find_person
from weakties.store.visibility import Viewer

AsViewer = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="NAME",
        envvar="WEAKTIES_MEMBER",
        help="The member looking (default: the first member of the database).",
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
PersonArg = Annotated[str, typer.Argument(metavar="PERSON", help="#id, name, e-mail or URL.")]

graph_app = typer.Typer(help="The network as a graph: size, components, reach.")

DEGREE_LABEL = {0: "you", 1: "1st", 2: "2nd", 3: "3rd"}


def _snapshot(conn: Connection, me: Viewer) -> Any:
    from weakties.graph import Graph

    return Graph.from_store(conn, me)


def _names(conn: Connection, person_ids: list[int]) -> dict[int, str]:
    if not person_ids:
        return {}
    return dict(
        conn.execute(select(Person.id, Person.display_name).where(Person.id.in_(person_ids))).all()
    )


@graph_app.command("stats")
def stats(ctx: typer.Context, member: AsViewer = None, as_json: Json = False) -> None:
    """Nodes, ties, components and your exact 1st/2nd/3rd-degree reach."""
    from weakties.graph.summary import graph_stats

    with connection(ctx) as conn:
        me = viewer(conn, member)
        g = _snapshot(conn, me)
        result = graph_stats(g, focus=g.node_of(me.person_id))
    if as_json:
        print_json(result)
        return
    console.print(f"[bold]The network {esc(me.handle)} can see[/]")
    for key in ("nodes", "edges", "isolated", "components", "largest_component", "density"):
        console.print(f"  {key.replace('_', ' '):<18} {result[key]:,}")
    degree = result["degree"]
    console.print(
        f"  {'degree':<18} mean {degree['mean']}, median {degree['median']}, max {degree['max']}"
    )
    r = result["reach"]
    console.print(
        f"  {'your reach':<18} {r['first_degree']:,} 1st, {r['second_degree']:,} 2nd, "
        f"{r['third_degree']:,} 3rd degree"
    )


def _node(g: Graph, pid: int) -> int | None:
    """The person's node, or None when none of their ties is visible."""
    try:
        return g.node_of(pid)
    except NodeNotFound:
        return None


def degree(
    ctx: typer.Context, person: PersonArg, member: AsViewer = None, as_json: Json = False
) -> None:
    """How far someone is from you (1st, 2nd, 3rd degree) and how many contacts you share."""
    with connection(ctx) as conn:
        me = viewer(conn, member)
        pid = find_person(conn, me, person)
        if pid == me.person_id:
            raise InputError("that is you: a degree is a distance to someone else")
        g = _snapshot(conn, me)
        a, b = _node(g, me.person_id), _node(g, pid)
        if a is None or b is None:  # no visible tie: beyond reach
            hops, shared, routes = None, np.empty(0), 0
        else:
            hops = g.distance(a, b, max_hops=3)
            shared = g.mutual(a, b)
            routes = len(g.shortest_paths(a, b)) if hops else 0
        name = _names(conn, [pid])[pid]
    result = {
        "person_id": pid,
        "name": name,
        "degree": hops,
        "label": DEGREE_LABEL.get(hops, "beyond 3rd") if hops is not None else "beyond 3rd",
        "mutual_contacts": int(shared.size),
        "shortest_paths": routes,
    }
    if as_json:
        print_json(result)
        return
    console.print(
        f"{esc(name)}: [bold]{result['label']}[/] degree — {result['mutual_contacts']} mutual "
        f"contact(s), {routes} shortest path(s)"
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
    with connection(ctx) as conn:
        me = viewer(conn, member)
        first = find_person(conn, me, a)
        second = find_person(conn, me, b) if b else me.person_id
        g = _snapshot(conn, me)
        x, y = _node(g, first), _node(g, second)
        nodes = g.mutual(x, y) if x is not None and y is not None else np.empty(0, np.int64)
        ids = [g.person_of(n) for n in nodes.tolist()]
        names = _names(conn, [first, second, *ids])
    rows = [{"id": pid, "name": names.get(pid)} for pid in ids]
    if as_json:
        print_json(rows)
        return
    table(
        f"Contacts {names.get(first)} and {names.get(second)} share",
        ["#id", "name"],
        [(r["id"], r["name"]) for r in rows],
        caption=f"{len(rows)} mutual contacts",
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
    with connection(ctx) as conn:
        me = viewer(conn, member)
        if b is None:
            start, end = me.person_id, find_person(conn, me, a)
        else:
            start, end = find_person(conn, me, a), find_person(conn, me, b)
        g = _snapshot(conn, me)
        x, y = _node(g, start), _node(g, end)
        found = g.shortest_paths(x, y, max_len=3) if x is not None and y is not None else []
        ids = [[g.person_of(n) for n in path] for path in found]
        names = _names(conn, sorted({p for path in ids for p in path} | {start, end}))
    rows = [[{"id": p, "name": names.get(p)} for p in path] for path in ids]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print(
            f"No path of 3 hops or fewer from {names[start]} to {names[end]}.", markup=False
        )
        return
    for path in rows:
        console.print(" → ".join(p["name"] or f"#{p['id']}" for p in path), markup=False)
    console.print(f"[dim]{len(rows)} shortest path(s) of {len(rows[0]) - 1} hop(s)[/]")
