"""The ``weakties`` command: parse, call the core, render. Nothing else lives here."""

from __future__ import annotations

import gc
import importlib
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from weakties import __version__
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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"weakties {__version__}")
        raise typer.Exit()


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


#: the root's commands in the order the help lists them: the name, its module in
#: weakties.cli (imported only when the command is built) and the attribute there
#: (a function, or the Typer of a group of commands)
_COMMANDS = (
    ("import", "importing", "app"),
    ("people", "people", "people"),
    ("person", "people", "person"),
    ("events", "people", "events"),
    ("note", "people", "note_app"),
    ("orgs", "orgs", "app"),
    ("members", "admin", "members_app"),
    ("matches", "admin", "matches_app"),
    ("imports", "admin", "imports"),
    ("db", "admin", "db_app"),
    ("graph", "network", "graph_app"),
    ("ties", "ties", "app"),
    ("model", "models", "app"),
    ("report", "ties", "report"),
    ("degree", "network", "degree"),
    ("mutual", "network", "mutual"),
    ("paths", "network", "paths"),
    ("intro", "opportunity", "intro"),
    ("draft", "opportunity", "draft"),
    ("reach", "opportunity", "reach"),
    ("suggest", "opportunity", "suggest"),
    ("opportunities", "opportunity", "opportunities"),
    ("ask", "opportunity", "ask"),
    ("asks", "opportunity", "asks_app"),
    ("target", "opportunity", "target_app"),
    ("do-not-ask", "opportunity", "do_not_ask"),
    ("etiquette", "opportunity", "etiquette_app"),
    ("export", "exporting", "export"),
    ("batch", "batch", "batch"),
    ("demo", "demo", "demo"),
    ("serve", "serve", "serve"),
)


def _command(module: str, attribute: str) -> Any:
    """A command's function or a group's Typer, its module imported now."""
    found = getattr(importlib.import_module(f"weakties.cli.{module}"), attribute)
    if module == "importing" and not any(
        c.name == "mbox" for c in found.registered_commands
    ):  # the other sources' commands live in their own module
        from weakties.cli import importing_more

        importing_more.register(found)
    return found


def _built(only: str | None = None) -> typer.Typer:
    """The root command with all its commands, or with ``only`` that one."""
    built = typer.Typer(
        cls=_Weakties,
        name="weakties",
        help=(
            "weakties — know the value of your ties. Import your LinkedIn export, see your network."
        ),
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )
    built.callback()(root)
    for name, module, attribute in _COMMANDS:
        if only is None or name == only:
            found = _command(module, attribute)
            if isinstance(found, typer.Typer):
                built.add_typer(found, name=name)
            else:
                built.command(name)(found)
    return built


_WHOLE: list[typer.Typer] = []


def _whole() -> typer.Typer:
    """The root command with every command, built once."""
    if not _WHOLE:
        _WHOLE.append(_built())
    return _WHOLE[0]


def __getattr__(name: str) -> Any:
    # ``app``, the whole command, is built (its modules imported) when first asked for
    if name == "app":
        return _whole()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    anything else get the whole app. Only the named command's module is imported
    (the others' imports are a few hundredths of a second more)."""
    name = _named(args)
    if name is None or name not in {n for n, _module, _attribute in _COMMANDS}:
        return _whole()
    return _built(only=name)


#: young objects allocated between two collections of the youngest generation in a
#: command (Python's default: 700)
YOUNG_THRESHOLD = 20_000


def _collect_less(args: list[str]) -> None:
    """Run the garbage collector's youngest generation every :data:`YOUNG_THRESHOLD`
    allocations instead of every 700, in a command that computes once and exits.

    A command allocates some hundreds of thousands of objects before its answer
    (its modules, SQLAlchemy's tables and compiled statements, the rows it reads),
    nearly all kept to the end and none of them garbage; with the default
    thresholds the collector ran some 230 times during ``weakties degree`` and
    scanned the same survivors again in its older generations, twice in full:
    0.1 to 0.18 s of CPU of a one-second command, 0.05 s with this threshold.
    Garbage cycles are still collected, in larger batches. The server (``serve``)
    keeps Python's thresholds: it manages its collector itself
    (:mod:`weakties.service.live`)."""
    if _named(args) == "serve":
        return
    young, *older = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_THRESHOLD), *older)


def main() -> None:
    """Entry point of the ``weakties`` command."""
    _numba_cache()
    _collect_less(sys.argv[1:])
    try:
        app_for(sys.argv[1:])()
    except KeyboardInterrupt:
        err.print("interrupted: an unfinished import writes nothing")
        sys.exit(130)


if __name__ == "__main__":
    main()
