"""``weakties import ...``: exports and address books into the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from weakties.cli.context import store
from weakties.cli.output import console, err, esc, made, print_json, table
from weakties.ingest.limits import Limits, MiB
from weakties.words import counted

if TYPE_CHECKING:  # the import pipeline loads when an import runs, not for --help
    from rich.progress import Progress

    from weakties.ingest.context import FileReport
    from weakties.ingest.run import ImportSummary
    from weakties.ingest.run import Progress as ImportProgress
    from weakties.store.engine import Store

app = typer.Typer(help="Import data: a LinkedIn export, address books.", no_args_is_help=True)

#: the tables an import adds rows to, as people say them (singular, plural)
TABLE_WORDS = {
    "person": ("person", "people"),
    "identity": ("identity", "identities"),
    "organization": ("organisation", "organisations"),
    "position": ("position", "positions"),
    "tie": ("tie", "ties"),
    "interaction": ("interaction", "interactions"),
    "event": ("event", "events"),
    "follow": ("follow", "follows"),
    "skill": ("skill", "skills"),
    "match_proposal": ("match proposal", "match proposals"),
}
#: the reasons a row is skipped that are things, counted (singular, plural)
SKIPPED_WORDS = {
    # a row of Connections.csv with no name: LinkedIn counts these members in the
    # connections it announces, and names none of them
    "hidden member": (
        "hidden member (a LinkedIn member counted, not named)",
        "hidden members (LinkedIn members counted, not named)",
    ),
    "duplicate row": ("duplicate row", "duplicate rows"),
    "empty contact": ("empty contact", "empty contacts"),
    "self-message": ("self-message", "self-messages"),
    "implausible date": ("implausible date", "implausible dates"),
    "mailing list": ("mailing list", "mailing lists"),
    "declined attendee": ("declined attendee", "declined attendees"),
    "draft": ("draft", "drafts"),
    "personal entry": ("personal entry", "personal entries"),
    "unknown sender": ("unknown sender", "unknown senders"),
}


def skipped_words(why: str, n: int) -> str:
    """A count of skipped rows and why, in words: "2 hidden members (...)",
    "1 no name"."""
    if why in SKIPPED_WORDS:
        return counted(n, *SKIPPED_WORDS[why])
    return f"{n:,} {why}"


AsMember = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="NAME",
        help="The member whose data this is (created on first import; default: "
        "$WEAKTIES_MEMBER, else the database's only member).",
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]
Force = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Import even when the data's owner (profile URL, name, e-mail) is not the "
        "member's known identity.",
    ),
]


def _progress() -> Progress:
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[rows]:,.0f} rows"),
        TimeElapsedColumn(),
        console=made(err),
        transient=True,
        disable=not err.is_terminal,
    )


@contextmanager
def importing(ctx: typer.Context) -> Iterator[tuple[Store, ImportProgress]]:
    """The store and a progress callback for one import command.

    A writer waiting for another one says so on stderr; a database file that
    this command created is removed again when the import fails (no empty
    database is left behind)."""
    opened = store(ctx)
    opened.notify = lambda message: err.print(f"[yellow]{esc(message)}[/]", soft_wrap=True)
    with _progress() as progress:
        task = progress.add_task("reading", total=None, rows=0)
        rows = [0]

        def tick(name: str, added: int, done: int, total: int) -> None:
            rows[0] += added
            # the description is Rich markup: a member named "[link=...]x[/link].csv"
            # must show as written, never as a hyperlink or a markup error
            progress.update(task, description=esc(name), completed=done, total=total, rows=rows[0])

        try:
            yield opened, tick
        except BaseException:
            from weakties.store.engine import discard_new

            discard_new(opened)
            raise


def _run(
    ctx: typer.Context, call: Callable[[Store, ImportProgress], ImportSummary]
) -> ImportSummary:
    with importing(ctx) as (opened, tick):
        summary = call(opened, tick)
    summary.people = _people_now(ctx, summary.member)
    return summary


def _people_now(ctx: typer.Context, member: str) -> dict[str, int]:
    """The member's people after the import, as LinkedIn counts them."""
    from dataclasses import asdict

    from weakties.cli.context import session
    from weakties.errors import NotFoundError
    from weakties.service.context import viewer
    from weakties.service.people import people_counts

    with session(ctx) as conn:
        try:
            return asdict(people_counts(conn, viewer(conn, member)))
        except NotFoundError:  # an import that named no member of this database
            return {}


def _summary(summary: ImportSummary, as_json: bool) -> None:
    if as_json:
        print_json(summary.as_dict())
        return
    if summary.unchanged:
        console.print(
            f"Nothing new: every file was already imported for [bold]{esc(summary.member)}[/]."
        )
    files: list[FileReport] = [f for f in summary.files if f.status in ("imported", "unchanged")]
    if summary.export_date_how == "records" and summary.export_date:
        console.print(f"Data up to {summary.export_date} (its newest record)", markup=False)
    elif summary.export_date_how == "undated":
        console.print(
            "No date in these files: the date of your data stays that of your other imports",
            markup=False,
        )
    elif summary.export_date and summary.export_date_source:
        how = (
            "given with --export-date"
            if summary.export_date_how == "given"
            else summary.export_date_source
        )
        console.print(f"Export of {summary.export_date} ({how})", markup=False)
    if files:
        read_as = any(f.read_as for f in files)
        table(
            f"Import for {summary.member} — "
            + (f"export of {summary.export_date}" if summary.export_date else "undated"),
            ["file", "kind", "version", "status", "rows", "skipped", "traces"]
            + (["read as"] if read_as else []),
            [
                (
                    f.name,
                    f.kind,
                    f.version,
                    f.status,
                    f.rows,
                    ", ".join(skipped_words(why, n) for why, n in f.skipped.items()),
                    f.traces,
                )
                + (("; ".join(f.read_as),) if read_as else ())
                for f in files
            ],
        )
    for warning in summary.warnings:
        err.print(f"[yellow]warning:[/] {esc(warning)}", soft_wrap=True)
    if not summary.unchanged:
        added = {k: v for k, v in summary.added.items() if v}
        console.print(
            "Added: "
            + (
                ", ".join(counted(v, *TABLE_WORDS.get(k, (k, k))) for k, v in added.items())
                or "nothing"
            )
            + f"  ({summary.seconds:.2f} s)"
        )
    if summary.people:
        from weakties.service.people import PeopleCounts

        counts = PeopleCounts(**summary.people)
        console.print(
            f"{esc(summary.member)} now: {counted(counts.total, 'person', 'people')} — "
            f"{counts.text()}",
            soft_wrap=True,
        )
    if summary.ignored:
        console.print(
            f"[dim]Ignored (not used by weakties): {esc(', '.join(summary.ignored))}[/]",
            soft_wrap=True,
        )
    if summary.unknown:
        console.print(
            f"[yellow]Unknown files (not read): {esc(', '.join(summary.unknown))}[/]",
            soft_wrap=True,
        )


@app.command("linkedin")
def linkedin(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH", help="The export ZIP, its unpacked folder, or CSV files."),
    ],
    member: AsMember = None,
    keep_content: Annotated[
        bool,
        typer.Option(
            "--keep-content", help="Also store message bodies and subjects (off: metadata only)."
        ),
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option(
            metavar="ENCODING",
            help="Force the text encoding, e.g. cp1252 for a file re-saved by Excel.",
        ),
    ] = None,
    max_unzipped: Annotated[
        int,
        typer.Option(metavar="MIB", help="Refuse a ZIP that unpacks to more than this many MiB."),
    ] = Limits().max_unzipped_total // MiB,
    export_date: Annotated[
        dt.datetime | None,
        typer.Option(
            metavar="DATE",
            formats=["%Y-%m-%d"],
            help="The day the export was made, when its file name does not say "
            "(a renamed ZIP or folder; default: the newest date in its files).",
        ),
    ] = None,
    date_order: Annotated[
        str | None,
        typer.Option(
            metavar="dmy|mdy",
            help="How to read numeric dates such as 04/07/2023: day first (dmy) or "
            "month first (mdy). Default: decided per file from its values.",
        ),
    ] = None,
    force: Force = False,
    as_json: Json = False,
) -> None:
    """Import a LinkedIn data export (Basic_ or Complete_LinkedInDataExport_*.zip).

    One transaction: on bad input nothing is written. Importing the same export
    again changes nothing; a newer export records what changed (events). An
    export whose owner is not the member's known identity is refused (--force).
    """
    from weakties.ingest.linkedin.importer import import_linkedin

    if date_order is not None and date_order not in ("dmy", "mdy"):
        raise typer.BadParameter("dmy or mdy", param_hint="--date-order")
    summary = _run(
        ctx,
        lambda opened, tick: import_linkedin(
            opened,
            paths,
            member,
            keep_content=keep_content,
            encoding=encoding,
            limits=Limits(max_unzipped_total=max_unzipped * MiB),
            progress=tick,
            export_date=export_date.date() if export_date else None,
            date_order=date_order,
            force=force,
        ),
    )
    _summary(summary, as_json)


def _contacts(
    ctx: typer.Context,
    paths: list[Path],
    member: str | None,
    fmt: str,
    as_json: bool,
    encoding: str | None,
) -> None:
    from weakties.ingest.contacts import import_contacts

    summary = _run(
        ctx,
        lambda opened, tick: import_contacts(
            opened, paths, member, fmt=fmt, encoding=encoding, progress=tick
        ),
    )
    _summary(summary, as_json)


@app.command("vcard")
def vcard(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH", help=".vcf files (vCard 3.0 or 4.0).")
    ],
    member: AsMember = None,
    as_json: Json = False,
) -> None:
    """Import an address book exported as vCard (Apple, Google, Outlook, Android)."""
    _contacts(ctx, paths, member, "vcard", as_json, None)


@app.command("google-csv")
def google_csv(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH", help="Google Contacts CSV export(s).")
    ],
    member: AsMember = None,
    encoding: Annotated[
        str | None, typer.Option(metavar="ENCODING", help="Force the text encoding.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Import a Google Contacts CSV (current and older 'Google CSV' headers)."""
    _contacts(ctx, paths, member, "google_csv", as_json, encoding)


@app.command("outlook-csv")
def outlook_csv(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH", help="Outlook contacts CSV export(s).")
    ],
    member: AsMember = None,
    encoding: Annotated[
        str | None, typer.Option(metavar="ENCODING", help="Force the text encoding.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Import an Outlook contacts CSV (Outlook desktop or outlook.com)."""
    _contacts(ctx, paths, member, "outlook_csv", as_json, encoding)


@app.command("contacts")
def contacts(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH", help="vCard or contacts CSV files.")
    ],
    member: AsMember = None,
    encoding: Annotated[
        str | None, typer.Option(metavar="ENCODING", help="Force the text encoding.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Import address-book files, recognising vCard, Google and Outlook formats."""
    _contacts(ctx, paths, member, "auto", as_json, encoding)
