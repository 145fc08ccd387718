"""The options every command shares, defined once with one help text."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

__all__ = ["AsMember", "AsOf", "AsViewer", "Json", "PersonArg"]

AsViewer = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="NAME",
        envvar="WEAKTIES_MEMBER",
        help="The member looking (needed when several members share the database).",
    ),
]
AsMember = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="NAME",
        envvar="WEAKTIES_MEMBER",
        help="The member whose data this is (created on first import; needed unless the "
        "database has one member).",
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
AsOf = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
        help="Compute as on DATE, from the traces before it (default: now, or the day "
        "after your newest export when it is more than a month old).",
    ),
]
PersonArg = Annotated[
    str, typer.Argument(metavar="PERSON", help="#id, name, e-mail or LinkedIn URL.")
]
