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

__all__ = ["MIN_LABELS", "Calibration", "calibrate", "check_label"]

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
    from sklearn.model_selection import StratifiedKFold

    labels = reader.tie_labels(before=as_of)
    scores = score_ties(reader, as_of=as_of, model=DEFAULT)
    rows, target = [], []
    for pid, label, closeness in labels:
        y = _target(label, closeness)
        i = scores.index_of_person(pid)
        if y is None or i is None:
            continue
        rows.append(i)
        target.append(y)
    y_all = np.array(target)
    strong = int(y_all.sum()) if len(rows) else 0
    if len(rows) < MIN_LABELS or min(strong, len(rows) - strong) < 2:
        raise InputError(
            f"calibration needs at least {MIN_LABELS} labelled ties, at least two strong "
            f"and two not (have {len(rows)}: {strong} strong); "
            "label more with: weakties ties label PERSON strong|weak|dormant|nominal"
        )
    inputs = transform(scores.table)
    names = list(DEFAULT.weights)
    x_all = np.column_stack([inputs[name][rows] for name in names])
    minority = int(min(y_all.sum(), len(y_all) - y_all.sum()))
    folds = StratifiedKFold(n_splits=min(5, minority), shuffle=True, random_state=0)
    default_p = DEFAULT.score(scores.table)[rows]
    fitted_p = np.zeros(len(rows))
    for train, test in folds.split(x_all, y_all):
        fit = LogisticRegression(C=1.0, max_iter=2000).fit(x_all[train], y_all[train])
        fitted_p[test] = fit.predict_proba(x_all[test])[:, 1]
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
            "folds": folds.get_n_splits(),
        },
    }
    model = TieModel(
        {name: round(float(w), 4) for name, w in zip(names, final.coef_[0], strict=True)},
        round(float(final.intercept_[0]), 4),
        name=f"calibrated for {handle}",
        quality=quality,
    )
    return Calibration(model, quality)
