"""``weakties ties``: how strong each tie is, why, in which Dunbar layer; labels."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any

import typer

from weakties.cli.context import connection, viewer
from weakties.cli.output import console, esc, print_json, table
from weakties.store.errors import InputError
from weakties.store.people import find_person

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
AsOf = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
        help="Compute as on DATE, from the traces before it (default: now).",
    ),
]

app = typer.Typer(help="Tie strength: strong, weak, dormant, nominal — explained.")


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 1)


@app.callback(invoke_without_command=True)
def ties(
    ctx: typer.Context,
    klass: Annotated[
        str | None,
        typer.Option("--class", metavar="CLASS", help="Only strong, weak, dormant or nominal."),
    ] = None,
    layer: Annotated[
        int | None,
        typer.Option(metavar="N", help="Only the Dunbar layer N (5, 15, 50, 150, 500, ...)."),
    ] = None,
    explain: Annotated[
        str | None, typer.Option(metavar="PERSON", help="Explain one tie in full.")
    ] = None,
    as_of: AsOf = None,
    all_pairs: Annotated[
        bool,
        typer.Option("--all", help="Every pair with a trace before the date, not only yours."),
    ] = False,
    limit: Annotated[int | None, typer.Option(metavar="N", min=1, help="At most N.")] = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """Your ties, strongest first: score, class, Dunbar layer and the reasons."""
    if ctx.invoked_subcommand is not None:
        return
    from weakties.ties.strength import labels_for, score_ties

    with connection(ctx) as conn:
        me = None if all_pairs and not member else viewer(conn, member)
        scores = score_ties(conn, viewer=me, as_of=as_of, all_pairs=all_pairs)
        t = scores.table
        if all_pairs:
            order = sorted(
                range(len(scores)), key=lambda i: (-scores.score[i], int(t.a[i]), int(t.b[i]))
            )
            if klass:
                order = [i for i in order if scores.classes[i] == klass]
            order = order[:limit] if limit else order
            people = sorted({int(t.a[i]) for i in order} | {int(t.b[i]) for i in order})
            names = labels_for(conn, people)
            rows = [
                {
                    "a": names.get(int(t.a[i])),
                    "b": names.get(int(t.b[i])),
                    "score": round(float(scores.score[i]), 4),
                    "class": scores.classes[i],
                    "a_id": int(t.a[i]),
                    "b_id": int(t.b[i]),
                    "contacts": int(t.values["contacts"][i]),
                    "days_since_contact": _number(float(t.values["days_since_contact"][i])),
                }
                for i in order
            ]
            if as_json:
                print_json(rows)
            else:
                table(
                    f"Every pair in touch before {scores.as_of:%Y-%m-%d}",
                    ["a", "b", "score", "class", "contacts"],
                    [
                        (r["a"], r["b"], f"{r['score']:.2f}", r["class"], r["contacts"])
                        for r in rows
                    ],
                    caption=f"{len(rows):,} pairs",
                )
            return
        assert me is not None and scores.layer is not None
        if explain:
            pid = find_person(conn, me, explain)
            i = scores.index_of_person(pid)
            names = labels_for(conn, [pid])
            record = _explained(scores, i, names.get(pid, f"#{pid}"), pid)
            if as_json:
                print_json(record)
            else:
                _print_explanation(record)
            return
        order = sorted(range(len(scores)), key=lambda i: -scores.score[i])
        if klass:
            order = [i for i in order if scores.classes[i] == klass]
        if layer:
            order = [i for i in order if scores.layer[i] == layer]
        order = order[:limit] if limit else order
        others = [scores.other(i) for i in order]
        names = labels_for(conn, others)
        rows = [_row(scores, i, names.get(p), p) for i, p in zip(order, others, strict=True)]
    if as_json:
        print_json(rows)
        return
    table(
        f"Ties of {me.handle} as of {scores.as_of:%Y-%m-%d}",
        ["#id", "name", "score", "class", "layer", "why"],
        [
            (
                r["id"],
                r["name"],
                f"{r['score']:.2f}",
                r["class"],
                r["layer"] or "",
                "; ".join(x["text"] for x in r["reasons"][:2]),
            )
            for r in rows
        ],
        caption=f"{len(rows):,} ties (model: {scores.model.name})",
    )


def _row(scores: Any, i: int, name: str | None, pid: int) -> dict[str, Any]:
    t = scores.table
    return {
        "id": pid,
        "name": name,
        "score": round(float(scores.score[i]), 4),
        "class": scores.classes[i],
        "layer": int(scores.layer[i]) or None,
        "contacts": int(t.values["contacts"][i]),
        "days_since_contact": _number(float(t.values["days_since_contact"][i])),
        "mutual_contacts": int(t.values["mutual_contacts"][i]),
        "reasons": scores.reasons(i),
    }


def _explained(scores: Any, i: int | None, name: str, pid: int) -> dict[str, Any]:
    if i is None:
        return {
            "id": pid,
            "name": name,
            "class": None,
            "text": "no tie and no trace with this person before the date",
        }
    record = _row(scores, i, name, pid)
    record["features"] = {k: _number(v) for k, v in scores.table.row(i).items()}
    record["reasons"] = scores.reasons(i, top=20)
    record["model"] = scores.model.name
    return record


def _print_explanation(record: dict[str, Any]) -> None:
    if record.get("class") is None:
        console.print(f"{record['name']}: {record['text']}", markup=False)
        return
    console.print(
        f"[bold]{record['name']}[/]: [bold]{record['class']}[/] tie, strength "
        f"{record['score']:.2f}, Dunbar layer {record['layer'] or 'beyond 5000'}"
    )
    for reason in record["reasons"]:
        sign = "+" if reason["push"] > 0 else "−"
        console.print(f"  {sign} {esc(reason['text'])}  [dim]({reason['push']:+.2f})[/]")


@app.command("label")
def label(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(metavar="PERSON", help="#id, name, e-mail or URL.")],
    klass: Annotated[
        str | None,
        typer.Argument(metavar="[CLASS]", help="strong, weak, dormant or nominal."),
    ] = None,
    closeness: Annotated[
        int | None, typer.Option(metavar="1..5", help="Closeness instead of a class.")
    ] = None,
    member: AsViewer = None,
) -> None:
    """Say how strong a tie really is (used by `weakties ties calibrate`)."""
    from weakties.ties.calibrate import set_label

    with connection(ctx) as conn:
        me = viewer(conn, member)
        pid = find_person(conn, me, person)
        set_label(conn, me, pid, label=klass, closeness=closeness)
    console.print("Label saved.")


@app.command("calibrate")
def calibrate_cmd(
    ctx: typer.Context,
    forget: Annotated[bool, typer.Option("--forget", help="Back to the default model.")] = False,
    as_of: AsOf = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """Fit the tie strength model on your labels and keep it (shows the fit's quality)."""
    from weakties.ties.calibrate import calibrate, forget_calibration

    with connection(ctx) as conn:
        me = viewer(conn, member)
        if forget:
            forget_calibration(conn, me)
            console.print("Back to the default model.")
            return
        result = calibrate(conn, me, as_of=as_of)
    if as_json:
        print_json(
            {
                "weights": result.model.weights,
                "intercept": result.model.intercept,
                "quality": result.quality,
            }
        )
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
    from weakties.ties.infer import infer_ties

    with connection(ctx) as conn:
        me = viewer(conn, member)
        report = infer_ties(conn, me, enabled=False if off else (True if on else None))
    if as_json:
        print_json(report.as_dict())
        return
    if off:
        console.print("Inferred ties switched off and deleted.")
        return
    counts = report.counts
    console.print(
        "Inferred: "
        + (
            ", ".join(f"{n:,} {s.removeprefix('inferred_')} ties" for s, n in counts.items())
            or "nothing"
        )
        + (
            f" ({report.skipped_places} organisations too large to say anything)"
            if report.skipped_places
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
    from pathlib import Path

    from weakties.report.text import print_report
    from weakties.report.value import network_report

    with connection(ctx) as conn:
        me = viewer(conn, member)
        result = network_report(conn, me, as_of=as_of, remember=remember)
        if html:
            # written inside the transaction: a page that cannot be written
            # leaves no remembered report behind
            from weakties.report.html import render_html

            try:
                Path(html).write_text(render_html(result), encoding="utf-8")
            except OSError as exc:
                raise InputError(
                    f"cannot write the report: {exc.strerror}", file=str(html)
                ) from None
    if as_json:
        print_json(result)
        return
    print_report(result, console)
    if html:
        console.print(f"\nWritten: {html}")
