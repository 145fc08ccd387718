"""Rolling temporal splits on SNAP CollegeMsg: tie persistence and people you may know.

    python evaluation/rolling_eval.py                # the reporting cuts -> results/rolling.md, .json
    python evaluation/rolling_eval.py --stage dev    # the development cuts -> results/rolling_dev.json
    python evaluation/rolling_eval.py --markdown-only  # results/rolling.md again from the .json files

Protocol. Day 0 is the day of the first message (2004-04-15). At each reported
cut date ``c``, everything a method uses comes from the messages before ``c``;
the outcome is the next 30 days, ``[c, c + 30 d)``:

- tie persistence: every pair in touch before ``c``; positive when in touch
  again within the 30 days;
- people you may know: every pair of people both known before ``c`` and never
  in touch before; positive when they first write within the 30 days.

The fitted models (:mod:`weakties.ties.history`, :mod:`weakties.ties.fit`,
:mod:`weakties.opportunity.pymk_model`) are fitted, for each reported cut, on
earlier cuts whose whole 30-day outcome lies before ``c`` — exactly what
``weakties model fit --as-of c`` does — with the penalty chosen on the latest of
those training cuts. Nothing is fitted on the period reported.

Development and reporting are separated in time: every design choice (features,
cut spacing, penalties, where the ranker's shapes stop rising) was made looking
only at the development cuts (days 49, 56, 63, 68: their outcomes end by day 98),
never at the reporting cuts (days 98, 112, 126, 140, 154), which are run for the
results after each change (the ranker's shapes: once before, once after;
``docs/opportunities.md`` quotes both).

Baselines: every single feature (the raw message count, recency, the decayed
count of the default model, and each input of the fitted model), the default
hand-set model (``weakties ties --all --as-of``), random; for people you may know
common neighbours, Adamic-Adar, resource allocation, Katz, the previous default
(resource allocation + Katz tie-breaker), each other input of the fitted ranker
alone (the candidate's new contacts and contacts in the last 30 days, idle days,
partners, age; Jaccard, shared places), random.

Strong and weak on real data. CollegeMsg says nothing of closeness, so the truth
is taken from the period after the cut, which no method sees: a pair in touch
before ``c`` is **truly strong** when, in ``[c, c + 30 d)``, both of them wrote to
the other and they were in touch on at least 3 distinct days (UTC); every other
pair is truly weak. Time and reciprocity are Granovetter's first two marks of a
strong tie; distinct days keep one burst of messages from counting as closeness,
both directions keep a one-sided sender out. It is not the rule of any input
(all of them come from before the cut) nor the fitted model's target (any
contact within the 30 days): a pair written to once after the cut is in touch
again but not strong. The rule was fixed before any run. A method's strong
class is the product's (the fitted model: a chance of contact within a month of
at least ``weakties.ties.learned.STRONG_AT``; the default model: its own class);
the majority class (always weak) and every single feature and random, each
calling strong as many pairs per cut as the fitted model does (the top ones by
that feature), are the baselines. Precision and recall per class, pooled over
the cuts.

95 % intervals: a bootstrap that resamples **people**, not pairs
(``stats.People``): each of 1,000 replicates (seed ``--seed``) draws the 1,899
people of the file with replacement; a pair counts as often as its two people
were drawn together (the product of their multiplicities: the vertex bootstrap
of Snijders & Borgatti 1999), a (cut, person) unit of precision@k as often as
that person was drawn. Pairs share people, and the cuts, two weeks apart with
30-day outcomes, share people and pairs: one draw of people serves every cut
and every method, so the intervals of the means over the cuts keep the
correlation between cuts and the intervals of differences are paired. The
previous intervals resampled pairs within each cut as if independent, and were
too narrow.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stats

from weakties.opportunity.pymk_model import (
    KATZ_BETA,
    PYMK_FEATURES,
    PlaceSpans,
    candidate_pairs,
    fit_pymk,
    formation_samples,
    new_pairs,
    pair_features,
    places_at,
)
from weakties.ties.fit import fit_with_validation
from weakties.ties.history import (
    DAY,
    HORIZON_DAYS,
    TIE_FEATURES,
    TIE_TRANSFORMS,
    Traces,
    contact_between,
    cut_schedule,
    network_at,
    pair_key,
    split_key,
    tie_features,
    tie_samples,
)
from weakties.ties.learned import STRONG_AT

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("WEAKTIES_SHARED_DATA") or HERE.parent.parent / "shared" / "data")
COLLEGE = SHARED / "CollegeMsg" / "CollegeMsg.txt"
DEV_DAYS = (49, 56, 63, 68)
REPORT_DAYS = (98, 112, 126, 140, 154)
KS = (1, 5, 10, 20)


def load_college() -> tuple[Traces, float]:
    raw = np.loadtxt(COLLEGE, dtype=np.int64)
    traces = Traces.of(raw[:, 0], raw[:, 1], raw[:, 2].astype(np.float64))
    day0 = np.floor(traces.t[0] / DAY) * DAY
    return traces, day0


def population(traces: Traces) -> np.ndarray:
    """Every person of the file: the people the bootstrap draws."""
    return np.unique(np.r_[traces.sender, traces.recipient])


def prior_scores(
    cuts: list[float], classes: dict[float, dict[int, str]] | None = None
) -> dict[float, dict[int, float]]:
    """The default hand-set model's strength of every pair, through the product
    (``weakties import interactions``, ``ties --all --as-of``); its class of every
    pair too, into ``classes`` when given."""
    from sqlalchemy import select

    from weakties.ingest.generic import import_interactions
    from weakties.model.tables import Identity
    from weakties.service.context import operator, reader
    from weakties.store.engine import open_store
    from weakties.ties.strength import score_ties

    out: dict[float, dict[int, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "c.sqlite")
        import_interactions(
            store, COLLEGE, sender="0", recipient="1", timestamp="2", no_header=True, delimiter=" "
        )
        with store.engine.connect() as conn:
            original = {
                int(pid): int(raw)
                for pid, raw in conn.execute(
                    select(Identity.person_id, Identity.raw).where(Identity.kind == "external")
                )
            }
            for cut in cuts:
                when = dt.datetime.fromtimestamp(cut, dt.UTC).replace(tzinfo=None)
                scores = score_ties(reader(conn, operator(conn)), as_of=when, all_pairs=True)
                a = np.array([original[int(x)] for x in scores.table.a])
                b = np.array([original[int(x)] for x in scores.table.b])
                out[cut] = dict(zip(pair_key(a, b).tolist(), scores.score.tolist(), strict=True))
                if classes is not None:
                    classes[cut] = dict(
                        zip(pair_key(a, b).tolist(), map(str, scores.classes), strict=True)
                    )
        store.close()
    return out


# said beside every figure of the default model on the reporting cuts
DEFAULT_NOT_OUT_OF_SAMPLE = (
    "The default hand-set model's figures on these cuts are not out of sample: its "
    "recency weight was raised after a look at how well strength on CollegeMsg's second "
    "half (after 2004-07-21, which holds every reporting cut) predicted who stays in "
    "touch (`weakties.ties.model`). That choice flatters the default model, not the "
    "fitted one."
)


def oriented(name: str, values: np.ndarray, direction: int) -> np.ndarray:
    return -values if direction < 0 else values


def truly_strong(traces: Traces, keys: np.ndarray, cut: float) -> np.ndarray:
    """Per pair of ``keys``: both wrote to the other in ``[cut, cut + 30 d)`` and were
    in touch on at least 3 distinct days then (the module doc says why)."""
    after = traces.between(cut, cut + HORIZON_DAYS * DAY)
    key = after.pair_keys()
    upward = after.sender < after.recipient
    day = np.floor(after.t / DAY).astype(np.int64)
    pair_days = np.unique(np.c_[key, day], axis=0)[:, 0]
    pairs, n_days = np.unique(pair_days, return_counts=True)
    three = pairs[n_days >= 3]
    both = np.intersect1d(key[upward], key[~upward])
    return np.isin(keys, np.intersect1d(three, both))


def tie_cut(
    traces: Traces,
    first: float,
    cut: float,
    prior: dict[int, float] | None,
    *,
    fit: bool = True,
    prior_classes: dict[int, str] | None = None,
) -> dict:
    """Scores of every method for the pairs in touch before ``cut``, and the outcome
    (without ``fit``, the methods that need no fit only)."""
    known = traces.before(cut)  # nothing at or after the cut reaches the fit
    cuts = cut_schedule(first, cut)
    started = time.perf_counter()
    model = None
    if cuts.size and fit:
        samples = tie_samples(known, cuts)
        model = fit_with_validation(
            samples.x,
            samples.y,
            samples.cut,
            monotone={k: d for k, (_, d) in TIE_FEATURES.items()},
            transforms=TIE_TRANSFORMS,
        )
    fit_seconds = time.perf_counter() - started
    net = network_at(known, cut)
    x = tie_features(net)
    y = np.isin(net.keys, contact_between(traces, cut, cut + HORIZON_DAYS * DAY)).astype(float)
    scores: dict[str, np.ndarray] = {}
    called: dict[str, np.ndarray] = {}  # the product's strong class
    if model is not None:
        scores["fitted"] = model.score(x)
        called["fitted"] = scores["fitted"] >= STRONG_AT
    if prior_classes is not None:
        called["default model"] = np.array(
            [prior_classes.get(k) == "strong" for k in net.keys.tolist()], dtype=bool
        )
    if prior is not None:
        scores["default model"] = np.array([prior.get(k, 0.0) for k in net.keys.tolist()])
    scores["count"] = net.pair["count"]
    scores["recency"] = -x["days_since"]
    scores["decayed count"] = x["decayed180"]
    # random scores, drawn apart from the bootstrap's (seeded by the cut)
    scores["random"] = np.random.default_rng(int(cut)).random(y.size)
    for name, (_, direction) in TIE_FEATURES.items():
        if direction == 0 and model is not None:
            # free features: oriented the way the training cuts say
            direction = 1 if model.shapes[name].rises.sum() >= 0 else -1
        scores[f"feature:{name}"] = oriented(name, x[name], direction or 1)
    return {
        "cut": cut,
        "y": y,
        "keys": net.keys,
        "strong": truly_strong(traces, net.keys, cut),
        "called_strong": called,
        "scores": scores,
        "training_cuts": int(cuts.size),
        "fit_seconds": round(fit_seconds, 2),
        "model": model,
    }


def heuristics(x: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The single heuristics, and the previous default: resource allocation + 2 x
    shared places (Adamic-Adar weighted) + Katz x 0.001 as a tie-breaker."""
    katz = x["katz"] * KATZ_BETA**2  # the feature is Katz over beta squared
    return {
        "cn": x["cn"],
        "aa": x["adamic_adar"],
        "ra": x["resource_allocation"],
        "katz": katz,
        "previous default": x["resource_allocation"] + 2.0 * x["places"] + 1e-3 * katz,
    }


# the ranker's inputs that are not already a heuristic above, each a baseline alone
SINGLE_INPUTS = ("jaccard", "places", "new", "active", "idle", "degree", "age")


def single_inputs(
    x: dict[str, np.ndarray], directions: dict[str, int] | None = None
) -> dict[str, np.ndarray]:
    """Each input of the fitted ranker alone (``new``: the candidate's new contacts
    in the last 30 days, ``active``: their contacts in the last 30 days, ...),
    oriented as :data:`PYMK_FEATURES` says, the free ones (degree, age) as
    ``directions`` says (:func:`directions_alone`; upward without it); Katz
    breaks ties, far below any step of the feature."""
    katz = x["katz"]
    tie_break = 1e-6 * katz / (1.0 + float(katz.max(initial=0.0)))
    out = {}
    for name in SINGLE_INPUTS:
        direction = PYMK_FEATURES[name]
        if direction == 0:
            direction = (directions or {}).get(name, 1)
        out[f"feature:{name}"] = direction * x[name] + tie_break
    return out


def directions_alone(samples) -> dict[str, int]:
    """The way each free input of the ranker (no direction from theory) ranks
    alone on the training rows: upward when its AUC there (new pairs against the
    sampled other candidates) is at least 0.5, downward otherwise. Only the
    training cuts are read, as for the fit; the fitted shape is not used, since
    beside the other inputs it need not go the way the input ranks alone."""
    out = {}
    for name, direction in PYMK_FEATURES.items():
        if direction == 0 and samples is not None and name in samples.x:
            out[name] = 1 if stats.auc(samples.x[name], samples.y) >= 0.5 else -1
    return out


def pymk_cut(
    traces: Traces,
    first: float,
    cut: float,
    seed: int,
    spans: PlaceSpans | None = None,
    horizon_days: float = HORIZON_DAYS,
    *,
    fit: bool = True,
) -> dict:
    known = traces.before(cut)
    cuts = cut_schedule(first, cut, horizon_days=horizon_days)
    started = time.perf_counter()
    model = None
    directions: dict[str, int] = {}
    if cuts.size and fit:
        samples = formation_samples(known, cuts, seed=seed, spans=spans, horizon_days=horizon_days)
        if samples.y.sum() > 0:
            model = fit_pymk(samples)
            directions = directions_alone(samples)
    fit_seconds = time.perf_counter() - started
    net = network_at(known, cut)
    places = places_at(net, spans)
    positive = new_pairs(traces, net, horizon_days)
    lo, hi = split_key(positive)
    rows = np.unique(np.concatenate([net.index(lo), net.index(hi)]))
    u, v, katz = candidate_pairs(net, rows, places)
    x = pair_features(net, u, v, katz=katz, places=places)
    key = pair_key(net.people[u], net.people[v])
    hit = np.isin(key, positive)
    methods = {**heuristics(x), **single_inputs(x, directions)}
    if model is not None:
        methods["fitted"] = model.score(x)
    # precision@k per person: their top k candidates by each method (ties by id)
    order_u = np.argsort(u, kind="stable")
    starts = np.r_[0, np.flatnonzero(np.diff(u[order_u])) + 1, u.size]
    per_person: dict[str, dict[int, np.ndarray]] = {}
    for name, score in methods.items():
        rows_hits = {k: np.zeros(rows.size) for k in KS}
        for i in range(starts.size - 1):
            idx = order_u[starts[i] : starts[i + 1]]
            person = u[idx[0]]
            best = idx[np.lexsort((v[idx], -score[idx]))][: max(KS)]
            where = np.searchsorted(rows, person)
            for k in KS:
                rows_hits[k][where] = hit[best[:k]].sum() / k
        per_person[name] = rows_hits
    degree = net.degree()
    n_pos = np.zeros(rows.size)
    for side in (lo, hi):
        np.add.at(n_pos, np.searchsorted(rows, net.index(side)), 1.0)
    random_precision = n_pos / np.maximum(net.n - 1 - degree[rows], 1)
    per_person["random"] = {k: random_precision for k in KS}
    # AUC on sampled pairs: new pairs against pairs of known people never in touch by the end
    rng = np.random.default_rng(seed)
    ever = np.unique(traces.pair_keys())
    pos_u, pos_v = net.index(lo), net.index(hi)
    neg_u, neg_v = [], []
    while sum(map(len, neg_u)) < positive.size:
        a = rng.integers(0, net.n, positive.size)
        b = rng.integers(0, net.n, positive.size)
        ok = a != b
        a, b = a[ok], b[ok]
        ok = ~np.isin(pair_key(net.people[a], net.people[b]), ever)
        neg_u.append(a[ok])
        neg_v.append(b[ok])
    nu = np.concatenate(neg_u)[: positive.size]
    nv = np.concatenate(neg_v)[: positive.size]
    au = np.concatenate([pos_u, nu])
    av = np.concatenate([pos_v, nv])
    ay = np.r_[np.ones(positive.size), np.zeros(nu.size)]
    ax = pair_features(net, au, av, places=places)
    auc_scores = {**heuristics(ax), **single_inputs(ax, directions), "random": rng.random(ay.size)}
    if model is not None:
        auc_scores["fitted"] = model.score(ax)
    in_candidates = float(np.isin(positive, key).mean()) if positive.size else float("nan")
    return {
        "cut": cut,
        "who": net.people[rows],
        "auc_a": net.people[au],
        "auc_b": net.people[av],
        "people": int(rows.size),
        "positives": int(positive.size),
        "positives_among_candidates": round(in_candidates, 4),
        "precision": per_person,
        "auc_y": ay,
        "auc_scores": auc_scores,
        "training_cuts": int(cuts.size),
        "fit_seconds": round(fit_seconds, 2),
        "model": model,
        "directions": directions,
    }


def summarize_ties(results: list[dict], people: stats.People) -> dict:
    methods = list(dict.fromkeys(m for r in results for m in r["scores"]))
    per_cut = []
    reps: dict[str, list[np.ndarray]] = {m: [] for m in methods}
    for r in results:
        y = r["y"]
        w = people.pairs(*split_key(r["keys"]))
        row = {
            "cut": _day(r["cut"]),
            "pairs": int(y.size),
            "positives": int(y.sum()),
            "training_cuts": r["training_cuts"],
            "fit_seconds": r["fit_seconds"],
            "auc": {},
        }
        for m in methods:
            if m not in r["scores"]:
                continue
            ranked = stats.ranked(r["scores"][m], y)
            full = stats.weighted_auc(ranked, np.ones(y.size))
            boot = np.array([stats.weighted_auc(ranked, wi) for wi in w])
            reps[m].append(boot)
            row["auc"][m] = [round(full, 4), *map(lambda z: round(z, 4), stats.interval(boot))]
        per_cut.append(row)
    pooled = {}
    for m in methods:
        if len(reps[m]) != len(results):
            continue
        point = float(np.mean([row["auc"][m][0] for row in per_cut]))
        boot = np.mean(np.vstack(reps[m]), axis=0)
        pooled[m] = {"auc": round(point, 4), "ci": [round(z, 4) for z in stats.interval(boot)]}
    singles = {m: v for m, v in pooled.items() if m not in ("fitted", "default model", "random")}
    best = max(singles, key=lambda m: singles[m]["auc"])
    out = {"per_cut": per_cut, "pooled": pooled, "best_single": best}
    if "fitted" in pooled:
        diff = np.mean(np.vstack(reps["fitted"]), axis=0) - np.mean(np.vstack(reps[best]), axis=0)
        out["fitted_minus_best_single"] = {
            "auc": round(pooled["fitted"]["auc"] - pooled[best]["auc"], 4),
            "ci": [round(z, 4) for z in stats.interval(diff)],
        }
        if "default model" in pooled:
            diff = np.mean(np.vstack(reps["fitted"]), axis=0) - np.mean(
                np.vstack(reps["default model"]), axis=0
            )
            out["fitted_minus_default"] = {
                "auc": round(pooled["fitted"]["auc"] - pooled["default model"]["auc"], 4),
                "ci": [round(z, 4) for z in stats.interval(diff)],
            }
    return out


CLASS_METHODS = ("fitted", "default model")


def called_at_rate(score: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """The ``n`` pairs a single score ranks highest (ties broken at random)."""
    out = np.zeros(score.size, dtype=bool)
    if n:
        out[np.lexsort((rng.random(score.size), -score))[:n]] = True
    return out


def summarize_classes(results: list[dict], people: stats.People, seed: int) -> dict:
    """Precision and recall of strong and weak against the truth of the module doc,
    pooled over the cuts, for the product's classes and the baselines."""
    rng = np.random.default_rng(seed)
    counts: dict[str, dict[str, list]] = {}  # method -> tp/called/actual per class, per cut
    per_cut = []
    for r in results:
        truth = r["strong"]
        w = people.pairs(*split_key(r["keys"])).astype(np.float64)
        rate = int(r["called_strong"]["fitted"].sum()) if "fitted" in r["called_strong"] else 0
        called = dict(r["called_strong"])
        called["majority (always weak)"] = np.zeros(truth.size, dtype=bool)
        for m, score in r["scores"].items():
            if m not in ("fitted", "default model"):
                called[f"{m} (top, at the fitted rate)"] = called_at_rate(score, rate, rng)
        per_cut.append(
            {
                "cut": _day(r["cut"]),
                "pairs": int(truth.size),
                "truly_strong": int(truth.sum()),
                "called_strong": {m: int(c.sum()) for m, c in called.items() if m in CLASS_METHODS},
            }
        )
        for m, c in called.items():
            got = counts.setdefault(m, {})
            for cls, t, p in (("strong", truth, c), ("weak", ~truth, ~c)):
                for part, mask in (("tp", t & p), ("called", p), ("actual", t)):
                    full = float(mask.sum())
                    boot = w @ mask.astype(np.float64)
                    got.setdefault(cls, {}).setdefault(part, []).append((full, boot))
    out: dict = {"per_cut": per_cut, "methods": {}}
    reps: dict[str, dict[str, dict[str, np.ndarray]]] = {}

    def ratio(a: tuple, b: tuple) -> tuple[float | None, np.ndarray]:
        with np.errstate(invalid="ignore", divide="ignore"):
            boot = np.where(b[1] > 0, a[1] / np.where(b[1] > 0, b[1], 1), np.nan)
        return (a[0] / b[0] if b[0] else None), boot

    for m, by_class in counts.items():
        row: dict = {}
        for cls, parts in by_class.items():
            total = {
                k: (sum(f for f, _ in v), np.sum([b for _, b in v], axis=0))
                for k, v in parts.items()
            }
            precision, p_boot = ratio(total["tp"], total["called"])
            recall, r_boot = ratio(total["tp"], total["actual"])
            reps.setdefault(m, {})[cls] = {"precision": p_boot, "recall": r_boot}
            row[cls] = {
                "precision": None if precision is None else round(precision, 4),
                "precision_ci": _ci_or_none(p_boot),
                "recall": None if recall is None else round(recall, 4),
                "recall_ci": _ci_or_none(r_boot),
                "called": int(total["called"][0]),
                "actual": int(total["actual"][0]),
            }
        out["methods"][m] = row
    singles = [m for m in out["methods"] if m.endswith("(top, at the fitted rate)")]
    singles = [m for m in singles if not m.startswith("random")]
    if "fitted" in out["methods"] and singles:
        # the single feature with the most true strong ties at the fitted model's rate,
        # chosen on these very cuts (the baseline's most favourable choice)
        best = max(singles, key=lambda m: out["methods"][m]["strong"]["recall"] or 0.0)
        out["best_single"] = best
        out["fitted_minus_best_single"] = {
            f"strong_{what}": {
                "value": round(
                    out["methods"]["fitted"]["strong"][what] - out["methods"][best]["strong"][what],
                    4,
                ),
                "ci": _ci_or_none(reps["fitted"]["strong"][what] - reps[best]["strong"][what]),
            }
            for what in ("precision", "recall")
        }
    return out


def _ci_or_none(boot: np.ndarray) -> list | None:
    if not np.isfinite(boot).any():
        return None
    return [round(z, 4) for z in stats.interval(boot)]


def summarize_pymk(results: list[dict], people: stats.People) -> dict:
    methods = list(dict.fromkeys(m for r in results for m in r["precision"]))
    per_cut = []
    units: dict[str, dict[int, list[np.ndarray]]] = {m: {k: [] for k in KS} for m in methods}
    auc_reps: dict[str, list[np.ndarray]] = {}
    who = np.concatenate([r["who"] for r in results])
    for r in results:
        row = {
            "cut": _day(r["cut"]),
            "people": r["people"],
            "positives": r["positives"],
            "positives_among_candidates": r["positives_among_candidates"],
            "training_cuts": r["training_cuts"],
            "fit_seconds": r["fit_seconds"],
            "directions": r.get("directions", {}),
            "precision@10": {},
            "auc": {},
        }
        for m in methods:
            if m in r["precision"]:
                for k in KS:
                    units[m][k].append(r["precision"][m][k])
                row["precision@10"][m] = round(float(np.mean(r["precision"][m][10])), 4)
        y = r["auc_y"]
        w = people.pairs(r["auc_a"], r["auc_b"])
        for m, score in r["auc_scores"].items():
            ranked = stats.ranked(score, y)
            row["auc"][m] = round(stats.weighted_auc(ranked, np.ones(y.size)), 4)
            auc_reps.setdefault(m, []).append(
                np.array([stats.weighted_auc(ranked, wi) for wi in w])
            )
        per_cut.append(row)
    # pooled precision: the mean over every (cut, person) unit
    pooled: dict[str, dict] = {}
    cols = {m: {k: np.concatenate(units[m][k]) for k in KS} for m in methods if units[m][10]}
    n_units = next(iter(cols.values()))[10].size
    w = people.of(who)  # a unit weighs what its person was drawn, in every cut
    for m, by_k in cols.items():
        if by_k[10].size != n_units:
            continue
        pooled[m] = {}
        for k in KS:
            values = by_k[k]
            boot = stats.weighted_mean(values, w)
            pooled[m][f"precision@{k}"] = round(float(values.mean()), 4)
            pooled[m][f"precision@{k}_ci"] = [round(z, 4) for z in stats.interval(boot)]
        if m in auc_reps and len(auc_reps[m]) == len(results):
            pooled[m]["auc"] = round(float(np.mean([row["auc"][m] for row in per_cut])), 4)
            pooled[m]["auc_ci"] = [
                round(z, 4) for z in stats.interval(np.mean(np.vstack(auc_reps[m]), axis=0))
            ]
    singles = [m for m in pooled if m not in ("fitted", "random")]
    best = max(singles, key=lambda m: pooled[m]["precision@10"])
    out: dict = {"per_cut": per_cut, "pooled": pooled, "best_single": best, "units": n_units}
    structural = [m for m in singles if not m.startswith("feature:") and m != "previous default"]
    out["best_structural"] = max(structural, key=lambda m: pooled[m]["precision@10"])
    if "fitted" in pooled:
        # fitted minus every other method, paired (same people, same draw)
        out["fitted_minus"] = {}
        for m in pooled:
            if m == "fitted":
                continue
            diff = cols["fitted"][10] - cols[m][10]
            boot = stats.weighted_mean(diff, w)
            out["fitted_minus"][m] = {
                "precision@10": round(float(diff.mean()), 4),
                "ci": [round(z, 4) for z in stats.interval(boot)],
            }
        out["fitted_minus_best_single"] = out["fitted_minus"][best]
        out["fitted_minus_best_structural"] = out["fitted_minus"][out["best_structural"]]
    return out


def _ci(ci: list) -> str:
    return f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def ties_table(t: dict) -> list[str]:
    pooled = t["pooled"]
    order = sorted(pooled, key=lambda m: -pooled[m]["auc"])
    lines = [
        "Mean ROC AUC over the cuts, with the 95 % interval (people resampled, one draw for "
        "every cut: see below):",
        "",
        "| predictor | AUC | 95 % interval |",
        "|---|---:|---:|",
        *[
            f"| {'**' + m + '**' if m == 'fitted' else m} | {pooled[m]['auc']:.3f} | "
            f"{_ci(pooled[m]['ci'])} |"
            for m in order
        ],
        "",
        "Per cut (`feature:` rows are single inputs of the fitted model, oriented as theory "
        "or the training cuts say):",
        "",
        "| cut | pairs | in touch again | training cuts | fit (s) | fitted | default model | "
        "recency | count | decayed count | best single feature |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in t["per_cut"]:
        auc = row["auc"]
        singles = {
            m: v[0] for m, v in auc.items() if m not in ("fitted", "default model", "random")
        }
        best = max(singles, key=lambda m: singles[m])
        cell = lambda m: f"{auc[m][0]:.3f}" if m in auc else "—"  # noqa: E731
        lines.append(
            f"| {row['cut']} | {row['pairs']:,} | {row['positives']:,} | "
            f"{row['training_cuts']} | {row['fit_seconds']} | {cell('fitted')} | "
            f"{cell('default model')} | {cell('recency')} | {cell('count')} | "
            f"{cell('decayed count')} | {best} {singles[best]:.3f} |"
        )
    lines.append("")
    if "fitted_minus_best_single" in t:
        d = t["fitted_minus_best_single"]
        met = "met" if d["auc"] >= 0.02 else "not met"
        lines += [
            f"Fitted minus the best single feature ({t['best_single']}, chosen on these very "
            f"cuts — the baseline's most favourable choice): **{d['auc']:+.3f}** "
            f"{_ci(d['ci'])} (paired). Bar (at least +0.02): {met}"
            + (
                "; the interval's lower end is below it."
                if met == "met" and d["ci"][0] < 0.02
                else "."
            ),
        ]
    if "fitted_minus_default" in t:
        d = t["fitted_minus_default"]
        lines.append(
            f"Fitted minus the default hand-set model: **{d['auc']:+.3f}** {_ci(d['ci'])}."
        )
    if "default model" in t["pooled"]:
        lines += ["", DEFAULT_NOT_OUT_OF_SAMPLE]
    return [*lines, ""]


def pymk_table(
    p: dict, dev: dict | None = None, dev_days: str = "", *, places: bool = False
) -> list[str]:
    """The people-you-may-know section; ``places``: the data hold places (the
    synthetic world), CollegeMsg does not."""
    pooled = p["pooled"]
    order = sorted(pooled, key=lambda m: -pooled[m]["precision@10"])
    lines = [
        f"Precision@k over every (cut, person with a new contact) — {p['units']:,} in all — "
        "with 95 % intervals (people resampled, each person's units in every cut weighing "
        "what that person was drawn); AUC on sampled pairs (new pairs against pairs never "
        "in touch), mean over the cuts, pairs weighed by the draws of their two people:",
        "",
        "| method | precision@1 | precision@5 | precision@10 | 95 % interval | precision@20 | "
        "AUC | 95 % interval |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in order:
        r = pooled[m]
        name = f"**{m}**" if m == "fitted" else m
        auc = f"{r['auc']:.3f} | {_ci(r['auc_ci'])}" if "auc" in r else "— | —"
        lines.append(
            f"| {name} | {r['precision@1']:.4f} | {r['precision@5']:.4f} | "
            f"{r['precision@10']:.4f} | [{r['precision@10_ci'][0]:.4f}, "
            f"{r['precision@10_ci'][1]:.4f}] | {r['precision@20']:.4f} | {auc} |"
        )
    lines += [
        "",
        "Per cut, precision@10:",
        "",
        "| cut | people | new pairs | among candidates | training cuts | fit (s) | "
        + " | ".join(order)
        + " |",
        "|---|---:|---:|---:|---:|---:|" + "---:|" * len(order),
    ]
    for row in p["per_cut"]:
        cells = " | ".join(
            f"{row['precision@10'][m]:.4f}" if m in row["precision@10"] else "—" for m in order
        )
        lines.append(
            f"| {row['cut']} | {row['people']:,} | {row['positives']:,} | "
            f"{row['positives_among_candidates']:.0%} | {row['training_cuts']} | "
            f"{row['fit_seconds']} | {cells} |"
        )
    lines.append("")

    def verdict(d: dict) -> str:
        if d["ci"][0] > 0:
            return "ahead"
        if d["ci"][1] < 0:
            return "behind"
        return "not clearly ahead or behind"

    if "fitted_minus" in p:
        lines.append(
            "`feature:` rows are single inputs of the fitted ranker (the candidate's own "
            "activity and the rest), oriented as theory or the training cuts say, Katz "
            "breaking ties."
        )
        lines.append("")
        for label, key in (
            ("the best structural heuristic", "best_structural"),
            ("the best single method of any kind, chosen on these very cuts", "best_single"),
        ):
            d = p["fitted_minus"][p[key]]
            lines.append(
                f"Fitted minus {label} ({p[key]}): precision@10 "
                f"**{d['precision@10']:+.4f}** [{d['ci'][0]:+.4f}, {d['ci'][1]:+.4f}] "
                f"(paired): {verdict(d)}."
            )
            lines.append("")
        if dev is not None and "fitted_minus" in dev:
            best = p["best_single"]
            d = dev["fitted_minus"].get(best)
            if d is not None:
                lines += [
                    f"On the development cuts (days {dev_days}, `rolling_dev.json`, where "
                    f"every choice was made), fitted minus {best}: precision@10 "
                    f"**{d['precision@10']:+.4f}** [{d['ci'][0]:+.4f}, {d['ci'][1]:+.4f}] "
                    f"(paired): {verdict(d)}; the best single method there is "
                    f"{dev['best_single']}.",
                    "",
                ]
        lines += [
            (
                ""
                if places
                else "CollegeMsg has no places: `feature:places` is Katz's tie-break alone. "
            )
            + "`feature:degree` and `feature:age` have no direction theory fixes: each is "
            "oriented the way it ranks alone on the training cuts (its AUC there, new "
            "pairs against the sampled other candidates, above or below 0.5), not by "
            "the fitted shape, which beside the other inputs need not go that way.",
            "",
        ]
    return [*lines, ""]


def _pr(d: dict, what: str) -> str:
    if d[what] is None:
        return "— (none called)"
    ci = d[f"{what}_ci"]
    return f"{d[what]:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]"


def classes_table(c: dict) -> list[str]:
    methods = c["methods"]
    total = sum(row["truly_strong"] for row in c["per_cut"])
    pairs = sum(row["pairs"] for row in c["per_cut"])
    shown = [m for m in ("fitted", "default model", "majority (always weak)") if m in methods]
    singles = sorted(
        (m for m in methods if m.endswith("(top, at the fitted rate)")),
        key=lambda m: -(methods[m]["strong"]["recall"] or 0.0),
    )
    random = [m for m in singles if m.startswith("random")]
    singles = [m for m in singles if m not in random]
    lines = [
        "Truth, from the 30 days after each cut, which no method sees: a pair is **strong** "
        "when both wrote to the other and they were in touch on at least 3 distinct days, "
        f"weak otherwise — {total:,} strong of {pairs:,} (cut, pair) units. Predicted: the "
        "product's own classes (the fitted model calls strong a chance of contact within "
        "a month of at least 0.39, the default model its strong class); each single feature "
        "and random call strong as many pairs per cut as the fitted model does. Pooled over "
        "the cuts, 95 % intervals with people resampled:",
        "",
        "| method | strong: precision | strong: recall | weak: precision | weak: recall | "
        "called strong |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for m in [*shown, *singles[:8], *random]:
        row = methods[m]
        name = f"**{m}**" if m == "fitted" else m
        lines.append(
            f"| {name} | {_pr(row['strong'], 'precision')} | {_pr(row['strong'], 'recall')} | "
            f"{_pr(row['weak'], 'precision')} | {_pr(row['weak'], 'recall')} | "
            f"{row['strong']['called']:,} |"
        )
    lines += [
        "",
        f"The {len(singles) - 8 if len(singles) > 8 else 0} other single features, at the "
        "same rate, find fewer strong ties (all in `rolling.json`).",
        "",
    ]
    if "default model" in methods:
        lines += [DEFAULT_NOT_OUT_OF_SAMPLE, ""]
    if "fitted_minus_best_single" in c:
        d = c["fitted_minus_best_single"]
        lines.append(
            f"Fitted minus the best single feature at the same rate ({c['best_single']}, "
            "chosen on these very cuts): strong precision "
            f"**{d['strong_precision']['value']:+.3f}** [{d['strong_precision']['ci'][0]:+.3f}, "
            f"{d['strong_precision']['ci'][1]:+.3f}], strong recall "
            f"**{d['strong_recall']['value']:+.3f}** [{d['strong_recall']['ci'][0]:+.3f}, "
            f"{d['strong_recall']['ci'][1]:+.3f}] (paired)."
        )
    return [*lines, ""]


def markdown(result: dict, dev: dict | None = None) -> str:
    dev_days = ", ".join(map(str, dev["cuts_days"])) if dev else ""
    return "\n".join(
        [
            "# Rolling temporal splits: SNAP CollegeMsg",
            "",
            f"`{result['command']}` — Python {result['python']}, {result['date']}. Protocol "
            "in the script's docstring: at each cut, every method sees only the messages "
            "before it; the outcome is the next 30 days; the fitted models are fitted on "
            "earlier cuts whose outcome ended before the cut; every design choice was made "
            "on earlier development cuts (days 49-68), never on these.",
            "",
            f"Cuts (days after the first message): {', '.join(map(str, result['cuts_days']))}. "
            "The `fit (s)` columns are wall times on a shared machine, often busy: they "
            "say nothing of speed (see `benchmarks/results/fit.md`).",
            "",
            "## Tie persistence: who is in touch again within 30 days",
            "",
            *ties_table(result["ties"]),
            "## Strong and weak: per-class precision and recall",
            "",
            *classes_table(result["classes"]),
            "## People you may know: who gets in touch for the first time within 30 days",
            "",
            *pymk_table(result["pymk"], dev["pymk"] if dev else None, dev_days),
            "## Intervals",
            "",
            f"Every interval above resamples people, not pairs: {result['replicates']:,} "
            f"draws (seed {result['seed']}) of the {result['people']:,} people of the file "
            "with replacement, one draw for every cut and every method; a pair weighs the "
            "product of its two people's draws (the vertex bootstrap), a person's "
            "precision@k what that person was drawn. Pairs share people, and the cuts "
            "share people and pairs: resampled as independent pairs within each cut (the "
            "intervals before), the intervals were too narrow.",
            "",
            "## The other real data sets",
            "",
            "- SNAP ego-Facebook has no dates: no temporal split can be made on it, and a "
            "random hold-out of its edges would inflate every method (AUC near 0.99), so "
            "none is reported.",
            "- The two real LinkedIn exports (pseudonymised samples of a few dozen messages) "
            "are far too short a history to fit on: `weakties model fit` says so in numbers "
            "and `ties` and `suggest` keep the documented priors "
            "(`tests/ties/test_model_fit_real.py`).",
            "",
        ]
    )


def _day(cut: float) -> str:
    return dt.datetime.fromtimestamp(cut, dt.UTC).strftime("%Y-%m-%d")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stage", choices=("dev", "report"), default="report")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-prior", action="store_true", help="skip the default model")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "rolling")
    parser.add_argument(
        "--markdown-only", action="store_true", help="rewrite OUT.md from OUT.json, run nothing"
    )
    args = parser.parse_args()
    dev_path = args.out.with_name(args.out.name + "_dev.json")
    if args.markdown_only:
        saved = json.loads(args.out.with_suffix(".json").read_text())
        dev = json.loads(dev_path.read_text()) if dev_path.exists() else None
        args.out.with_suffix(".md").write_text(markdown(saved, dev) + "\n")
        return
    traces, day0 = load_college()
    days = DEV_DAYS if args.stage == "dev" else REPORT_DAYS
    cuts = [day0 + d * DAY for d in days]
    first = float(traces.t[0])
    classes: dict[float, dict[int, str]] = {}
    prior = None if args.no_prior else prior_scores(cuts, classes)
    ties = []
    pymk = []
    for cut in cuts:
        r = tie_cut(
            traces,
            first,
            cut,
            prior[cut] if prior else None,
            prior_classes=classes.get(cut),
        )
        ties.append(r)
        print(f"ties {_day(cut)}: {r['y'].size} pairs, {int(r['y'].sum())} again", flush=True)
        p = pymk_cut(traces, first, cut, args.seed)
        pymk.append(p)
        print(f"pymk {_day(cut)}: {p['people']} people, {p['positives']} new pairs", flush=True)
    people = stats.People.draw(np.random.default_rng(args.seed), population(traces))
    result = {
        "stage": args.stage,
        "command": f"python evaluation/rolling_eval.py --stage {args.stage} --seed {args.seed}",
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
        "cuts_days": list(days),
        "horizon_days": HORIZON_DAYS,
        "seed": args.seed,
        "replicates": people.replicates,
        "people": int(people.ids.size),
        "ties": summarize_ties(ties, people),
        "classes": summarize_classes(ties, people, args.seed),
        "pymk": summarize_pymk(pymk, people),
    }
    text = json.dumps(result, indent=2)
    if args.stage == "dev":
        # the development cuts: where choices are made; kept whole, not rendered
        args.out.parent.mkdir(parents=True, exist_ok=True)
        dev_path.write_text(text)
        print(text)
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(text)
    dev = json.loads(dev_path.read_text()) if dev_path.exists() else None
    args.out.with_suffix(".md").write_text(markdown(result, dev) + "\n")
    print(markdown(result, dev))


if __name__ == "__main__":
    main()
