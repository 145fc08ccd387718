"""Tie strength for a viewer's ties or for every pair: score, class, layer, reasons.

>>> # see weakties.ties.model for the score and classes, and
>>> # weakties ties --explain PERSON for an example explanation
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from weakties.store.damaged import finite, ignored_setting
from weakties.ties.features import DAY, MONTH, FeatureTable, compute_features
from weakties.ties.infer import inference_enabled
from weakties.ties.model import DEFAULT, STRONG_AT, TieModel, is_dormant
from weakties.ties.reasons import english
from weakties.ties.traces import epoch_seconds, load_traces, pair_traces
from weakties.words import counted

if TYPE_CHECKING:
    from weakties.store.reader import Reader
    from weakties.ties.learned import FittedModels, History

log = logging.getLogger(__name__)

__all__ = [
    "CHOICE_SETTING",
    "DUNBAR_LAYERS",
    "WEAK_INNERMOST",
    "ModelChoice",
    "TieScores",
    "ago",
    "choose_model",
    "describe",
    "dormant_ties",
    "kept_verdict",
    "model_for",
    "model_key",
    "reason_facts",
    "score_ties",
]

# Dunbar's layers: each about three times the one inside it.
DUNBAR_LAYERS = (5, 15, 50, 150, 500, 1500, 5000)
#: the innermost layer a weak tie may be in: the 5 and the 15 are strong ties only
WEAK_INNERMOST = 50


def model_for(reader: Reader, member: int | None = None) -> TieModel:
    """A member's calibrated model if they made one (the viewer's by default), else
    the default model."""
    member = reader.scope.member_id if member is None else member
    if member is None:
        return DEFAULT
    text = reader.member_setting("tie_model", member)
    if not text:
        return DEFAULT
    try:
        model: TieModel | None = TieModel.from_json(text)
    except (ValueError, KeyError, TypeError, AttributeError):
        model = None
    if model is None or not finite(model.intercept, *model.weights.values()):
        ignored_setting(
            f"tie_model:{member}",
            text,
            "the calibrated tie model",
            "ties are scored with the default model; `weakties ties calibrate` makes a new one",
        )
        return DEFAULT
    return model


#: the member setting that keeps the comparison of their calibration with the
#: fit on their history (:func:`weakties.ties.calibrate.compare_with_fit`)
CHOICE_SETTING = "tie_model_choice"


def model_key(model: TieModel | FittedModels) -> str:
    """Which model this is, as a short fingerprint of its JSON: a comparison kept
    for one calibration and one fit says nothing of another."""
    import hashlib

    return hashlib.blake2b(model.to_json().encode(), digest_size=8).hexdigest()


def kept_verdict(
    reader: Reader, member: int, calibration: TieModel, fitted: FittedModels
) -> dict[str, Any] | None:
    """The comparison kept for this member's calibration and this fit, if any."""
    import json

    text = reader.member_setting(CHOICE_SETTING, member)
    if not text:
        return None
    try:
        verdict = json.loads(text)
        same = verdict["calibration"] == model_key(calibration) and verdict["fit"] == model_key(
            fitted
        )
    except (ValueError, KeyError, TypeError):
        return None
    return dict(verdict) if same and verdict.get("winner") in ("calibrated", "fitted") else None


@dataclass(frozen=True)
class ModelChoice:
    """The model that scores a member's ties on a date: ``prior`` (their
    calibration on their own labels, or the documented default) and ``fitted``,
    the fit on their history that serves the date (None: the prior decides);
    ``reason`` says why in words, and ``verdict`` is the comparison of a
    calibration with a fit that decided (None when there was none to make or
    it is not made yet)."""

    prior: TieModel
    fitted: FittedModels | None = None
    reason: str = ""
    verdict: dict[str, Any] | None = None

    @property
    def calibrated(self) -> bool:
        return self.prior.name != DEFAULT.name


def fit_serves(fitted: FittedModels) -> str:
    """Why a fit on the member's history scores their ties when they made no
    calibration: the one wording for :func:`choose_model` and for a fit made
    for the date by ``weakties ties`` (not kept for a past date)."""
    return f"the fit on the history to {fitted.date} serves the date; no calibration"


def choose_model(
    reader: Reader, member: int | None = None, when: dt.datetime | None = None
) -> ModelChoice:
    """The one rule for every caller that scores a member's ties (the viewer's by
    default) on a date (the reader's present by default):

    1. the fit on their history kept by ``weakties model fit`` (or by
       ``weakties ties``, or the server's background task) when it has a tie
       model and may serve the date — it saw nothing after the date, is at
       most 30 days older and was made with the member's labels and ask
       outcomes as they are (:func:`weakties.ties.learned.serving_fit`, the
       rule every reader of a kept fit applies) — unless the member also
       calibrated the model on their own labels (``weakties ties calibrate``)
       and the calibration predicts those labels at least as well: both are
       compared on the same labels, each on labels it did not learn from
       (:func:`weakties.ties.calibrate.compare_with_fit`), when the fit or the
       calibration is made, and the comparison is kept with them;
    2. else the member's calibration, when they made one (and, until the two
       are compared, over a fit);
    3. else the documented priors (:data:`weakties.ties.model.DEFAULT`; kept
       against recency alone and every other method that needs no fit on real
       data's development cuts: ``evaluation/default_choice.py``).

    Choosing never fits nor compares: pages and API reads score with this
    choice. The operator's whole-database view has no member: the priors."""
    from weakties.ties.learned import serving_fit

    member = reader.scope.member_id if member is None else member
    prior = model_for(reader, member)
    if member is None:
        return ModelChoice(prior, reason="the documented priors: no member's view")
    fitted = serving_fit(reader, member, when)
    none = "no fit on the history serves the date"
    if fitted is not None and fitted.ties is None:
        why_not = fitted.notes.get("ties", "too short a history")
        none = f"the fit on the history to {fitted.date} has no tie model ({why_not})"
        fitted = None
    if prior.name == DEFAULT.name:
        if fitted is None:
            return ModelChoice(prior, reason=f"the documented priors: {none}")
        return ModelChoice(prior, fitted, reason=fit_serves(fitted))
    if fitted is None:
        return ModelChoice(prior, reason=f"the calibration: {none}")
    verdict = kept_verdict(reader, member, prior, fitted)
    if verdict is None:
        return ModelChoice(
            prior,
            reason="the calibration: not yet compared with the fit on the history to "
            f"{fitted.date} (weakties ties or weakties model fit compares them)",
        )
    if verdict["winner"] == "fitted":
        return ModelChoice(DEFAULT, fitted, reason=str(verdict.get("why", "")), verdict=verdict)
    return ModelChoice(prior, reason=str(verdict.get("why", "")), verdict=verdict)


def _layers(score: np.ndarray, in_touch: np.ndarray, strong: np.ndarray) -> np.ndarray:
    """Dunbar layer (5, 15, ... 5000; 0 beyond) of each tie by its rank among
    the ties ``in_touch``: the viewer's connections (a social tie) whose class
    is strong or weak. The layers are of relationships one keeps: a nominal
    tie (never in touch), a dormant one (not for three years) and someone one
    only exchanged messages with (not connected) are in no layer. The two
    inner layers (5 and 15) hold ``strong`` ties only: a weak tie keeps its
    rank but is placed from the 50 outward, so that with few strong ties the
    inner layers stay partly empty rather than hold weak ties, and a layer
    never contradicts the class. Equal scores share a rank (the number of ties
    scoring strictly higher), so they are in the same layer.

    >>> _layers(np.array([0.9, 0.6, 0.3, 0.2, 0.1]),
    ...         np.array([True, True, True, True, False]),
    ...         np.array([True, True, False, False, False]))
    array([ 5,  5, 50, 50,  0])
    """
    layers = np.zeros(score.size, dtype=np.int64)
    ranked = np.sort(-score[in_touch])
    rank = np.searchsorted(ranked, -score[in_touch], side="left")
    inner = np.zeros(rank.size, dtype=np.int64)
    for size in reversed(DUNBAR_LAYERS):
        inner[rank < size] = size
    weak = ~strong[in_touch]
    inner[weak & (inner > 0)] = np.maximum(inner[weak & (inner > 0)], WEAK_INNERMOST)
    layers[in_touch] = inner
    return layers


@dataclass
class TieScores:
    """Scores of a set of pairs, with everything needed to explain them."""

    table: FeatureTable
    score: np.ndarray
    classes: np.ndarray
    model: TieModel
    as_of: dt.datetime
    ego: int | None = None
    layer: np.ndarray | None = None
    #: the fit on the member's history that read these scores (None: ``model`` did)
    fit: FittedModels | None = None

    def __len__(self) -> int:
        return len(self.table)

    @property
    def model_name(self) -> str:
        """Which model scored: ``default``, a calibration's name, or the fit's."""
        return self.model.name

    def other(self, i: int) -> int:
        """The pair's person who is not the ego."""
        a, b = int(self.table.a[i]), int(self.table.b[i])
        return b if a == self.ego else a

    def strong_line(self, i: int) -> float:
        """The score from which pair ``i`` is strong: the model's line."""
        return STRONG_AT

    def model_of(self, i: int) -> str:
        """The name of the model that scored pair ``i``."""
        return self.model.name

    @property
    def strong_lines(self) -> dict[str, float]:
        """The lines the scores were classed by: model name -> score from which a
        tie is strong."""
        return {self.model.name: STRONG_AT}

    def index_of_person(self, person: int) -> int | None:
        if self.ego is None:
            return None
        return self.table.index_of(self.ego, person)

    def reasons(self, i: int, top: int = 4) -> list[dict[str, Any]]:
        """The inputs that decided pair ``i``'s score, in words, largest part first
        (only parts of at least 0.05 in log-odds)."""
        raw = self.table.row(i)
        out = []
        for name, part in self.model.contributions(self.table, i):
            if abs(part) < 0.05:
                continue
            out.append({"feature": name, "push": round(part, 2), **_worded(name, raw)})
            if len(out) == top:
                break
        return out

    def breakdown(self, i: int) -> dict[str, Any]:
        """How pair ``i``'s score adds up on the model's scale (log-odds): the
        intercept (``base``) plus every input's signed part is ``total``, and the
        score is ``1 / (1 + exp(-total))``. Parts are rounded to hundredths so
        that the shown parts add up to the shown total exactly (largest
        remainders); parts that round to zero are left out."""
        raw = self.table.row(i)
        parts = self.model.contributions(self.table, i)
        base = self.model.intercept
        total = base + sum(p for _, p in parts)
        shown = _rounded_parts([base] + [p for _, p in parts], total)
        return {
            "base": shown[0],
            "total": round(total, 2),
            "score": float(self.score[i]),
            "parts": [
                {"feature": name, "push": value, **_worded(name, raw)}
                for (name, _), value in zip(parts, shown[1:], strict=True)
                if value != 0
            ],
        }


def _worded(name: str, raw: dict[str, float]) -> dict[str, Any]:
    """A reason's words and facts: ``text`` (English), ``key`` and ``params``."""
    key, params = reason_facts(name, raw)
    return {"text": english(key, params), "key": key, "params": params}


def _rounded_parts(values: list[float], total: float) -> list[float]:
    """``values`` rounded to hundredths so that they add up to ``total`` rounded
    to hundredths (the largest remainder method).

    >>> _rounded_parts([0.004, 0.004, 0.004], 0.012)
    [0.01, 0.0, 0.0]
    >>> _rounded_parts([-2.0, -0.416, 1.003], -1.413)
    [-2.0, -0.41, 1.0]
    """
    cents = [v * 100 for v in values]
    floors = [math.floor(c) for c in cents]
    short = round(total * 100) - sum(floors)
    by_remainder = sorted(range(len(cents)), key=lambda k: floors[k] - cents[k])
    for k in by_remainder[: max(short, 0)]:
        floors[k] += 1
    return [f / 100 for f in floors]


def describe(name: str, raw: dict[str, float]) -> str:
    """One input of the model as a sentence about the tie."""
    return english(*reason_facts(name, raw))


def reason_facts(name: str, raw: dict[str, float]) -> tuple[str, dict[str, Any]]:
    """One input of the model as facts about the tie: a message key and its
    parameters (:mod:`weakties.ties.reasons` words them)."""
    since = raw["days_since_contact"]
    if name == "recency":
        if np.isnan(since):
            return "never_in_touch", {}
        personal = raw.get("days_since_personal", since)
        if np.isnan(personal):
            return "group_contact_only", {"days": float(since)}
        if personal > since + 1:
            return "last_personal_contact", {"personal_days": float(personal), "days": float(since)}
        return "last_contact", {"days": float(since)}
    if name == "duration":
        return "known_for", {"days": float(raw["days_known"])}
    if name == "intensity":
        return "contacts_in_year", {
            "last_year": int(raw["contacts_last_year"]),
            "all": int(raw["contacts"]),
        }
    if name == "active_months":
        return "personal_months", {"months": int(raw.get("personal_months", raw["active_months"]))}
    if name == "reciprocity":
        return ("both_write" if raw["balance"] >= 0.5 else "mostly_one_side_writes"), {}
    if name == "turns":
        return "turns", {"n": int(raw["turns"])}
    if name == "services":
        return "services", {}
    if name == "one_to_one":
        return "one_to_one_share", {"share": float(raw["one_to_one_share"])}
    if name == "meetings":
        return "meetings", {"n": int(raw["meetings_one_to_one"])}
    if name == "notes":
        return "notes", {"n": int(raw["notes"])}
    if name == "mutual":
        return "mutual", {"n": int(raw["mutual_contacts"])}
    if name == "shared_employer":
        return "same_employer", {}
    if name == "shared_school":
        return "same_school", {}
    return name, {}


def ago(days: float) -> str:
    """How long ago, in words: the one wording of every "last contact ... ago".

    >>> ago(0.5), ago(1), ago(12), ago(75), ago(400), ago(2000)
    ('today', '1 day ago', '12 days ago', '2 months ago', '13 months ago', '5.5 years ago')
    """
    if days < 1:
        return "today"
    if days < 60:
        return f"{counted(days, 'day', 'days')} ago"
    if days < 730:
        return f"{counted(days / 30.4, 'month', 'months')} ago"
    return f"{days / 365.25:.1f} years ago"


def score_ties(
    reader: Reader,
    *,
    as_of: dt.datetime | None = None,
    all_pairs: bool = False,
    model: TieModel | None = None,
    fitted: FittedModels | None = None,
    history: History | None = None,
    others: Collection[int] | None = None,
    ego: int | None = None,
    member: int | None = None,
) -> TieScores:
    """Score the viewer's ties (their contacts and everyone they were in touch
    with; only those with ``others`` if given), or with ``all_pairs`` every pair
    with a trace before ``as_of`` — as far as the reader's scope may see them.

    ``ego`` and ``member`` score another member's ties (a member who shares
    them by name) with that member's model and inference setting; by default
    the reader's viewer. Dunbar layers rank a viewer's ties among all of them:
    with ``others`` they are left out (None).

    The model is the member's, chosen by :func:`choose_model` — the same for
    every caller. ``model`` (a hand-set or calibrated model) and ``fitted`` (a fit
    on the history, read over ``model`` or the member's prior) replace that
    choice: for a calibration, which reads the priors' scores, and for a
    comparison of two dates by one model. ``history`` is what the fit reads
    (:func:`weakties.ties.learned.read_history`, read here when not given)."""
    when = as_of or reader.now
    member = reader.scope.member_id if member is None else member
    ego = reader.scope.person_id if ego is None else ego
    if all_pairs:
        ego = None
    if ego is None:
        others = None
    if model is None:
        choice = choose_model(reader, member, when)
        chosen = choice.prior
        if fitted is None and not choice.calibrated:
            fitted = choice.fitted
    else:
        chosen = model
    if fitted is not None and fitted.ties is not None and history is None:
        from weakties.ties.learned import read_history

        # the fit reads every trace this reader may use before the date: the ego's
        # are taken from them, not read again (a caller's history may have been
        # read by another scope or to another date: the pairs are never taken from it)
        history = read_history(reader, when)
        seen = history.traces
        traces = pair_traces(
            when, seen.sender, seen.recipient, seen.t, seen.kind, seen.group_size, person=ego
        )
    else:
        traces = load_traces(reader, when, person=ego, others=others)
    table = compute_features(
        reader,
        traces,
        as_of=when,
        ego=ego,
        include_tied=not all_pairs,
        others=others,
        inferred=inference_enabled(reader, member) if member is not None else True,
    )
    score = chosen.score(table)
    classes = chosen.classify(table, score)
    scores = TieScores(table, score, classes, chosen, when, ego)
    if fitted is not None and fitted.ties is not None and history is not None:
        from weakties.ties.learned import learned_scores

        found = learned_scores(scores, fitted, history)
        scores = found if found is not None else scores
    if ego is not None and others is None:
        in_touch = np.isin(scores.classes, ("strong", "weak"))
        scores.layer = _layers(
            scores.score,
            in_touch & _connected(reader, table, ego, when),
            scores.classes == "strong",
        )
    log.info(
        "scored %d pair(s) %s as of %s with the %s model: %s",
        len(table),
        "of every person" if ego is None else f"of person #{ego}",
        when.date().isoformat(),
        scores.model_name,
        ", ".join(
            f"{k} {int((scores.classes == k).sum())}"
            for k in ("strong", "weak", "dormant", "nominal")
        ),
    )
    log.debug(
        "from %d trace(s); inferred ties %s",
        len(traces),
        "on" if member is None or inference_enabled(reader, member) else "off",
    )
    return scores


def _connected(reader: Reader, table: FeatureTable, ego: int, when: dt.datetime) -> np.ndarray:
    """Which pairs of ``table`` have a social (declared, not inferred) tie with
    the ego on the date."""
    ties = reader.tie_pairs(when, person=ego, inferred=False)
    if not ties.size or not len(table):
        return np.zeros(len(table), dtype=bool)
    return np.isin(table.a * (1 << 32) + table.b, ties[:, 0] * (1 << 32) + ties[:, 1])


def dormant_ties(
    reader: Reader, ego: int, others: Collection[int], as_of: dt.datetime
) -> dict[int, dict[str, float]]:
    """Which of ego's ties with ``others`` are dormant as of a date, by the same rule
    as the classes (:func:`weakties.ties.model.is_dormant`), read from the pairs'
    own conversations only: other -> contacts, active months, days since contact.

    For a feed that asks about a few hundred contacts, this reads their traces
    and nothing else (no structure, no score).
    """
    at = epoch_seconds(as_of)
    found = reader.conversation_times(ego, others, as_of)
    if not found:
        return {}
    table = np.array(found, dtype=np.float64)
    who = table[:, 0].astype(np.int64)
    t = table[:, 1]
    people, idx = np.unique(who, return_inverse=True)
    contacts = np.bincount(idx).astype(np.float64)
    last = np.full(people.size, -np.inf)
    np.maximum.at(last, idx, t)
    months = np.unique(idx * (1 << 24) + np.floor(t / MONTH).astype(np.int64))
    active = np.bincount(months >> 24, minlength=people.size).astype(np.float64)
    days = (at - last) / DAY
    dormant = is_dormant(contacts, active, days)
    return {
        int(p): {"contacts": float(c), "active_months": float(a), "days_since_contact": float(d)}
        for p, c, a, d, z in zip(people, contacts, active, days, dormant, strict=True)
        if z
    }
