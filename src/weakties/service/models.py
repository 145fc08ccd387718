"""Models learned from the history a viewer may see: fit them, keep them, use them.

``weakties model fit`` fits, as of a date, the tie model and the people-you-may-
know ranker on the viewer's own history (:mod:`weakties.ties.learned`) and keeps
the fit with the member's settings. Every command and page that scores the
member's ties uses a kept fit when it may serve their date (it saw nothing after
it, and is at most 30 days older; :func:`weakties.ties.strength.choose_model`),
unless the member calibrated the model on their own labels. ``ties`` and
``suggest`` also fit one when none serves their date — kept for the member when
the date is the present (so that everything else then scores with it too), used
once for a past date or for the operator — and fall back to the documented
priors when the history is too short, saying why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from weakties.service.context import Viewer, reader
from weakties.store import write

if TYPE_CHECKING:
    from weakties.store.reader import Reader
    from weakties.ties.learned import Evidence, FittedModels, History

__all__ = ["FitEvidence", "FitPart", "FitResult", "fit", "fitted_for"]


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


def _seconds(when: dt.datetime) -> float:
    return when.replace(tzinfo=dt.UTC).timestamp()


def _kept(r: Reader, who: Viewer) -> FittedModels | None:
    from weakties.ties.learned import kept_fit

    return kept_fit(r, who.member_id) if who.member_id is not None else None


def _evidence(r: Reader, who: Viewer, when: dt.datetime) -> Evidence | None:
    """The member's labels given before ``when`` and the outcomes of their asks
    closed before it (None for the operator and the shared view)."""
    from weakties.ties.learned import evidence_from

    if who.member_id is None or who.person_id is None:
        return None
    labels = [(int(p), label, closeness) for p, label, closeness in r.tie_labels(before=when)]
    asks = [
        (int(a.broker_id), str(a.status))
        for a in r.asks(before=when)
        if a.closed_at is not None and a.closed_at < when
    ]
    return evidence_from(who.person_id, labels, asks)


def fitted_for(
    conn: Connection, who: Viewer, when: dt.datetime, *, places: bool = False
) -> tuple[FittedModels, History]:
    """The fit that serves ``when`` for this viewer, and the history it reads.

    A kept fit is used when it may serve the date and was made with the same
    evidence (labels, introduction outcomes); otherwise one is fitted on the
    history before the date — and kept for a member when the date is the
    present (no ``--as-of``)."""
    from weakties.ties.learned import SETTING, fit_models, read_history

    r = reader(conn, who)
    history = read_history(r, when, places=places)
    kept = _kept(r, who)
    at = _seconds(when)
    evidence = _evidence(r, who, when)
    digest = evidence.digest() if evidence is not None and len(evidence) else None
    if (
        kept is not None
        and kept.usable_at(at)
        and kept.summary.get("evidence", {}).get("digest") == digest
    ):
        return kept, history
    fitted = fit_models(
        history.traces, at, ties=history.ties, spans=history.spans, evidence=evidence
    )
    if who.member_id is not None and who.as_of is None:
        write.save_member_setting(r, SETTING, fitted.to_json())
    return fitted, history


def fit(conn: Connection, who: Viewer) -> FitResult:
    """Fit both models on the viewer's history before ``who.when`` and keep them
    (for a member; the operator's fit is only reported)."""
    from weakties.ties.learned import SETTING, fit_models, read_history

    r = reader(conn, who)
    when = who.when
    history = read_history(r, when, places=True)
    evidence = _evidence(r, who, when)
    fitted = fit_models(
        history.traces,
        _seconds(when),
        ties=history.ties,
        spans=history.spans,
        evidence=evidence,
    )
    kept = who.member_id is not None
    if kept:
        write.save_member_setting(r, SETTING, fitted.to_json())

    def part(name: str, model: object) -> FitPart:
        summary = fitted.summary.get(name, {})
        return FitPart(
            model is not None,
            int(summary.get("rows", 0)),
            int(summary.get("positives", 0)),
            fitted.notes.get(name),
        )

    seen = fitted.summary.get("evidence", {})
    return FitResult(
        viewer=who.label,
        as_of=when.isoformat(timespec="seconds"),
        kept=kept,
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
    )
