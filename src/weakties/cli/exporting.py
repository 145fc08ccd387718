"""``weakties export``: the network you see as Parquet, CSV, GraphML or GEXF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from weakties.cli.context import call
from weakties.cli.options import AsOf, AsViewer, Json
from weakties.cli.output import console, esc, print_json


def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="parquet, csv, graphml or gexf.")],
    dest: Annotated[
        Path,
        typer.Argument(metavar="DEST", help="A folder (parquet, csv) or a file (graphml, gexf)."),
    ],
    member: AsViewer = None,
    everything: Annotated[
        bool,
        typer.Option(
            "--operator",
            help="The whole database, every member's data (for backups and the batch "
            "pipeline), rather than what one member may see.",
        ),
    ] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Replace DEST if it exists.")] = False,
    as_of: AsOf = None,
    as_json: Json = False,
) -> None:
    """Export the network you may see: people, ties, traces, places.

    Parquet and CSV write a folder of tables with a manifest (the batch
    pipeline reads the Parquet one); GraphML and GEXF write one graph file
    (NetworkX reads GraphML, Gephi opens GEXF). An export never holds what
    its viewer may not see; --operator exports the whole database."""
    from weakties.service.export import export as run

    if everything and member:
        raise typer.BadParameter("--operator exports every member's data: drop --as")
    result = call(
        ctx,
        run,
        fmt.lower(),
        dest,
        replace=replace,
        member=member,
        as_of=as_of,
        who="operator" if everything else "member",
    )
    if as_json:
        print_json(result)
        return
    rows = ", ".join(f"{n:,} {name}" for name, n in result.tables.items())
    console.print(f"exported the network of {esc(result.viewer)} to {esc(result.path)}: {rows}")
