"""The ``weakties`` command: parse, call the core, render. Nothing else lives here."""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from weakties import __version__
from weakties.cli import (
    admin,
    batch,
    exporting,
    importing,
    importing_more,
    models,
    network,
    opportunity,
    orgs,
    people,
    ties,
)
from weakties.cli.context import state
from weakties.cli.output import err, shown
from weakties.errors import AmbiguousError, WeaktiesError


class _Weakties(TyperGroup):
    """The root command: typed core errors become a message and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except AmbiguousError as exc:
            _error(str(exc))
            for candidate in exc.candidates:
                err.print(f"  {shown(candidate)}", markup=False)
            raise typer.Exit(exc.exit_code) from exc
        except WeaktiesError as exc:
            _error(str(exc))
            raise typer.Exit(exc.exit_code) from exc
        except typer.BadParameter as exc:
            # A value out of its range is the user's input, not a usage slip: one
            # line naming the option, as for any other bad input (exit status 2).
            _error(exc.format_message())
            raise typer.Exit(exc.exit_code) from exc


def _error(message: str) -> None:
    """``error: MESSAGE`` on stderr; the message may quote data (a name, a cell), so
    it is shown like data: never read as markup, control characters made visible."""
    err.print("[red]error:[/] ", end="")
    err.print(shown(message), markup=False, soft_wrap=True)


app = typer.Typer(
    cls=_Weakties,
    name="weakties",
    help="weakties — know the value of your ties. Import your LinkedIn export, see your network.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"weakties {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="FILE|URL",
            envvar="WEAKTIES_DB",
            help="Database file or URL (default: weakties.sqlite in your data folder).",
        ),
    ] = None,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            help="Log what imports, matching and scoring decide (-vv: every step).",
        ),
    ] = 0,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    from weakties.cli.log import log_to_stderr

    state(ctx).db = db
    log_to_stderr(verbose)


importing_more.register(importing.app)
app.add_typer(importing.app, name="import")
app.command("people")(people.people)
app.command("person")(people.person)
app.command("events")(people.events)
app.add_typer(people.note_app, name="note")
app.add_typer(orgs.app, name="orgs")
app.add_typer(admin.members_app, name="members")
app.add_typer(admin.matches_app, name="matches")
app.command("imports")(admin.imports)
app.add_typer(admin.db_app, name="db")
app.add_typer(network.graph_app, name="graph")
app.add_typer(ties.app, name="ties")
app.add_typer(models.app, name="model")
app.command("report")(ties.report)
app.command("degree")(network.degree)
app.command("mutual")(network.mutual)
app.command("paths")(network.paths)
app.command("intro")(opportunity.intro)
app.command("draft")(opportunity.draft)
app.command("reach")(opportunity.reach)
app.command("suggest")(opportunity.suggest)
app.command("opportunities")(opportunity.opportunities)
app.command("ask")(opportunity.ask)
app.add_typer(opportunity.asks_app, name="asks")
app.add_typer(opportunity.target_app, name="target")
app.command("do-not-ask")(opportunity.do_not_ask)
app.add_typer(opportunity.etiquette_app, name="etiquette")
app.command("export")(exporting.export)
app.command("batch")(batch.batch)


def _register_optional() -> None:
    from weakties.cli import demo, serve

    app.command("demo")(demo.demo)
    app.command("serve")(serve.serve)


_register_optional()


def _numba_cache() -> None:
    """numba keeps compiled kernels next to their sources (``cache=True``); where
    those are not writable (a system-wide install) it would compile them again in
    every process: keep them in the user's cache folder instead. Set at the
    process's start, never at import."""
    if "NUMBA_CACHE_DIR" in os.environ:
        return
    kernels = Path(__file__).resolve().parents[1] / "graph"
    if not os.access(kernels, os.W_OK):
        from platformdirs import user_cache_dir

        os.environ["NUMBA_CACHE_DIR"] = str(Path(user_cache_dir("weakties")) / "numba")


#: root options that take a value (the command's name is the first word after them)
_ROOT_VALUES = ("--db",)


def _named(args: list[str]) -> str | None:
    """The command ``args`` run (``people`` in ``--db x.sqlite -v people --limit 5``),
    None when they ask the root itself for something (``--help``, ``--version``)."""
    rest = iter(args)
    for arg in rest:
        if arg in _ROOT_VALUES:
            next(rest, None)
        elif _root_flag(arg):
            continue
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None


def _root_flag(arg: str) -> bool:
    """``--db=FILE``, ``--verbose``, ``-v``, ``-vv``…: a root option in one word."""
    if arg.startswith(tuple(f"{o}=" for o in _ROOT_VALUES)) or arg == "--verbose":
        return True
    return arg.startswith("-v") and set(arg[1:]) == {"v"}


def app_for(args: list[str]) -> typer.Typer:
    """The app with only the command ``args`` run, else the whole app.

    Typer turns every registered command into a click command, reading its
    parameters' annotations, before it parses anything: for the sixty commands
    about a twentieth of a second, on every call. A call that names its command
    needs only that one, with the same root options and error handling; the
    root's help, a mistyped name (answered with the names it may have meant) and
    anything else get the whole app."""
    name = _named(args)
    commands = [c for c in app.registered_commands if c.name == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if name is None or not (commands or groups):
        return app
    only = copy.copy(app)
    only.registered_commands, only.registered_groups = commands, groups
    return only


def main() -> None:
    """Entry point of the ``weakties`` command."""
    _numba_cache()
    try:
        app_for(sys.argv[1:])()
    except KeyboardInterrupt:
        err.print("interrupted: an unfinished import writes nothing")
        sys.exit(130)


if __name__ == "__main__":
    main()
