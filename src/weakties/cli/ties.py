"""``weakties ties``: how strong each tie is, why, in which Dunbar layer; labels."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from weakties.cli.context import call, store
from weakties.cli.options import MAX_COUNT, PERSON_HELP, AsOf, AsViewer, Json, PersonArg
from weakties.cli.output import console, err, esc, note, print_json, shown, table
from weakties.errors import InputError
from weakties.words import counted, format_line, format_strength, signed_push

app = typer.Typer(help="Tie strength: strong, weak, dormant, nominal — explained.")

OPERATOR = "the whole database (no --as): every member's data, whatever they share"


def can_keep_fit(ctx: typer.Context) -> bool:
    """Whether a command may fit the member's model and keep it: not on a
    database that cannot be written, where reading must still work — the ties
    are then scored with the model already kept, else the default one (said in
    one note)."""
    db = store(ctx)
    if db.read_only:
        note(
            f"{db.name} is read-only: no new model is fitted and kept; scored with the "
            "model already kept, else the default one"
        )
    return not db.read_only


@app.callback(invoke_without_command=True)
def ties(
    ctx: typer.Context,
    klass: Annotated[
        str | None,
        typer.Option("--class", metavar="CLASS", help="Only strong, weak, dormant or nominal."),
    ] = None,
    layer: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            min=1,
            max=MAX_COUNT,
            help="Only the Dunbar layer N (5, 15, 50, 150, 500, ...).",
        ),
    ] = None,
    explain: Annotated[
        str | None,
        typer.Option(metavar="PERSON", help=f"Explain one tie in full. PERSON: {PERSON_HELP}"),
    ] = None,
    as_of: AsOf = None,
    all_pairs: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Every pair with a trace before the date, not only yours: with --as, the "
            "pairs that member may see; without, the whole database (operator).",
        ),
    ] = False,
    limit: Annotated[
        int | None, typer.Option(metavar="N", min=1, max=MAX_COUNT, help="At most N.")
    ] = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """Your ties, strongest first: score, class, Dunbar layer and the reasons."""
    if ctx.invoked_subcommand is not None:
        return
    from weakties.service import ties as service

    if all_pairs:
        ignored = [name for name, given in (("--explain", explain), ("--layer", layer)) if given]
        if ignored:
            # --all lists pairs that need not include the viewer: no layer of theirs,
            # and a tie is explained from one of its ends (--as)
            raise typer.BadParameter(
                f"{' and '.join(ignored)} cannot go with --all: explain a tie as one of "
                "its two people (--as A --explain B), list a layer without --all",
                param_hint="--all",
            )
        found = call(
            ctx,
            service.all_pairs,
            member=member,
            as_of=as_of,
            who="operator",
            klass=klass,
            limit=limit,
            fit=can_keep_fit(ctx),
        )
        if found.operator:
            err.print(f"[dim]note: {OPERATOR}[/]")
        if as_json:
            print_json(found.pairs)
            return
        table(
            f"Every pair in touch before {found.as_of}, as seen by {found.viewer}",
            ["a", "b", "score", "class", "contacts"],
            [(p.a, p.b, format_strength(p.score), p.klass, p.contacts) for p in found.pairs],
            caption=counted(len(found.pairs), "pair", "pairs"),
        )
        return
    if explain:
        record = call(
            ctx, service.explain, explain, member=member, as_of=as_of, fit=can_keep_fit(ctx)
        )
        if as_json:
            print_json(record)
            return
        if record.klass is None:
            console.print(f"{shown(record.name)}: {record.text}", markup=False)
            _model_because(record.model_because)
            return
        assert record.score is not None and record.base is not None
        placed = f"Dunbar layer {record.layer}" if record.layer else "in no Dunbar layer"
        line = record.strong_from if record.strong_from is not None else 0.5
        console.print(
            f"[bold]{esc(record.name)}[/]: [bold]{record.klass}[/] tie, strength "
            f"{format_strength(record.score, line)} (strong from {format_line(line)}, "
            f"{record.line_of or 'default'}), {placed}"
        )
        console.print("  how it adds up (log-odds; strength = 1 / (1 + e^−total)):", style="dim")
        console.print(f"    {signed_push(record.base)}  where every tie starts (the intercept)")
        for reason in record.reasons or []:
            console.print(f"    {signed_push(reason.push)}  {esc(reason.text)}")
        console.print(
            f"    {signed_push(record.log_odds or 0.0)}  total → strength "
            f"{format_strength(record.score, line)}",
            style="bold",
        )
        console.print(f"  model: {record.model}", markup=False, style="dim")
        _model_because(record.model_because)
        return
    listed = call(
        ctx,
        service.ties,
        member=member,
        as_of=as_of,
        klass=klass,
        layer=layer,
        limit=limit,
        fit=can_keep_fit(ctx),
    )
    if as_json:
        print_json(listed.ties)
        return
    table(
        f"Ties of {listed.viewer} as of {listed.as_of}",
        ["#id", "name", "score", "class", "layer", "why"],
        [
            (
                t.id,
                t.name,
                format_strength(t.score, t.strong_from),
                t.klass,
                t.layer or "",
                "; ".join(x.text for x in t.reasons[:2]),
            )
            for t in listed.ties
        ],
        caption=f"{counted(len(listed.ties), 'tie', 'ties')} (model: {listed.model}; strong from "
        + ", ".join(
            f"{format_line(v)} ({k})" if k != listed.model else format_line(v)
            for k, v in (listed.strong_from or {}).items()
        )
        + ")",
    )
    _model_because(listed.model_because)


def _model_because(because: str | None) -> None:
    if because:
        console.print(f"  why this model: {because}", markup=False, style="dim", soft_wrap=True)


@app.command("label")
def label(
    ctx: typer.Context,
    person: PersonArg,
    klass: Annotated[
        str | None,
        typer.Argument(metavar="[CLASS]", help="strong, weak, dormant or nominal."),
    ] = None,
    closeness: Annotated[
        int | None, typer.Option(metavar="1..5", min=1, max=5, help="Closeness instead of a class.")
    ] = None,
    member: AsViewer = None,
) -> None:
    """Say how strong a tie really is (used by `weakties ties calibrate`)."""
    from weakties.service.ties import label as save_label

    call(ctx, save_label, person, member=member, klass=klass, closeness=closeness)
    console.print("Label saved.")


@app.command("calibrate")
def calibrate_cmd(
    ctx: typer.Context,
    forget: Annotated[bool, typer.Option("--forget", help="Back to the default model.")] = False,
    as_of: AsOf = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """Fit the tie strength model on your labels and keep it (shows the fit's quality);
    with a fit on your history too, the one that predicts your labels better scores
    (`weakties model show`)."""
    from weakties.service.ties import calibrate, forget_calibration

    if forget:
        call(ctx, forget_calibration, member=member)
        console.print("Back to the default model.")
        return
    result = call(ctx, calibrate, member=member, as_of=as_of)
    if as_json:
        print_json(result)
        return
    q = result.quality
    console.print(f"Calibrated on {q['labels']} labels ({q['strong']} strong).")
    console.print(
        f"  default model on these labels: accuracy {q['default']['accuracy']:.0%}, "
        f"AUC {q['default']['auc']:.2f}"
    )
    if "calibrated_cross_validated" in q:
        cv = q["calibrated_cross_validated"]
        console.print(
            f"  calibrated, on labels it did not see ({cv['folds']}-fold): "
            f"accuracy {cv['accuracy']:.0%}, AUC {cv['auc']:.2f}"
        )
    if result.scoring:
        console.print(
            f"Scoring your ties: {result.scoring} — {result.scoring_because}", markup=False
        )


@app.command("infer")
def infer(
    ctx: typer.Context,
    off: Annotated[
        bool, typer.Option("--off", help="Switch inference off (deletes them).")
    ] = False,
    on: Annotated[bool, typer.Option("--on", help="Switch inference back on.")] = False,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """Infer ties between your contacts: colleagues, classmates, co-recipients."""
    from weakties.service.ties import infer as infer_ties

    report = call(ctx, infer_ties, member=member, enabled=False if off else (True if on else None))
    if as_json:
        print_json(report)
        return
    if off:
        console.print("Inferred ties switched off and deleted.")
        return
    console.print(
        "Inferred: "
        + (
            ", ".join(
                counted(n, f"{kind} tie", f"{kind} ties")
                for s, n in report.ties.items()
                if (kind := s.removeprefix("inferred_"))
            )
            or "nothing"
        )
        + (
            f" ({report.skipped_large_organisations} organisations too large to say anything)"
            if report.skipped_large_organisations
            else ""
        )
    )


def report(
    ctx: typer.Context,
    as_of: AsOf = None,
    html: Annotated[
        str | None, typer.Option("--html", metavar="FILE", help="Also write a self-contained page.")
    ] = None,
    remember: Annotated[
        bool,
        typer.Option(help="Keep the headline numbers to show what changed next time."),
    ] = True,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """The network value report: classes, layers, reach, diversity, brokerage, circles,
    dormant and decaying ties, reciprocity, change since the last report."""
    from weakties.service.report import network_report

    def write_page(result: object) -> None:
        # written inside the transaction: a page that cannot be written leaves no
        # remembered report behind
        from weakties.report.html import render_html

        write_whole(Path(str(html)), render_html(result))  # type: ignore[arg-type]

    if remember and store(ctx).read_only:
        remember = False
        note(
            f"{store(ctx).name} is read-only: this report is not remembered, so the next "
            "one cannot say what changed since"
        )
    result = call(
        ctx,
        network_report,
        member=member,
        as_of=as_of,
        remember=remember,
        after=write_page if html else None,
    )
    if as_json:
        print_json(result)
        return
    if html:
        console.print(f"Written: {shown(html)}", markup=False, soft_wrap=True)
        return
    from weakties.report.text import print_report

    print_report(result, console)


def write_whole(path: Path, text: str) -> None:
    """Write a file whole or not at all: into a temporary file beside it, then
    renamed over it — a full disk or an interruption leaves no empty or
    half-written page (and an older page as it was).

    Raises
    ------
    InputError
        The folder is missing or not writable, the disk is full, or ``path`` is
        something other than a regular file (a device such as ``/dev/full``, a
        folder, a pipe, a symbolic link): it is never replaced.
    """
    import os
    import tempfile

    if path.is_symlink() or (path.exists() and not path.is_file()):
        # renamed over, a device (/dev/full), a pipe or a link would become a file
        raise InputError(
            "cannot write the report: not a regular file (a device, a folder, a pipe or a "
            "link): give the name of a file",
            file=str(path),
        )
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path(".")
        )
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror}", file=str(path)) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)  # as an ordinary new file would be
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"cannot write the report: {exc.strerror}", file=str(path)) from None
