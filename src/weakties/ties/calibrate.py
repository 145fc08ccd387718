"""Labels and calibration: the member's own judgement of their ties.

``weakties ties label PERSON strong`` (or ``--closeness 1..5``) records what the
member says of a tie; ``weakties ties calibrate`` fits the model's weights on the
labels (logistic regression, scikit-learn) and keeps them for that member only,
after showing how well the fit predicts labels it did not see (cross-validation)
next to the default model on the same labels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from weakties.errors import InputError
from weakties.ties.model import CLASSES, DEFAULT, TieModel, transform
from weakties.ties.strength import score_ties

if TYPE_CHECKING:
    from weakties.store.reader import Reader
    from weakties.ties.learned import FittedModels
    from weakties.ties.strength import TieScores

__all__ = ["MIN_LABELS", "Calibration", "calibrate", "check_label", "compare_with_fit", "judge"]

MIN_LABELS = 12


def check_label(label: str | None, closeness: int | None) -> None:
    """Refuse a label that says nothing or says it wrongly.

    Raises
    ------
    InputError
    """
    if label is None and closeness is None:
        raise InputError("give a class (strong, weak, dormant, nominal) or --closeness 1..5")
    if label is not None and label not in CLASSES:
        raise InputError(f"a tie class is one of {', '.join(CLASSES)}, not {label!r}")
    if closeness is not None and not 1 <= closeness <= 5:
        raise InputError("closeness goes from 1 (distant) to 5 (very close)")


def _target(label: str | None, closeness: int | None) -> int | None:
    """1 for a strong tie, 0 for the others, None when undecided (closeness 3)."""
    if label is not None:
        return 1 if label == "strong" else 0
    if closeness is None or closeness == 3:
        return None
    return 1 if closeness >= 4 else 0


@dataclass(frozen=True)
class Calibration:
    model: TieModel
    quality: dict[str, Any]


def _labelled(
    labels: list[tuple[int, str | None, int | None]], scores: TieScores
) -> tuple[list[int], np.ndarray]:
    """The rows of ``scores`` the member labelled, and 1 (strong) or 0 for each."""
    rows, target = [], []
    for pid, label, closeness in labels:
        y = _target(label, closeness)
        i = scores.index_of_person(pid)
        if y is None or i is None:
            continue
        rows.append(i)
        target.append(y)
    return rows, np.array(target, dtype=np.int64)


def _enough(y: np.ndarray) -> bool:
    strong = int(y.sum())
    return len(y) >= MIN_LABELS and min(strong, len(y) - strong) >= 2


def _out_of_fold(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, int]:
    """Each label's chance of strong by a calibration fitted without it
    (stratified folds), and the number of folds."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    minority = int(min(y.sum(), len(y) - y.sum()))
    folds = StratifiedKFold(n_splits=min(5, minority), shuffle=True, random_state=0)
    p = np.zeros(len(y))
    for train, test in folds.split(x, y):
        fit = LogisticRegression(C=1.0, max_iter=2000).fit(x[train], y[train])
        p[test] = fit.predict_proba(x[test])[:, 1]
    return p, folds.get_n_splits()


def _inputs(scores: TieScores, rows: list[int]) -> np.ndarray:
    inputs = transform(scores.table)
    return np.column_stack([inputs[name][rows] for name in DEFAULT.weights])


def calibrate(reader: Reader, handle: str, *, as_of: dt.datetime | None = None) -> Calibration:
    """Fit the weights on the viewer's labels (keeping them is the caller's business).

    Raises
    ------
    InputError
        With fewer than MIN_LABELS usable labels, or fewer than two of either
        kind (the fit's quality could not be measured on labels it did not see).

    With ``as_of``, only labels given before that date are used, on the traces
    before it.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, roc_auc_score

    labels = reader.tie_labels(before=as_of)
    scores = score_ties(reader, as_of=as_of, model=DEFAULT)
    rows, y_all = _labelled(labels, scores)
    strong = int(y_all.sum()) if len(rows) else 0
    if not _enough(y_all):
        raise InputError(
            f"calibration needs at least {MIN_LABELS} labelled ties, at least two strong "
            f"and two not (have {len(rows)}: {strong} strong); "
            "label more with: weakties ties label PERSON strong|weak|dormant|nominal"
        )
    names = list(DEFAULT.weights)
    x_all = _inputs(scores, rows)
    default_p = DEFAULT.score(scores.table)[rows]
    fitted_p, folds = _out_of_fold(x_all, y_all)
    final = LogisticRegression(C=1.0, max_iter=2000).fit(x_all, y_all)
    quality: dict[str, Any] = {
        "labels": len(rows),
        "strong": int(y_all.sum()),
        "default": {
            "accuracy": round(float(accuracy_score(y_all, default_p >= 0.5)), 3),
            "auc": round(float(roc_auc_score(y_all, default_p)), 3),
        },
        "fitted_date": reader.clock.date().isoformat(),
        "calibrated_cross_validated": {
            "accuracy": round(float(accuracy_score(y_all, fitted_p >= 0.5)), 3),
            "auc": round(float(roc_auc_score(y_all, fitted_p)), 3),
            "folds": folds,
        },
    }
    model = TieModel(
        {name: round(float(w), 4) for name, w in zip(names, final.coef_[0], strict=True)},
        round(float(final.intercept_[0]), 4),
        name=f"calibrated for {handle}",
        quality=quality,
    )
    return Calibration(model, quality)


def compare_with_fit(
    reader: Reader, calibration: TieModel, fitted: FittedModels, when: dt.datetime
) -> dict[str, Any]:
    """Which of a member's two models predicts their own labels better: their
    calibration or the fit on their history (the rule of
    :func:`weakties.ties.strength.choose_model`, see docs/ties.md).

    Both are judged on the same labels — the member's labelled ties that the fit
    reads (in touch before ``when``), as labelled at ``when`` — and neither on
    labels it learned from:

    - the calibration by its cross-validated chance of strong (each label
      predicted by a calibration fitted on the others, the same folds as
      ``weakties ties calibrate`` reports);
    - the fit by its score: it was fitted on the history, and the labels only
      rescale it (``z' = a z + b``, ``a > 0``: no pair's rank changes), so its
      ranking of the labelled ties never saw them.

    The fit scores when its AUC is higher; else (a draw included: the member
    asked for their calibration) the calibration — and when the labels cannot
    judge the fit (fewer than two strong and two other labelled ties in touch,
    or too few labels to cross-validate), the calibration too, saying why.

    Returns the verdict: ``winner`` (``"calibrated"`` or ``"fitted"``),
    ``labels`` and ``strong`` (the labelled ties judged on), ``calibrated_auc``
    and ``fitted_auc`` (None when not measured) and ``why`` in words.
    """
    from weakties.ties.learned import _naive, learned_scores, read_history

    at_present = _naive(when) >= _naive(reader.now)
    labels = reader.tie_labels() if at_present else reader.tie_labels(before=when)
    scores = score_ties(reader, as_of=when, model=DEFAULT)
    rows, y = _labelled(labels, scores)
    verdict: dict[str, Any] = {
        "winner": "calibrated",
        "labels": 0,
        "strong": 0,
        "calibrated_auc": None,
        "fitted_auc": None,
    }
    if not _enough(y):
        verdict["why"] = (
            f"too few labels to compare ({len(rows)}, {int(y.sum())} strong; "
            f"at least {MIN_LABELS}, two strong and two not): the calibration you made scores"
        )
        return verdict
    learned = learned_scores(scores, fitted, read_history(reader, when))
    if learned is None:
        verdict["why"] = "the fit has no tie model: the calibration scores"
        return verdict
    p_cal, _ = _out_of_fold(_inputs(scores, rows), y)
    read = learned.rows[rows] >= 0
    return judge(y, p_cal, np.asarray(learned.score)[rows], read, total=len(rows))


def judge(
    y: np.ndarray,
    calibrated: np.ndarray,
    fitted: np.ndarray,
    read: np.ndarray,
    *,
    total: int | None = None,
) -> dict[str, Any]:
    """The verdict of :func:`compare_with_fit` from the member's labels ``y``
    (1 strong, 0 not), the calibration's cross-validated chance of strong and
    the fit's score of each labelled tie, and which of them the fit reads
    (``read``): both judged by AUC on those only; the fit wins when it is
    higher, the calibration on a draw or when fewer than two strong and two
    other labelled ties are read.

    >>> y = np.array([1, 1, 0, 0, 1])
    >>> judge(y, np.array([.9, .2, .8, .1, .5]), np.array([.7, .6, .2, .1, .5]),
    ...       np.array([True, True, True, True, False]))["winner"]
    'fitted'
    >>> judge(y, np.array([.9, .8, .2, .1, .5]), np.array([.7, .1, .6, .2, .5]),
    ...       np.array([True, True, True, True, False]))["winner"]
    'calibrated'
    """
    from sklearn.metrics import roc_auc_score

    y, read = np.asarray(y), np.asarray(read, dtype=bool)
    judged = y[read]
    n, strong = int(read.sum()), int(judged.sum())
    verdict: dict[str, Any] = {
        "winner": "calibrated",
        "labels": n,
        "strong": strong,
        "calibrated_auc": None,
        "fitted_auc": None,
    }
    if min(strong, n - strong) < 2:
        verdict["why"] = (
            f"the fit reads {n} of your {len(y) if total is None else total} labelled ties "
            "(those in touch), too few to judge it (two strong and two not): your "
            "calibration scores"
        )
        return verdict
    cal = round(float(roc_auc_score(judged, np.asarray(calibrated)[read])), 3)
    fit = round(float(roc_auc_score(judged, np.asarray(fitted)[read])), 3)
    verdict["calibrated_auc"], verdict["fitted_auc"] = cal, fit
    on = f"on your {n} labelled ties in touch ({strong} strong)"
    if fit > cal:
        verdict["winner"] = "fitted"
        verdict["why"] = (
            f"the fit on your history predicts your labels better than your calibration "
            f"{on}: AUC {fit:.3f} against {cal:.3f} (the calibration's cross-validated)"
        )
    else:
        verdict["why"] = (
            f"your calibration predicts your labels at least as well as the fit on your "
            f"history {on}: AUC {cal:.3f} (cross-validated) against {fit:.3f}"
        )
    return verdict
