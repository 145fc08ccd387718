"""Models learned from the history a viewer may see: fit them, keep them, use them.

``weakties model fit`` fits, as of a date, the tie model and the people-you-may-
know ranker on the viewer's own history (:mod:`weakties.ties.learned`) and keeps
the fit with the member's settings. Every command and page that scores the
member's ties uses a kept fit when it may serve their date — it saw nothing
after it, is at most 30 days older, and was made with the member's labels and
ask outcomes as they are now (:func:`weakties.ties.learned.serving_fit`, the
one rule of :func:`weakties.ties.strength.choose_model` and of
:func:`fitted_for`) — unless the member calibrated the model on their own
labels and that calibration predicts their labels at least as well as the fit
(:func:`compare`, kept with the member's settings whenever a fit or a
calibration is made; ``weakties model show`` says which model scores and why).

Reading never fits. Pages and the API score with that choice (the priors when
no kept fit serves): a fit takes seconds on a large network, and a page that
wrote one would change every other page's model under the member's eyes.
Fits are made by ``weakties model fit``, by the command line's ``ties`` and
``suggest`` when none serves their date (kept for the member when the date is
the present, so that every page then scores with it too; used once for a
past date or for the operator), and by the server's background task
(``fit_models`` in :mod:`weakties.service.tasks`) for members whose fit no
longer serves — after a new label or an ask's outcome, or a month on. Too
short a history falls back to the documented priors, saying why.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from weakties.service.context import Viewer, reader
from weakties.store import write

if TYPE_CHECKING:
    from weakties.store.reader import Reader
    from weakties.ties.learned import FittedModels, History
    from weakties.ties.model import TieModel
    from weakties.ties.strength import ModelChoice

__all__ = [
    "FitEvidence",
    "FitPart",
    "FitResult",
    "ModelState",
    "fit",
    "fitted_for",
    "show",
]


@dataclass(frozen=True, slots=True)
class FitPart:
    """One model of a fit: fitted or not, on how many examples, and why not."""

    fitted: bool
    rows: int
    positives: int
    note: str | None = None


@dataclass(frozen=True, slots=True)
class FitEvidence:
    """The member's labels and introduction outcomes, and what they did to the
    tie model: ``z' = scale z + shift`` (1 and 0 when they were not used)."""

    labels: int
    introductions: int
    used: int
    scale: float
    shift: float
    note: str | None = None


@dataclass(frozen=True, slots=True)
class FitResult:
    """What ``weakties model fit`` did."""

    viewer: str
    as_of: str
    kept: bool
    cuts: int
    ties: FitPart
    suggestions: FitPart
    evidence: FitEvidence
    #: when this fit was not kept: the date of the kept fit that stays
    stays: str | None = None
    #: the model that scores the member's ties now, and why (a calibration and
    #: this fit compared on the member's labels: :func:`compare`)
    scoring: str | None = None
    scoring_because: str | None = None


@dataclass(frozen=True, slots=True)
class ModelState:
    """What ``weakties model show`` says: the models a member has, which one
    scores their ties on the date, and why."""

    viewer: str
    as_of: str
    #: the model that scores (its name, as ``weakties ties`` gives it) and why
    scoring: str
    because: str
    #: the member's calibration: labels, strong labels, cross-validated AUC (None: none)
    calibration: dict[str, Any] | None
    #: the kept fit: its date, whether it has a tie model and serves the date (None: none)
    fit: dict[str, Any] | None
    #: the comparison of the two on the member's labels, when made (see :func:`compare`)
    comparison: dict[str, Any] | None


def _seconds(when: dt.datetime) -> float:
    return when.replace(tzinfo=dt.UTC).timestamp()


def compare(
    r: Reader, calibration: TieModel, fitted: FittedModels, when: dt.datetime, *, keep: bool
) -> dict[str, Any]:
    """Compare a member's calibration with a fit on their history on their own
    labels (:func:`weakties.ties.calibrate.compare_with_fit`) and, with
    ``keep``, keep the verdict for that calibration and that fit, so that every
    page then scores with the winner (:func:`weakties.ties.strength.choose_model`)."""
    from weakties.ties.calibrate import compare_with_fit
    from weakties.ties.strength import CHOICE_SETTING, model_key

    verdict = compare_with_fit(r, calibration, fitted, when)
    if keep:
        kept = {**verdict, "calibration": model_key(calibration), "fit": model_key(fitted)}
        write.save_member_setting(r, CHOICE_SETTING, json.dumps(kept))
    return verdict


def compare_kept(r: Reader, who: Viewer, when: dt.datetime) -> None:
    """After a fit or a calibration is kept: compare the member's calibration with
    their fit that serves the date, when they have both."""
    from weakties.ties.learned import serving_fit
    from weakties.ties.strength import model_for

    if who.member_id is None:
        return
    calibration = model_for(r, who.member_id)
    if calibration.name == "default":
        return
    fitted = serving_fit(r, who.member_id, when)
    if fitted is not None and fitted.ties is not None:
        compare(r, calibration, fitted, when, keep=True)


def fitted_for(
    conn: Connection, who: Viewer, when: dt.datetime, *, places: bool = False, fit: bool = False
) -> tuple[FittedModels, History] | None:
    """The fit that serves ``when`` for this viewer, and the history it reads.

    The kept fit when it may serve the date
    (:func:`weakties.ties.learned.serving_fit`); else, with ``fit`` (the
    command line only), one fitted on the history before the date — kept for a
    member when the date is the present (no ``--as-of``) — and without it None:
    reading never fits."""
    from weakties.ties.learned import SETTING, evidence_of, fit_models, read_history, serving_fit

    r = reader(conn, who)
    kept = serving_fit(r, who.member_id, when)
    if kept is None and not fit:
        return None
    history = read_history(r, when, places=places)
    if kept is not None:
        return kept, history
    fitted = fit_models(
        history.traces,
        _seconds(when),
        ties=history.ties,
        spans=history.spans,
        evidence=evidence_of(r, when),
    )
    if who.member_id is not None and who.as_of is None:
        write.save_member_setting(r, SETTING, fitted.to_json())
    return fitted, history


def _fitted_any(fitted: FittedModels) -> bool:
    return fitted.ties is not None or fitted.pymk is not None


def fit(conn: Connection, who: Viewer, *, replace: bool = False) -> FitResult:
    """Fit both models on the viewer's history before ``who.when`` and keep them
    (for a member; the operator's fit is only reported).

    A new fit never replaces a kept one that fitted a model when it fitted
    nothing itself (too short a history as of its date) — unless the kept fit
    no longer serves that date and is of an earlier one (retired: too old, or
    made before the member said more about their ties; the priors serve
    either way, and a retired fit kept would be fitted again at every pass of
    the server's background task) —, nor, unless ``replace``, a kept fit made
    as of a later date: a fit for the past (``--as-of``) must not undo the
    member's present one. The kept fit then stays, and ``stays`` says its date."""
    from weakties.ties.learned import (
        SETTING,
        evidence_of,
        fit_models,
        kept_fit,
        read_history,
        serving_fit,
    )
    from weakties.ties.strength import choose_model

    r = reader(conn, who)
    when = who.when
    history = read_history(r, when, places=True)
    evidence = evidence_of(r, when)
    fitted = fit_models(
        history.traces,
        _seconds(when),
        ties=history.ties,
        spans=history.spans,
        evidence=evidence,
    )
    kept = who.member_id is not None
    stays = None
    if kept:
        before = kept_fit(r, who.member_id)
        if before is not None and (
            (
                _fitted_any(before)
                and not _fitted_any(fitted)
                and (before.as_of > fitted.as_of or serving_fit(r, who.member_id, when))
            )
            or (before.as_of > fitted.as_of and not replace)
        ):
            kept, stays = False, before.date
        else:
            write.save_member_setting(r, SETTING, fitted.to_json())
            compare_kept(r, who, when)

    def part(name: str, model: object) -> FitPart:
        summary = fitted.summary.get(name, {})
        return FitPart(
            model is not None,
            int(summary.get("rows", 0)),
            int(summary.get("positives", 0)),
            fitted.notes.get(name),
        )

    seen = fitted.summary.get("evidence", {})
    choice = choose_model(r, who.member_id, when) if who.member_id is not None else None
    return FitResult(
        viewer=who.label,
        as_of=when.isoformat(timespec="seconds"),
        kept=kept,
        stays=stays,
        cuts=int(fitted.summary.get("cuts", 0)),
        ties=part("ties", fitted.ties),
        suggestions=part("pymk", fitted.pymk),
        evidence=FitEvidence(
            int(seen.get("labels", 0)),
            int(seen.get("introductions", 0)),
            int(seen.get("used", 0)),
            float(seen.get("scale", 1.0)),
            float(seen.get("shift", 0.0)),
            fitted.notes.get("evidence"),
        ),
        scoring=scoring_name(choice) if choice is not None else None,
        scoring_because=choice.reason if choice is not None else None,
    )


def scoring_name(choice: ModelChoice) -> str:
    """The name of the model a choice scores with (the fit's, over the priors)."""
    from weakties.ties.reasons import FITTED_MODEL

    if choice.fitted is not None:
        return FITTED_MODEL.format(date=choice.fitted.date)
    return choice.prior.name


def show(conn: Connection, who: Viewer) -> ModelState:
    """The member's models, and which one scores their ties on ``who.when`` and
    why (the rule of :func:`weakties.ties.strength.choose_model`)."""
    from weakties.service.context import person_of
    from weakties.ties.learned import kept_fit, serving_fit
    from weakties.ties.strength import choose_model, model_for

    person_of(who)
    r = reader(conn, who)
    when = who.when
    choice = choose_model(r, who.member_id, when)
    calibration = model_for(r, who.member_id)
    cal = None
    if calibration.name != "default":
        q = calibration.quality or {}
        cal = {
            "name": calibration.name,
            "labels": q.get("labels"),
            "strong": q.get("strong"),
            "cross_validated_auc": (q.get("calibrated_cross_validated") or {}).get("auc"),
        }
    kept = kept_fit(r, who.member_id)
    fit_state = None
    if kept is not None:
        fit_state = {
            "date": kept.date,
            "tie_model": kept.ties is not None,
            "serves": serving_fit(r, who.member_id, when) is not None,
        }
    comparison = None
    if choice.verdict is not None:
        comparison = {
            k: choice.verdict.get(k)
            for k in ("winner", "labels", "strong", "calibrated_auc", "fitted_auc")
        }
    return ModelState(
        viewer=who.label,
        as_of=when.isoformat(timespec="seconds"),
        scoring=scoring_name(choice),
        because=choice.reason,
        calibration=cal,
        fit=fit_state,
        comparison=comparison,
    )
