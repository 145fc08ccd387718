"""Tie strength as a member sees it: their ties explained, every pair (for the
operator, or within what a member may see), labels, calibration, inference.

Whom a member is not shown (a block either way, a suspended member) is in none of
their lists, even where their own imported data holds them
(:func:`weakties.service.social.shown_reader`)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from weakties.records import build_list, json_field
from weakties.service.context import Viewer, person_of, reader
from weakties.service.social import shown_reader
from weakties.store import write

if TYPE_CHECKING:
    from weakties.store.reader import Reader
    from weakties.ties.strength import TieScores

__all__ = [
    "CalibrationResult",
    "InferenceResult",
    "PairList",
    "PairScore",
    "Reason",
    "TieExplanation",
    "TieList",
    "TieScore",
    "all_pairs",
    "calibrate",
    "explain",
    "forget_calibration",
    "infer",
    "label",
    "ties",
]


@dataclass(frozen=True, slots=True)
class Reason:
    """One input of the model in words, and its signed part of the score's
    log-odds (``push``). ``text`` is in English; ``key`` and ``params`` are the
    facts it words (:mod:`weakties.ties.reasons`), which a page words in the
    member's language."""

    feature: str
    push: float
    text: str
    key: str = ""
    params: dict[str, float | int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TieScore:
    """One of the viewer's ties: strength, class, Dunbar layer, the reasons."""

    id: int
    name: str | None
    score: float
    klass: str = field(metadata={"json": "class"})
    layer: int | None
    contacts: int
    days_since_contact: float | None
    mutual_contacts: int
    reasons: list[Reason]
    # the score from which this tie is strong (the fitted model's line is lower)
    strong_from: float = 0.5
    # the model that scored it (a fit leaves the pairs never in touch to the priors)
    model: str = "default"


@dataclass(frozen=True, slots=True)
class TieList:
    """The viewer's ties, strongest first."""

    viewer: str
    as_of: str
    model: str
    ties: list[TieScore]
    note: str | None = None
    # model -> the score from which a tie is strong, for the models that classed
    strong_from: dict[str, float] | None = None
    # why that model scores: a fit, a calibration (compared with the fit on the
    # member's labels), or the priors (weakties.ties.strength.choose_model)
    model_because: str | None = None


@dataclass(frozen=True, slots=True)
class TieExplanation:
    """One tie in full: every feature, and how the score adds up (``klass`` None:
    no tie and no trace before the date, said in ``text``).

    ``base`` plus the ``push`` of every reason is ``log_odds`` (to the
    hundredth, on the model's scale), and ``score`` is
    ``1 / (1 + exp(-log_odds))``."""

    id: int
    name: str | None
    klass: str | None = json_field("class", None)
    score: float | None = None
    base: float | None = None
    log_odds: float | None = None
    layer: int | None = None
    contacts: int | None = None
    days_since_contact: float | None = None
    mutual_contacts: int | None = None
    reasons: list[Reason] | None = None
    features: dict[str, float | None] | None = None
    model: str | None = None
    text: str | None = None
    # the score from which this tie is strong, and whose line it is
    strong_from: float | None = None
    line_of: str | None = None
    # why the model that scored: see TieList.model_because
    model_because: str | None = None


@dataclass(frozen=True, slots=True)
class PairScore:
    """One pair of people in touch before the date."""

    a: str | None
    b: str | None
    score: float
    klass: str = field(metadata={"json": "class"})
    a_id: int
    b_id: int
    contacts: int
    days_since_contact: float | None
    # the model that scored it (a fit leaves the pairs never in touch to the priors)
    model: str = "default"


@dataclass(frozen=True, slots=True)
class PairList:
    """Every pair in touch before the date, strongest first, and whose view it is:
    ``viewer`` is a member's handle, or the operator's whole database."""

    viewer: str
    operator: bool
    as_of: str
    pairs: list[PairScore]


@dataclass(frozen=True, slots=True)
class CalibrationResult:
    weights: dict[str, float]
    intercept: float
    quality: dict[str, Any]
    # which model scores the member's ties now (this calibration, or the fit on
    # their history when it predicts their labels better), and why
    scoring: str | None = None
    scoring_because: str | None = None


@dataclass(frozen=True, slots=True)
class InferenceResult:
    member: str
    ties: dict[str, int]
    skipped_large_organisations: int
    enabled: bool = True


def _inputs(scores: TieScores, i: int) -> dict[str, float]:
    from weakties.ties.learned import LearnedScores

    return scores.inputs(i) if isinstance(scores, LearnedScores) else {}


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 1)


def _line_of(scores: TieScores, i: int) -> str:
    """Whose line between weak and strong classed pair ``i``: fitted, or the
    prior's (default, or the member's calibration)."""
    from weakties.ties.learned import LearnedScores

    if isinstance(scores, LearnedScores) and int(scores.rows[i]) >= 0:
        return "fitted"
    base = scores.base if isinstance(scores, LearnedScores) and scores.base else scores
    return "default" if base.model.name == "default" else "calibrated"


def _row(scores: TieScores, i: int, name: str | None, pid: int, top: int = 4) -> dict[str, Any]:
    t = scores.table
    score, line = float(scores.score[i]), scores.strong_line(i)
    shown = float(f"{score:.4g}")
    return {
        "id": pid,
        "name": name,
        # four significant digits: a weak or nominal tie's strength is small, never
        # 0; more when four would put it on the other side of the strong line
        "score": shown if (shown >= line) == (score >= line) else score,
        "strong_from": line,
        "class": str(scores.classes[i]),
        "layer": (int(scores.layer[i]) or None) if scores.layer is not None else None,
        "contacts": int(t.values["contacts"][i]),
        "days_since_contact": _number(float(t.values["days_since_contact"][i])),
        "mutual_contacts": int(t.values["mutual_contacts"][i]),
        "reasons": scores.reasons(i, top=top),
        "model": scores.model_of(i),
    }


def _scored(
    conn: Connection, who: Viewer, r: Reader, *, all_pairs: bool = False, fit: bool = False
) -> tuple[TieScores, str]:
    """The viewer's ties (or every pair) scored by the member's model
    (:func:`weakties.ties.strength.choose_model`: the kept fit that serves the
    date, unless their calibration predicts their labels at least as well;
    else the calibration; else the priors), and why that model.

    With ``fit`` (the command line's ``weakties ties``), when no kept fit serves
    the date, one is fitted on the history before it — kept for a member at the
    present, so that every page then scores with it too — and a calibration not
    yet compared with the fit is compared (the verdict kept with them). Pages
    and the API never fit (:mod:`weakties.service.models`)."""
    from weakties.service.models import compare, fitted_for
    from weakties.ties.learned import LearnedScores
    from weakties.ties.model import DEFAULT
    from weakties.ties.strength import choose_model, fit_serves, score_ties

    when = who.as_of or r.now
    choice = choose_model(r, who.member_id, when)
    settled = choice.fitted is not None or (choice.calibrated and choice.verdict is not None)
    if fit and not settled:
        found = fitted_for(conn, who, when, fit=True)
        if found is not None:
            fitted, history = found
            if fitted.ties is not None and choice.calibrated:
                kept = who.member_id is not None and who.as_of is None
                verdict = compare(r, choice.prior, fitted, when, keep=kept)
                if verdict["winner"] != "fitted":
                    return score_ties(r, as_of=who.as_of, all_pairs=all_pairs), verdict["why"]
                scores = score_ties(
                    r,
                    as_of=who.as_of,
                    all_pairs=all_pairs,
                    model=DEFAULT,
                    fitted=fitted,
                    history=history,
                )
                return scores, verdict["why"]
            scores = score_ties(
                r, as_of=who.as_of, all_pairs=all_pairs, fitted=fitted, history=history
            )
            # the reason is that of the model that scored: the fit just made (kept
            # or not: a past date's is not, and a second choice would not see it),
            # else — the fit has no tie model — the priors, as chosen now
            if isinstance(scores, LearnedScores):
                return scores, fit_serves(fitted)
            return scores, choose_model(r, who.member_id, when).reason
    return score_ties(r, as_of=who.as_of, all_pairs=all_pairs), choice.reason


def ties(
    conn: Connection,
    who: Viewer,
    *,
    klass: str | None = None,
    layer: int | None = None,
    limit: int | None = None,
    fit: bool = False,
) -> TieList:
    """The viewer's ties, strongest first: score, class, Dunbar layer, reasons
    (``fit``: fit the member's model first when no kept fit serves the date, see
    :func:`_scored`)."""
    person_of(who)
    r = shown_reader(conn, who)
    scores, because = _scored(conn, who, r, fit=fit)
    assert scores.layer is not None
    order = sorted(range(len(scores)), key=lambda i: -scores.score[i])
    if klass:
        order = [i for i in order if scores.classes[i] == klass]
    if layer:
        order = [i for i in order if scores.layer[i] == layer]
    order = order[:limit] if limit else order
    others = [scores.other(i) for i in order]
    names = r.labels(others)
    rows = [_row(scores, i, names.get(p), p) for i, p in zip(order, others, strict=True)]
    return TieList(
        viewer=who.label,
        as_of=scores.as_of.date().isoformat(),
        model=scores.model_name,
        ties=build_list(TieScore, rows),
        note=who.note,
        strong_from=scores.strong_lines,
        model_because=because,
    )


def explain(conn: Connection, who: Viewer, query: str, *, fit: bool = False) -> TieExplanation:
    """One of the viewer's ties in full: every feature and the reasons, scored by
    the same model as :func:`ties` (``fit``: see :func:`_scored`)."""
    person_of(who)
    r = shown_reader(conn, who)
    pid = r.find_person(query)
    scores, because = _scored(conn, who, r, fit=fit)
    i = scores.index_of_person(pid)
    name = r.labels([pid]).get(pid, f"#{pid}")
    if i is None:
        return TieExplanation(
            id=pid,
            name=name,
            text="no tie and no trace with this person before the date",
            model_because=because,
        )
    row = _row(scores, i, name, pid)
    parts = scores.breakdown(i)  # the fitted model's too: its parts add up
    learned = _inputs(scores, i)
    return TieExplanation(
        id=pid,
        name=name,
        klass=row["class"],
        score=row["score"],
        base=parts["base"],
        log_odds=parts["total"],
        layer=row["layer"],
        contacts=row["contacts"],
        days_since_contact=row["days_since_contact"],
        mutual_contacts=row["mutual_contacts"],
        reasons=build_list(Reason, parts["parts"]),
        features={k: _number(v) for k, v in {**scores.table.row(i), **learned}.items()},
        model=scores.model_name,
        strong_from=row["strong_from"],
        line_of=_line_of(scores, i),
        model_because=because,
    )


def all_pairs(
    conn: Connection,
    who: Viewer,
    *,
    klass: str | None = None,
    limit: int | None = None,
    fit: bool = False,
) -> PairList:
    """Every pair with a trace before the date — the whole database for the
    operator, only what a member may list for a member (``fit``: see
    :func:`_scored`)."""
    r = shown_reader(conn, who)
    scores, _ = _scored(conn, who, r, all_pairs=True, fit=fit)
    t = scores.table
    order = sorted(range(len(scores)), key=lambda i: (-scores.score[i], int(t.a[i]), int(t.b[i])))
    if klass:
        order = [i for i in order if scores.classes[i] == klass]
    order = order[:limit] if limit else order
    names = r.labels(sorted({int(t.a[i]) for i in order} | {int(t.b[i]) for i in order}))
    pairs = [
        PairScore(
            a=names.get(int(t.a[i])),
            b=names.get(int(t.b[i])),
            score=round(float(scores.score[i]), 4),
            klass=str(scores.classes[i]),
            a_id=int(t.a[i]),
            b_id=int(t.b[i]),
            contacts=int(t.values["contacts"][i]),
            days_since_contact=_number(float(t.values["days_since_contact"][i])),
            model=scores.model_of(i),
        )
        for i in order
    ]
    return PairList(who.label, who.is_operator, scores.as_of.date().isoformat(), pairs)


def label(
    conn: Connection,
    who: Viewer,
    query: str,
    *,
    klass: str | None = None,
    closeness: int | None = None,
) -> None:
    """Record how strong one of the viewer's ties really is (a class or a closeness
    from 1 to 5): the material of calibration."""
    from weakties.ties.calibrate import check_label

    check_label(klass, closeness)
    r = shown_reader(conn, who)  # nor is someone the viewer is not shown labelled
    write.set_label(r, r.find_person(query), label=klass, closeness=closeness)


def calibrate(
    conn: Connection, who: Viewer, *, as_of: dt.datetime | None = None
) -> CalibrationResult:
    """Fit the tie strength model on the viewer's labels and keep it for them;
    when a kept fit on their history serves the present, compare the two on
    their labels (:func:`weakties.service.models.compare`): ``scoring`` and
    ``scoring_because`` say which one scores now, and why."""
    from weakties.service.models import compare_kept, scoring_name
    from weakties.ties.calibrate import calibrate as fit
    from weakties.ties.strength import choose_model

    r = reader(conn, who)
    result = fit(r, who.label, as_of=as_of)
    write.save_member_setting(r, "tie_model", result.model.to_json())
    compare_kept(r, who, who.when)
    choice = choose_model(r, who.member_id, who.when)
    return CalibrationResult(
        result.model.weights,
        result.model.intercept,
        result.quality,
        scoring=scoring_name(choice),
        scoring_because=choice.reason,
    )


def forget_calibration(conn: Connection, who: Viewer) -> None:
    """Back to the default model."""
    write.save_member_setting(reader(conn, who), "tie_model", None)


def infer(
    conn: Connection,
    who: Viewer,
    *,
    enabled: bool | None = None,
    today: dt.date | None = None,
) -> InferenceResult:
    """Recompute the ties inferred from the viewer's data (colleagues, classmates,
    co-recipients), or switch inference on or off (off deletes them)."""
    from weakties.ties.infer import infer_ties, inference_enabled

    r = reader(conn, who)
    if enabled is not None:
        write.save_member_setting(r, "infer_ties", "on" if enabled else "off")
    if not inference_enabled(r):
        write.replace_inferred_ties(r, [])
        return InferenceResult(who.label, {}, 0, enabled=False)
    report, rows = infer_ties(r, who.label, today=today)
    write.replace_inferred_ties(r, rows)
    return InferenceResult(who.label, dict(report.counts), report.skipped_places)
