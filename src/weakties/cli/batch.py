"""``weakties batch``: the nightly batch on Apache Spark (``pip install 'weakties[spark]'``)."""

from __future__ import annotations

from typing import Annotated

import typer

from weakties.cli.options import Json
from weakties.cli.output import console, esc, print_json


def batch(
    job: Annotated[str, typer.Argument(metavar="JOB", help="ties, suggest, reach or all.")],
    source: Annotated[
        str,
        typer.Option(
            "--source",
            metavar="URL",
            help="A Parquet export folder (weakties export parquet DEST --operator) or "
            "postgresql://user:password@host/database (read over JDBC).",
        ),
    ],
    output: Annotated[
        str,
        typer.Option("--output", metavar="URL", help="The results folder (a path or file:// URL)."),
    ],
    master: Annotated[
        str | None,
        typer.Option(
            "--master",
            metavar="URL",
            envvar="WEAKTIES_SPARK_MASTER",
            help="Spark master (default local[2]: both cores of this machine).",
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Suggestions kept per person.")] = 10,
    max_degree: Annotated[
        int,
        typer.Option(
            "--max-degree",
            help="People with more ties than this are not used as a middle step of "
            "suggestions (0: no cap).",
        ),
    ] = 5000,
    as_json: Json = False,
) -> None:
    """Compute tie scores, people you may know and warm reach for every member on
    Spark, and switch the served results when the run is complete (a failed run
    leaves the previous results in place)."""
    from weakties.scale.batch import run_batch

    result = run_batch(
        job.lower(),
        source,
        output,
        master=master,
        top=top,
        max_degree=max_degree or None,
    )
    if as_json:
        print_json(result)
        return
    rows = ", ".join(f"{n:,} {name}" for name, n in result.rows.items())
    console.print(
        f"run {esc(result.run_id)} as of {result.as_of} ({esc(result.source_viewer)}): {rows}; "
        f"served from {esc(result.output)}"
    )
    for name, model in result.models.items():
        console.print(f"  {name}: {model}", markup=False)
    if any(result.capped.values()):
        console.print(
            f"  suggest: {result.capped.get('people', 0):,} people and "
            f"{result.capped.get('places', 0):,} places above the caps were not used as a "
            "middle step (--max-degree): these lists differ from the embedded engine's",
            markup=False,
        )
