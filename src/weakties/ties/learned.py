"""Models learned from the installation's own history: fit, keep, score, explain.

``fit_models`` fits, as of a date, the tie persistence model (is a pair in touch
again within the next 30 days?) and the people-you-may-know ranker (do two
people not yet in touch get in touch within the next 30 days?) on past cut dates
(:mod:`weakties.ties.history`), each only when the history holds enough
examples (:data:`MIN_POSITIVES`, measured: ``evaluation/min_history.py``);
otherwise that part is left to the documented priors (the hand-set tie model of
:mod:`weakties.ties.model`, Katz's index for suggestions: each chosen against
every method that needs no fit on real data's development cuts,
``evaluation/default_choice.py``) and the reason is kept with the fit.

A fitted strength is the probability of contact within the next 30 days. A tie
is **strong** from :data:`STRONG_AT` = 1 - e^(-1/2) ≈ 0.39: the chance of contact
within a month of a pair in touch every two months at random — the line between
monthly and quarterly contact that the default model draws too. Nominal and
dormant stay rules (:func:`weakties.ties.model.is_dormant`).

**Extra evidence.** What a member says of their ties (``weakties ties label``:
strong, or closeness 4-5, is a close tie; weak, dormant, nominal, or closeness
1-2, is not) and what their asks for introductions showed (a broker who
introduced them is a close tie, one who declined or never answered is taken as
a less close one, each counting :data:`OUTCOME_WEIGHT` of a label) rescale the
fitted tie model: ``z' = a z + b``, ``a`` and ``b`` fitted on that evidence by
weighted log-loss with a Gaussian prior at ``a = 1, b = 0`` (standard deviation
:data:`EVIDENCE_SD`), ``a`` kept positive. With a few labels the fit barely
moves; with many it follows the member's own line between strong and weak. The
shapes are scaled, not refitted: the model stays additive and monotone, and its
explanations exact.

Everything here works on arrays; the store and the service layer feed it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from weakties.store.damaged import finite, ignored_setting
from weakties.ties.fit import AdditiveModel, fit_with_validation
from weakties.ties.history import (
    DAY,
    HORIZON_DAYS,
    TIE_FEATURES,
    TIE_TRANSFORMS,
    Network,
    Traces,
    cut_schedule,
    network_at,
    pair_key,
    tie_features,
)
from weakties.ties.reasons import FITTED_MODEL, english
from weakties.ties.strength import TieScores

if TYPE_CHECKING:
    from weakties.opportunity.pymk_model import PlaceSpans
    from weakties.store.reader import Reader

__all__ = [
    "EVIDENCE_SD",
    "FRESH_DAYS",
    "MIN_POSITIVES",
    "OUTCOME_WEIGHT",
    "STRONG_AT",
    "Evidence",
    "FittedModels",
    "History",
    "LearnedScores",
    "TieExplanation",
    "evidence_from",
    "evidence_of",
    "fit_models",
    "fit_stamp",
    "kept_fit",
    "learned_scores",
    "read_history",
    "reasons",
    "recalibrate",
    "score_network",
    "serving_fit",
]

STRONG_AT = 1.0 - math.exp(-0.5)
# Fewer positive examples than this across the training cuts and the fit is
# not used (see evaluation/results/min_history.md): for the tie model distinct
# pairs in touch again (and as many not), for the ranker distinct new pairs.
# Both count pairs, not rows: the weekly cuts overlap, so one pair gives a row
# at each cut it is in, and its rows are not new evidence.
MIN_POSITIVES = {"ties": 200, "pymk": 50}
# A kept fit serves dates up to this long after its own; later ones are refitted.
FRESH_DAYS = 30.0
# One recorded outcome of an introduction counts this much beside one label.
OUTCOME_WEIGHT = 0.5
# The prior of the rescaling by evidence: a ~ N(1, sd), b ~ N(0, sd).
EVIDENCE_SD = 0.5
# The member setting that keeps a member's fit.
SETTING = "fitted_models"


@dataclass(frozen=True)
class Evidence:
    """What a member said or saw of their ties, one row per other person:
    ``y`` 1 for a close tie and 0 for a distant one, ``weight`` per row,
    ``source`` ``"label"`` or ``"introduction"``."""

    ego: int
    other: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    source: np.ndarray

    def __len__(self) -> int:
        return int(self.y.size)

    def counts(self) -> dict[str, int]:
        return {
            "labels": int((self.source == "label").sum()),
            "introductions": int((self.source == "introduction").sum()),
        }

    def digest(self) -> str:
        """A fingerprint: a kept fit made with other evidence is refitted."""
        import hashlib

        order = np.lexsort((self.source, self.other))
        text = ";".join(
            f"{o}:{y:g}:{w:g}:{src}"
            for o, y, w, src in zip(
                self.other[order],
                self.y[order],
                self.weight[order],
                self.source[order],
                strict=True,
            )
        )
        return hashlib.sha256(f"{self.ego}|{text}".encode()).hexdigest()[:16]


def evidence_from(
    ego: int,
    labels: list[tuple[int, str | None, int | None]],
    asks: list[tuple[int, str]],
) -> Evidence:
    """Evidence from a member's labels ``(person, class, closeness)`` and the
    outcomes of their closed asks ``(broker, status)``. Undecided labels
    (closeness 3) and open or withdrawn asks say nothing and are left out."""
    other: list[int] = []
    y: list[float] = []
    weight: list[float] = []
    source: list[str] = []
    for person, label, closeness in labels:
        if label is not None:
            close = label == "strong"
        elif closeness is not None and closeness != 3:
            close = closeness >= 4
        else:
            continue
        other.append(int(person))
        y.append(1.0 if close else 0.0)
        weight.append(1.0)
        source.append("label")
    for broker, status in asks:
        if status not in ("introduced", "declined", "no_answer"):
            continue
        other.append(int(broker))
        y.append(1.0 if status == "introduced" else 0.0)
        weight.append(OUTCOME_WEIGHT)
        source.append("introduction")
    return Evidence(
        int(ego),
        np.array(other, dtype=np.int64),
        np.array(y),
        np.array(weight),
        np.array(source, dtype=object),
    )


def recalibrate(
    model: AdditiveModel, z: np.ndarray, y: np.ndarray, weight: np.ndarray
) -> tuple[AdditiveModel, float, float]:
    """``model`` rescaled to ``z' = a z + b`` by the evidence (see the module doc):
    the rescaled model, ``a`` and ``b``."""
    from scipy.optimize import minimize

    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    prior = 1.0 / EVIDENCE_SD**2

    def loss(t: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = t
        q = a * z + b
        # log(1 + e^q) - y q, stably; its derivative is sigmoid(q) - y
        value = float(w @ (np.logaddexp(0.0, q) - y * q))
        r = w * (1.0 / (1.0 + np.exp(-q)) - y)
        value += 0.5 * prior * ((a - 1.0) ** 2 + b**2)
        grad = np.array([r @ z + prior * (a - 1.0), r.sum() + prior * b])
        return value, grad

    found = minimize(
        loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B", bounds=[(0.05, 20.0), (None, None)]
    )
    a, b = (float(v) for v in found.x)
    shapes = {
        name: replace(shape, rises=shape.rises * a, mean=shape.mean * a)
        for name, shape in model.shapes.items()
    }
    info = {**model.info, "evidence": {"scale": round(a, 4), "shift": round(b, 4)}}
    return AdditiveModel(a * model.intercept + b, shapes, info), a, b


@dataclass
class FittedModels:
    """What ``weakties model fit`` keeps: the fits (or why there is none)."""

    as_of: float  # Unix seconds: the fit saw nothing at or after it
    horizon_days: float
    ties: AdditiveModel | None
    pymk: AdditiveModel | None
    notes: dict[str, str] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)

    def usable_at(self, when: float) -> bool:
        """Whether this fit may serve a date: it saw nothing at or after the date,
        and is at most :data:`FRESH_DAYS` older than it."""
        return self.as_of <= when <= self.as_of + FRESH_DAYS * DAY

    @property
    def date(self) -> str:
        return dt.datetime.fromtimestamp(self.as_of, dt.UTC).date().isoformat()

    def to_json(self) -> str:
        return json.dumps(
            {
                "as_of": self.as_of,
                "horizon_days": self.horizon_days,
                "ties": None if self.ties is None else json.loads(self.ties.to_json()),
                "pymk": None if self.pymk is None else json.loads(self.pymk.to_json()),
                "notes": self.notes,
                "summary": self.summary,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> FittedModels:
        data = json.loads(text)

        def model(part: Any) -> AdditiveModel | None:
            return None if part is None else AdditiveModel.from_json(json.dumps(part))

        return cls(
            float(data["as_of"]),
            float(data["horizon_days"]),
            model(data.get("ties")),
            model(data.get("pymk")),
            dict(data.get("notes", {})),
            dict(data.get("summary", {})),
        )


def kept_fit(reader: Reader, member: int | None = None) -> FittedModels | None:
    """The fit kept for a member (the reader's viewer by default; a member who
    shares their ties by name, whose ties are scored with it), if any."""
    member = reader.scope.member_id if member is None else member
    if member is None:
        return None
    text = reader.member_setting(SETTING, member)
    if not text:
        return None
    try:
        fit: FittedModels | None = FittedModels.from_json(text)
    except (ValueError, KeyError, TypeError, AttributeError):
        fit = None
    # a fit of 1900 - 2100 (epoch seconds), else its dates cannot be computed
    if fit is None or not (finite(fit.as_of, fit.horizon_days) and -2.3e9 < fit.as_of < 4.2e9):
        ignored_setting(
            f"{SETTING}:{member}",
            text,
            "the kept model fit",
            "ties are scored with the priors; `weakties model fit` keeps a new fit",
        )
        return None
    return fit


def evidence_of(reader: Reader, when: dt.datetime) -> Evidence | None:
    """The reader's member's labels and ask outcomes that may inform a fit at
    ``when`` (None for the operator and the shared view).

    A label is the member's word on a tie as they know it, and they know it at
    the data's present (``reader.now``): a fit at that present (or later) reads
    every label and every closed ask, whenever recorded — the present may be the
    day after an old export or a fixed clock, while labels are given on the real
    day. A fit at an earlier cut (``--as-of``, rolling evaluation) reads only the
    labels made on the data of that cut or before (a label is stamped with the
    data's present when given: :func:`weakties.store.write.set_label`) and the
    asks closed before it."""
    ego, member = reader.scope.person_id, reader.scope.member_id
    if ego is None or member is None:
        return None
    if _naive(when) >= _naive(reader.now):
        found, closed = reader.tie_labels(), [a for a in reader.asks() if a.closed_at is not None]
    else:
        found = reader.tie_labels(before=when)
        closed = [
            a for a in reader.asks(before=when) if a.closed_at is not None and a.closed_at < when
        ]
    labels = [(int(p), label, closeness) for p, label, closeness in found]
    asks = [(int(a.broker_id), str(a.status)) for a in closed]
    return evidence_from(ego, labels, asks)


def _naive(when: dt.datetime) -> dt.datetime:
    """A time as naive UTC, the convention of every table."""
    return when if when.tzinfo is None else when.astimezone(dt.UTC).replace(tzinfo=None)


def _digest(evidence: Evidence | None) -> str | None:
    return evidence.digest() if evidence is not None and len(evidence) else None


def serving_fit(
    reader: Reader, member: int | None = None, when: dt.datetime | None = None
) -> FittedModels | None:
    """The fit kept for a member (the reader's viewer by default) if it may serve
    a date (the reader's present by default) — the one rule of every reader of a
    kept fit (:func:`weakties.ties.strength.choose_model`, the suggestions,
    ``weakties ties``):

    - it saw nothing at or after the date and is at most :data:`FRESH_DAYS`
      older (:meth:`FittedModels.usable_at`);
    - for the viewer's own fit, it was made with the evidence they have now
      (their labels and the outcomes of their asks before the date): a fit
      made before they said more about their ties no longer serves. Another
      member's evidence is theirs alone: their fit is judged by its date.

    Reading a fit never makes one: ``weakties model fit`` does, and the
    server's background task for members whose fit no longer serves
    (:mod:`weakties.service.tasks`)."""
    member = reader.scope.member_id if member is None else member
    fitted = kept_fit(reader, member)
    if fitted is None:
        return None
    when = when or reader.now
    at = when.replace(tzinfo=dt.UTC).timestamp() if when.tzinfo is None else when.timestamp()
    if not fitted.usable_at(at):
        return None
    if member == reader.scope.member_id:
        made_with = fitted.summary.get("evidence", {}).get("digest")
        if made_with != _digest(evidence_of(reader, when)):
            return None
    return fitted


def fit_stamp(text: str | None, when: dt.datetime) -> tuple[str, bool] | None:
    """Which kept fit a member's setting holds (``text``; None: none) and whether
    its dates let it serve ``when`` (:meth:`FittedModels.usable_at`).

    While a member's labels and asks are unchanged, :func:`serving_fit` gives the
    same answer for two equal stamps: what is kept of the pages scored with a fit
    is checked against it (:func:`weakties.service.live.fit_stamp`) instead of
    being dropped for everyone whenever any member's fit is kept."""
    if not text:
        return None
    import hashlib

    digest = hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
    try:
        as_of = float(json.loads(text)["as_of"])
    except (ValueError, KeyError, TypeError):
        return digest, False  # a damaged fit serves nothing (kept_fit)
    at = when.replace(tzinfo=dt.UTC).timestamp() if when.tzinfo is None else when.timestamp()
    return digest, as_of <= at <= as_of + FRESH_DAYS * DAY


def fit_models(
    traces: Traces,
    as_of: float,
    *,
    ties: np.ndarray | None = None,
    spans: Any = None,
    pymk: bool = True,
    horizon_days: float = HORIZON_DAYS,
    evidence: Evidence | None = None,
) -> FittedModels:
    """Fit both models from the traces before ``as_of`` (conversations only are
    read: :meth:`Traces.conversations` is applied here).

    ``ties``: known ties ``(a, b, since)``; ``spans``: places held
    (:class:`weakties.opportunity.pymk_model.PlaceSpans`), for the ranker;
    ``evidence``: a member's labels and introduction outcomes, which rescale the
    fitted tie model (:func:`recalibrate`).
    """
    from weakties.opportunity.pymk_model import fit_pymk, samples_at_cuts

    known = traces.conversations().before(as_of)
    if ties is not None and len(ties):
        # an undated tie cannot be placed at a past cut: the fit leaves it out
        ties = ties[~np.isnan(ties[:, 2])]
    out = FittedModels(as_of, horizon_days, None, None)
    if evidence is not None and len(evidence):
        out.summary["evidence"] = {**evidence.counts(), "digest": _digest(evidence)}
    if not len(known):
        out.notes["ties"] = out.notes["pymk"] = "no contact before the date"
        return out
    cuts = cut_schedule(float(known.t[0]), as_of, horizon_days=horizon_days)
    out.summary["cuts"] = int(cuts.size)
    out.summary["first_trace"] = float(known.t[0])
    if not cuts.size:
        days = (as_of - float(known.t[0])) / DAY
        need = horizon_days + 14
        note = f"{days:.0f} days of history; a fit needs at least {need:.0f}"
        out.notes["ties"] = out.notes["pymk"] = note
        return out
    # each past cut's network is built once for both models' rows
    samples, formed = samples_at_cuts(
        known, cuts, horizon_days=horizon_days, ties=ties, spans=spans, formation=pymk
    )
    # the threshold counts distinct pairs, as measured: the weekly cuts overlap,
    # so one pair gives up to one row per cut, and its rows are not new evidence
    positives = _distinct(samples.keys[samples.y == 1])
    negatives = _distinct(samples.keys[samples.y == 0])
    out.summary["ties"] = {
        "rows": len(samples),
        "positives": int(samples.y.sum()),
        "pairs": _distinct(samples.keys),
        "positive_pairs": positives,
        "negative_pairs": negatives,
    }
    if min(positives, negatives) >= MIN_POSITIVES["ties"]:
        out.ties = fit_with_validation(
            samples.x,
            samples.y,
            samples.cut,
            monotone={k: d for k, (_, d) in TIE_FEATURES.items()},
            transforms=TIE_TRANSFORMS,
        )
        out.ties.info["task"] = f"in touch again within {horizon_days:.0f} days"
        if evidence is not None and len(evidence):
            _use_evidence(out, known, as_of, ties, evidence)
    else:
        out.notes["ties"] = (
            f"{positives} distinct pairs in touch again and {negatives} not in the past "
            f"periods; a fit needs {MIN_POSITIVES['ties']} of each"
        )
    if formed is not None:
        # distinct new pairs, as measured: a pair that meets is new at every
        # cut of the weeks before, one row each
        new = _distinct(formed.keys[formed.y == 1])
        out.summary["pymk"] = {
            "rows": len(formed),
            "positives": int(formed.y.sum()),
            "positive_pairs": new,
        }
        if new >= MIN_POSITIVES["pymk"]:
            out.pymk = fit_pymk(formed)
        else:
            out.notes["pymk"] = (
                f"{new} distinct new pairs in the past periods; a fit needs {MIN_POSITIVES['pymk']}"
            )
    return out


def _distinct(keys: np.ndarray) -> int:
    return int(np.unique(keys).size)


def _use_evidence(
    out: FittedModels, known: Traces, as_of: float, ties: np.ndarray | None, evidence: Evidence
) -> None:
    """Rescale the fitted tie model by the evidence on pairs in touch before
    ``as_of`` (the model reads nothing of the others)."""
    assert out.ties is not None
    net = network_at(known, as_of, ties=ties)
    keys = pair_key(np.full(len(evidence), evidence.ego), evidence.other)
    if net.keys.size:
        pos = np.minimum(np.searchsorted(net.keys, keys), net.keys.size - 1)
        rows = np.where(net.keys[pos] == keys, pos, -1)
    else:
        rows = np.full(keys.size, -1)
    used = rows >= 0
    summary = out.summary["evidence"]
    summary["used"] = int(used.sum())
    if not used.any():
        out.notes["evidence"] = "no labelled tie or asked broker was in touch before the date"
        return
    x = tie_features(net, rows[used])
    out.ties, a, b = recalibrate(out.ties, out.ties.z(x), evidence.y[used], evidence.weight[used])
    summary["scale"], summary["shift"] = round(a, 4), round(b, 4)


@dataclass(frozen=True)
class History:
    """What a viewer may see before a date, as arrays: traces, ties
    ``(a, b, since)`` (since NaN when undated), places held."""

    when: float
    traces: Traces
    ties: np.ndarray
    spans: PlaceSpans | None


def _seconds(day: dt.date | None) -> float:
    if day is None:
        return math.nan
    return dt.datetime.combine(day, dt.time()).replace(tzinfo=dt.UTC).timestamp()


def read_history(reader: Reader, when: dt.datetime, *, places: bool = False) -> History:
    """The traces, ties (and, with ``places``, positions) the reader's scope may use
    before ``when``."""
    from weakties.opportunity.pymk_model import PlaceSpans

    rows = np.array(reader.trace_rows(when), dtype=np.float64).reshape(-1, 5)
    rows = rows[rows[:, 4] >= 0]
    traces = Traces.of(
        rows[:, 0].astype(np.int64),
        rows[:, 1].astype(np.int64),
        np.round(rows[:, 2], 3),
        np.nan_to_num(rows[:, 3], nan=1.0),
        rows[:, 4],
    )
    pairs = reader.tie_pairs(when)
    dated = np.asarray(reader.tie_since(when), dtype=np.float64).reshape(-1, 3)
    ties = np.column_stack((pairs.astype(np.float64), np.full(len(pairs), np.nan)))
    if len(dated) and len(ties):
        # the earliest start known of each pair
        keys = pair_key(dated[:, 0].astype(np.int64), dated[:, 1].astype(np.int64))
        unique, inverse = np.unique(keys, return_inverse=True)
        earliest = np.full(unique.size, np.inf)
        np.minimum.at(earliest, inverse, dated[:, 2])
        mine = pair_key(pairs[:, 0], pairs[:, 1])
        pos = np.minimum(np.searchsorted(unique, mine), unique.size - 1)
        ok = unique[pos] == mine
        ties[ok, 2] = earliest[pos[ok]]
    at = when.replace(tzinfo=dt.UTC).timestamp() if when.tzinfo is None else when.timestamp()
    spans = None
    if places:
        people = np.unique(np.concatenate([traces.sender, traces.recipient, pairs.ravel()]))
        found = reader.place_rows(people.tolist(), seen=True)
        person, place, start, end, seen = [], [], [], [], []
        for pid, org, kind, begin, finish, current, _title, _industry, seen_on in found:
            if finish is None and not current and kind == "job":
                continue  # an ended job of unknown end: no span to place
            person.append(pid)
            place.append(org)
            start.append(_seconds(begin))
            end.append(math.nan if current or finish is None else _seconds(finish))
            # an undated place (a contact's job read from a connections list) is
            # known from the day it was observed, not since always: at an earlier
            # cut it is the future; never observed at a date, it is known now only
            seen.append(at if seen_on is None else _seconds(seen_on))
        if person:
            spans = PlaceSpans(
                np.array(person, dtype=np.int64),
                np.array(place, dtype=np.int64),
                np.array(start),
                np.array(end),
                np.array(seen),
            )
    return History(at, traces, ties, spans)


def score_network(model: AdditiveModel, net: Network) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The features and fitted strength of every pair in touch before the cut."""
    x = tie_features(net)
    return x, model.score(x)


@dataclass(frozen=True)
class TieExplanation:
    """One dimension's push on a pair's score, in words."""

    dimension: str
    push: float  # log-odds, from the average pair of the training cuts
    text: str
    key: str = ""  # the facts the text words (weakties.ties.reasons)
    params: dict[str, Any] = field(default_factory=dict)


_WORDED = ("text", "key", "params")


def _worded(dimension: str, raw: dict[str, float], feature: str) -> tuple[str, str, dict[str, Any]]:
    """A dimension's words (English) and facts: ``text``, ``key``, ``params``."""
    key, params = reason_facts(dimension, raw, feature)
    params = {k: float(v) if isinstance(v, float) else v for k, v in params.items()}
    return english(key, params), key, params


def dimension_pushes(
    model: AdditiveModel,
    net: Network,
    x: dict[str, np.ndarray],
    i: int,
    contributions: dict[str, np.ndarray] | None = None,
) -> tuple[dict[str, float], dict[str, str], dict[str, float]]:
    """Pair ``i``'s exact push on the fitted log-odds per dimension, the input
    that weighs most in each dimension, and the raw values the sentences read
    (``contributions``: ``model.contributions(x)`` of every pair, computed once
    by a caller that explains many pairs)."""
    if contributions is None:
        contributions = model.contributions(
            {name: np.asarray(values[i : i + 1]) for name, values in x.items()}
        )
        at = 0
    else:
        at = i
    pushes: dict[str, float] = {}
    strongest: dict[str, tuple[float, str]] = {}
    for name, value in contributions.items():
        dimension = TIE_FEATURES[name][0]
        push = float(value[at])
        pushes[dimension] = pushes.get(dimension, 0.0) + push
        if abs(push) > strongest.get(dimension, (-1.0, ""))[0]:
            strongest[dimension] = (abs(push), name)
    raw = {name: float(values[i]) for name, values in x.items()}
    raw.update({f"pair:{k}": float(v[i]) for k, v in net.pair.items()})
    return pushes, {d: name for d, (_, name) in strongest.items()}, raw


def reasons(
    model: AdditiveModel,
    net: Network,
    x: dict[str, np.ndarray],
    i: int,
    top: int = 4,
    contributions: dict[str, np.ndarray] | None = None,
) -> list[TieExplanation]:
    """The dimensions that decided pair ``i``'s fitted score, largest push first.

    Contributions of the features of one dimension add up (the model is
    additive): a dimension's push is exact, not an approximation.
    """
    pushes, strongest, raw = dimension_pushes(model, net, x, i, contributions)
    out = [
        TieExplanation(dimension, round(push, 2), *_worded(dimension, raw, strongest[dimension]))
        for dimension, push in sorted(pushes.items(), key=lambda kv: -abs(kv[1]))
        if abs(push) >= 0.05
    ]
    return out[:top]


def describe(dimension: str, raw: dict[str, float], feature: str = "") -> str:
    """A dimension of a pair's history as a sentence (``feature``: the input that
    weighs most in it, for the dimensions whose inputs say different things)."""
    return english(*reason_facts(dimension, raw, feature))


def reason_facts(
    dimension: str, raw: dict[str, float], feature: str = ""
) -> tuple[str, dict[str, Any]]:
    """A dimension of a pair's history as facts: a message key and its
    parameters (:mod:`weakties.ties.reasons` words them)."""
    if dimension == "recency":
        return "last_contact", {"days": raw["days_since"]}
    if dimension == "intensity":
        return "contacts_in_month", {
            "last_month": int(raw["pair:raw30"]),
            "last_year": int(raw["pair:raw365"]),
            "all": int(raw["pair:count"]),
        }
    if dimension == "duration":
        return "in_touch_for", {"days": raw["tie_age"]}
    if dimension == "regularity":
        weeks = int(min(52, math.floor(raw["tie_age"] / 7) + 1))
        active = round(raw["regularity"] * weeks)
        key = "weeks_active_bursts" if raw["burstiness"] > 0.3 else "weeks_active"
        return key, {"active": int(active), "weeks": weeks}
    if dimension == "trajectory":
        now, before = int(raw["pair:raw30"]), int(raw["pair:n30_60"])
        if feature == "overdue":
            usual = raw["tie_age"] / max(raw["pair:contact_days"], 1.0)
            return "overdue", {"days": raw["days_since"], "usual_days": usual}
        if raw["trend"] > 0:
            return "more_this_month", {"now": now, "before": before}
        if raw["trend"] < 0:
            return "less_this_month", {"now": now, "before": before}
        return "same_this_month", {}
    if dimension == "reciprocity":
        if raw["balance"] >= 0.5:
            return "both_write", {}
        if raw["balance"] > 0:
            return "mostly_one_side_writes", {}
        return "only_one_side_writes", {}
    if dimension == "channel":
        return "channels", {"n": int(raw["channels"])}
    if dimension == "intimacy":
        if raw["closeness"] >= 0.99:
            return "one_to_one", {}
        return "mostly_in_groups", {"recipients": 1.0 / max(raw["closeness"], 1e-6) ** 2}
    if dimension == "structural":
        return "mutual", {"n": int(raw["mutual"])}
    if dimension == "context":
        if feature.startswith("elsewhere"):
            side = "one" if feature == "elsewhere_max" else "each"
            return f"elsewhere_{side}", {"n": int(raw[feature])}
        if feature.startswith("idle"):
            side = "one" if feature == "idle_max" else "both"
            return f"idle_{side}", {"days": raw[feature]}
        if feature.startswith(("share", "focus")):
            side = "busier" if feature.endswith("min") else "quieter"
            span = "year" if feature.startswith("share") else "lately"
            return f"share_{span}_{side}", {"share": raw[feature]}
        side = "quieter" if feature == "active_min" else "busier"
        return f"active_{side}", {"n": int(raw[feature])}
    return dimension, {}


def strong(score: np.ndarray) -> np.ndarray:
    return score >= STRONG_AT


def fitted_network(traces: Traces, as_of: float, ties: np.ndarray | None = None) -> Network:
    """The network the fitted model scores: conversations before ``as_of``."""
    return network_at(traces.conversations(), as_of, ties=ties)


@dataclass
class LearnedScores(TieScores):
    """Tie scores read by a fitted model: the same pairs, the fitted strength (the
    chance of contact within the next 30 days), classes, layers, and reasons
    from the fitted model's exact contributions.

    Pairs never in touch keep the prior's reading (its score, class and
    breakdown): the fitted model learns from contact, and has none to read there.
    """

    base: TieScores | None = None
    fitted: AdditiveModel | None = None
    net: Network | None = None
    x: dict[str, np.ndarray] = field(default_factory=dict)
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    name: str = ""
    # every pair's contributions, computed at the first explanation (a list of
    # ties explains them all: one vectorised pass instead of one per pair)
    _contributions: dict[str, np.ndarray] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def contributions(self) -> dict[str, np.ndarray]:
        """Every pair's push per feature on the fitted log-odds (see
        :meth:`AdditiveModel.contributions`), kept once computed."""
        assert self.fitted is not None
        if self._contributions is None:
            self._contributions = self.fitted.contributions(self.x)
        return self._contributions

    @property
    def model_name(self) -> str:
        return self.name

    def strong_line(self, i: int) -> float:
        """The fitted line for a pair the fitted model reads, else the prior's."""
        if int(self.rows[i]) < 0 and self.base is not None:
            return self.base.strong_line(i)
        return STRONG_AT

    def model_of(self, i: int) -> str:
        """The fit's name for a pair the fitted model reads, else the prior's."""
        if int(self.rows[i]) < 0 and self.base is not None:
            return self.base.model_of(i)
        return self.name

    @property
    def strong_lines(self) -> dict[str, float]:
        lines = {"fitted": STRONG_AT}
        prior = (self.rows < 0) & np.isin(self.classes, ("strong", "weak"))
        if self.base is not None and prior.any():
            lines.update(self.base.strong_lines)
        return lines

    def reasons(self, i: int, top: int = 4) -> list[dict[str, Any]]:
        """The dimensions that decided pair ``i``'s fitted score, in words."""
        row = int(self.rows[i])
        if row < 0 or self.fitted is None or self.net is None:
            return self.base.reasons(i, top) if self.base is not None else []
        return [
            {
                "feature": e.dimension,
                "push": e.push,
                "text": e.text,
                "key": e.key,
                "params": e.params,
            }
            for e in reasons(self.fitted, self.net, self.x, row, top, self.contributions())
        ]

    def breakdown(self, i: int) -> dict[str, Any]:
        """How pair ``i``'s fitted score adds up on the fitted model's scale
        (log-odds): the average pair's ``base`` plus every dimension's signed
        push is ``total``, rounded so that the shown parts add up exactly; a pair
        the fitted model does not read keeps the prior's breakdown."""
        from weakties.ties.strength import _rounded_parts

        row = int(self.rows[i])
        if row < 0 or self.fitted is None or self.net is None:
            assert self.base is not None
            return self.base.breakdown(i)
        pushes, strongest, raw = dimension_pushes(
            self.fitted, self.net, self.x, row, self.contributions()
        )
        base = self.fitted.base
        total = base + sum(pushes.values())
        order = sorted(pushes, key=lambda d: -abs(pushes[d]))
        shown = _rounded_parts([base] + [pushes[d] for d in order], total)
        return {
            "base": shown[0],
            "total": round(total, 2),
            "score": float(self.score[i]),
            "parts": [
                {
                    "feature": d,
                    "push": value,
                    **dict(zip(_WORDED, _worded(d, raw, strongest[d]), strict=True)),
                }
                for d, value in zip(order, shown[1:], strict=True)
                if value != 0
            ],
        }

    def inputs(self, i: int) -> dict[str, float]:
        """The fitted model's inputs for pair ``i`` (empty when never in touch)."""
        row = int(self.rows[i])
        if row < 0:
            return {}
        return {name: float(values[row]) for name, values in self.x.items()}


def learned_scores(
    scores: TieScores, fitted: FittedModels, history: History
) -> LearnedScores | None:
    """``scores`` read by the fitted tie model (None when there is none). Dunbar
    layers are left to :func:`weakties.ties.strength.score_ties`, which ranks
    every model's scores by the same rule."""
    if fitted.ties is None:
        return None
    keys = pair_key(scores.table.a, scores.table.b)
    if not keys.size:
        # no pair to read (a viewer with no trace before the date): the fit still
        # is the model that scores, so the list and its reason name it
        return LearnedScores(
            scores.table,
            scores.score,
            scores.classes,
            scores.model,
            scores.as_of,
            scores.ego,
            None,
            fitted,
            base=scores,
            fitted=fitted.ties,
            rows=np.full(0, -1, dtype=np.int64),
            name=FITTED_MODEL.format(date=fitted.date),
        )
    when = scores.as_of.replace(tzinfo=dt.UTC).timestamp()
    net = network_at(history.traces.conversations(), when, ties=history.ties)
    x = tie_features(net)
    if net.keys.size and keys.size:
        pos = np.minimum(np.searchsorted(net.keys, keys), net.keys.size - 1)
        rows = np.where(net.keys[pos] == keys, pos, -1)
    else:
        rows = np.full(keys.size, -1)
    inside = rows >= 0
    p = fitted.ties.score(x) if net.keys.size else np.zeros(0)
    # a pair the fitted model does not read keeps the prior's score
    score = np.array(scores.score, dtype=np.float64, copy=True)
    score[inside] = p[rows[inside]]
    classes = scores.classes.copy()
    open_ = np.isin(classes, ("strong", "weak")) & inside
    classes[open_] = np.where(score[open_] >= STRONG_AT, "strong", "weak")
    return LearnedScores(
        scores.table,
        score,
        classes,
        scores.model,
        scores.as_of,
        scores.ego,
        None,
        fitted,
        base=scores,
        fitted=fitted.ties,
        net=net,
        x=x,
        rows=rows,
        name=FITTED_MODEL.format(date=fitted.date),
    )
