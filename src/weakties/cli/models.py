"""``weakties model fit``: learn from the network's own history."""

from __future__ import annotations

from typing import Annotated

import typer

from weakties.cli.context import call
from weakties.cli.options import AsOf, AsViewer, Json
from weakties.cli.output import console, print_json
from weakties.words import counted

app = typer.Typer(help="Models learned from the network's own history.")


@app.command("fit")
def fit(
    ctx: typer.Context,
    as_of: AsOf = None,
    member: AsViewer = None,
    as_json: Json = False,
    whole: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Fit on the whole database (operator) and only report it: nothing is kept.",
        ),
    ] = False,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Keep this fit even when the kept one is of a later date.",
        ),
    ] = False,
) -> None:
    """Fit the tie model and the people-you-may-know ranker on past periods of your
    history (features before each cut date, what happened in the next 30 days), and
    keep them: `ties` and `suggest` then use them. Your labels (`ties label`) and the
    outcomes of your asks for introductions rescale the tie model. A fit that fitted
    nothing never replaces a kept one, nor does a fit as of an earlier date than the
    kept one's unless --replace."""
    from weakties.service.models import fit as fit_models

    who = "operator" if whole else "member"
    result = call(ctx, fit_models, member=member, as_of=as_of, who=who, replace=replace)
    if as_json:
        print_json(result)
        return
    fitted = result.ties.fitted or result.suggestions.fitted
    if fitted:
        console.print(
            f"Fitted for {result.viewer} as of {result.as_of} on "
            f"{counted(result.cuts, 'past period', 'past periods')} of 30 days.",
            markup=False,
        )
    else:
        console.print(f"Nothing fitted for {result.viewer} as of {result.as_of}.", markup=False)
    for label, part, prior in (
        ("tie strength", result.ties, "the default model"),
        ("people you may know", result.suggestions, "Katz's index"),
    ):
        if part.fitted:
            console.print(
                f"  {label}: fitted on {part.rows:,} examples ({part.positives:,} positive)",
                markup=False,
            )
        elif result.stays is not None:
            console.print(f"  {label}: not fitted ({part.note})", markup=False)
        else:
            console.print(f"  {label}: not fitted ({part.note}); {prior} is used", markup=False)
    seen = result.evidence
    if seen.labels or seen.introductions:
        line = (
            f"  evidence: {counted(seen.labels, 'label', 'labels')}, "
            f"{counted(seen.introductions, 'introduction outcome', 'introduction outcomes')}; "
        )
        if seen.used:
            line += (
                f"{seen.used} on ties in touch rescale the tie model "
                f"(x{seen.scale:.2f}, {seen.shift:+.2f} in log-odds)"
            )
        else:
            line += seen.note or "not used: the tie model was not fitted"
        console.print(line, markup=False)
    if result.stays is not None:
        why = (
            "this one fitted nothing"
            if not fitted
            else "it is of a later date (--replace keeps this one instead)"
        )
        console.print(f"Not kept: the fit kept from {result.stays} stays; {why}.", markup=False)
    if result.kept and (result.ties.fitted or result.suggestions.fitted):
        uses = []
        if result.ties.fitted:
            uses.append(
                "every command and page that scores your ties (ties, report, introduction "
                "paths, keep in touch, briefs, the network pages) scores with the fitted tie "
                "model, unless you calibrated on your own labels (`weakties ties calibrate`)"
            )
        if result.suggestions.fitted:
            uses.append("`weakties suggest` ranks with the fitted ranker")
        console.print(f"Kept: {'; '.join(uses)}.", markup=False)
    if result.scoring:
        console.print(
            f"Scoring your ties: {result.scoring} — {result.scoring_because}.", markup=False
        )


@app.command("show")
def show(
    ctx: typer.Context, as_of: AsOf = None, member: AsViewer = None, as_json: Json = False
) -> None:
    """Which model scores your ties, and why: your calibration on your own labels
    (`ties calibrate`), the fit kept from your history (`model fit`), how the two
    compare on your labels (each on labels it did not learn from; the better
    scores, the calibration on a draw), else the documented priors."""
    from weakties.service.models import show as models_show

    state = call(ctx, models_show, member=member, as_of=as_of)
    if as_json:
        print_json(state)
        return
    console.print(
        f"Scoring the ties of {state.viewer} as of {state.as_of}: {state.scoring}", markup=False
    )
    console.print(f"  why: {state.because}", markup=False)
    cal = state.calibration
    if cal is None:
        console.print("  calibration: none (weakties ties label, then weakties ties calibrate)")
    else:
        auc = cal.get("cross_validated_auc")
        console.print(
            f"  calibration: on {cal.get('labels')} labels ({cal.get('strong')} strong)"
            + (f", AUC {auc:.3f} on labels it did not see" if auc is not None else ""),
            markup=False,
        )
    fit_state = state.fit
    if fit_state is None:
        console.print("  fit on your history: none (weakties model fit)")
    else:
        console.print(
            f"  fit on your history to {fit_state['date']}: "
            + ("a tie model" if fit_state["tie_model"] else "no tie model (too short a history)")
            + ("; serves the date" if fit_state["serves"] else "; does not serve the date"),
            markup=False,
        )
    c = state.comparison
    if c is not None and c.get("fitted_auc") is not None:
        console.print(
            f"  compared on {c['labels']} labelled ties in touch ({c['strong']} strong): "
            f"calibration AUC {c['calibrated_auc']:.3f}, fit AUC {c['fitted_auc']:.3f}",
            markup=False,
        )
