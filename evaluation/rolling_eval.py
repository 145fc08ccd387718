"""Rolling temporal splits on SNAP CollegeMsg: tie persistence and people you may know.

    python evaluation/rolling_eval.py                # the reporting cuts -> results/rolling.md, .json
    python evaluation/rolling_eval.py --stage dev    # the development cuts only (printed)
    python evaluation/rolling_eval.py --markdown-only  # results/rolling.md again from the .json

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
cut spacing, penalties) was made looking only at the development cuts (days 49,
56, 63, 68: their outcomes end by day 98), never at the reporting cuts (days 98,
112, 126, 140, 154), which are run once for the results.

Baselines: every single feature (the raw message count, recency, the decayed
count of the default model, and each input of the fitted model), the default
hand-set model (``weakties ties --all --as-of``), random; for people you may know
common neighbours, Adamic-Adar, resource allocation, Katz, the previous default
(resource allocation + Katz tie-breaker), random. 95 % intervals: Poisson
bootstrap, 1,000 replicates, over pairs (AUC) and over people (precision@k); the
intervals of differences use the same replicates for both sides (paired).
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


def prior_scores(cuts: list[float]) -> dict[float, dict[int, float]]:
    """The default hand-set model's strength of every pair, through the product
    (``weakties import interactions``, ``ties --all --as-of``)."""
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
        store.close()
    return out


def oriented(name: str, values: np.ndarray, direction: int) -> np.ndarray:
    return -values if direction < 0 else values


def tie_cut(
    traces: Traces, first: float, cut: float, prior: dict[int, float] | None, *, fit: bool = True
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
    if model is not None:
        scores["fitted"] = model.score(x)
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
    if cuts.size and fit:
        samples = formation_samples(known, cuts, seed=seed, spans=spans, horizon_days=horizon_days)
        if samples.y.sum() > 0:
            model = fit_pymk(samples)
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
    methods = heuristics(x)
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
    auc_scores = {**heuristics(ax), "random": rng.random(ay.size)}
    if model is not None:
        auc_scores["fitted"] = model.score(ax)
    in_candidates = float(np.isin(positive, key).mean()) if positive.size else float("nan")
    return {
        "cut": cut,
        "people": int(rows.size),
        "positives": int(positive.size),
        "positives_among_candidates": round(in_candidates, 4),
        "precision": per_person,
        "auc_y": ay,
        "auc_scores": auc_scores,
        "training_cuts": int(cuts.size),
        "fit_seconds": round(fit_seconds, 2),
        "model": model,
    }


def summarize_ties(results: list[dict], seed: int) -> dict:
    rng = np.random.default_rng(seed)
    methods = list(dict.fromkeys(m for r in results for m in r["scores"]))
    per_cut = []
    reps: dict[str, list[np.ndarray]] = {m: [] for m in methods}
    for r in results:
        y = r["y"]
        w = stats.multiplicities(rng, y.size)
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


def summarize_pymk(results: list[dict], seed: int) -> dict:
    rng = np.random.default_rng(seed)
    methods = list(dict.fromkeys(m for r in results for m in r["precision"]))
    per_cut = []
    units: dict[str, dict[int, list[np.ndarray]]] = {m: {k: [] for k in KS} for m in methods}
    auc_reps: dict[str, list[np.ndarray]] = {}
    for r in results:
        row = {
            "cut": _day(r["cut"]),
            "people": r["people"],
            "positives": r["positives"],
            "positives_among_candidates": r["positives_among_candidates"],
            "training_cuts": r["training_cuts"],
            "fit_seconds": r["fit_seconds"],
            "precision@10": {},
            "auc": {},
        }
        for m in methods:
            if m in r["precision"]:
                for k in KS:
                    units[m][k].append(r["precision"][m][k])
                row["precision@10"][m] = round(float(np.mean(r["precision"][m][10])), 4)
        y = r["auc_y"]
        w = stats.multiplicities(rng, y.size, 300)
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
    w = stats.multiplicities(rng, n_units)
    for m, by_k in cols.items():
        if by_k[10].size != n_units:
            continue
        pooled[m] = {}
        for k in KS:
            values = by_k[k]
            boot = (w @ values) / w.sum(axis=1)
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
    if "fitted" in pooled:
        diff = cols["fitted"][10] - cols[best][10]
        boot = (w @ diff) / w.sum(axis=1)
        out["fitted_minus_best_single"] = {
            "precision@10": round(float(diff.mean()), 4),
            "ci": [round(z, 4) for z in stats.interval(boot)],
        }
    return out


def _ci(ci: list) -> str:
    return f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def ties_table(t: dict) -> list[str]:
    pooled = t["pooled"]
    order = sorted(pooled, key=lambda m: -pooled[m]["auc"])
    lines = [
        "Mean ROC AUC over the cuts, with the 95 % interval (pairs resampled within each cut):",
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
    return [*lines, ""]


def pymk_table(p: dict) -> list[str]:
    pooled = p["pooled"]
    order = sorted(pooled, key=lambda m: -pooled[m]["precision@10"])
    lines = [
        f"Precision@k over every (cut, person with a new contact) — {p['units']:,} in all — "
        "with 95 % intervals (people resampled); AUC on sampled pairs (new pairs against "
        "pairs never in touch), mean over the cuts:",
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
    if "fitted_minus_best_single" in p:
        d = p["fitted_minus_best_single"]
        verdict = "ahead" if d["ci"][0] > 0 else "not clearly ahead"
        lines.append(
            f"Fitted minus the best other method ({p['best_single']}): precision@10 "
            f"**{d['precision@10']:+.4f}** [{d['ci'][0]:+.4f}, {d['ci'][1]:+.4f}] (paired): "
            f"{verdict}."
        )
    return [*lines, ""]


def markdown(result: dict) -> str:
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
            "## People you may know: who gets in touch for the first time within 30 days",
            "",
            *pymk_table(result["pymk"]),
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
    if args.markdown_only:
        saved = json.loads(args.out.with_suffix(".json").read_text())
        args.out.with_suffix(".md").write_text(markdown(saved) + "\n")
        return
    traces, day0 = load_college()
    days = DEV_DAYS if args.stage == "dev" else REPORT_DAYS
    cuts = [day0 + d * DAY for d in days]
    first = float(traces.t[0])
    prior = None if args.no_prior else prior_scores(cuts)
    ties = []
    pymk = []
    for cut in cuts:
        r = tie_cut(traces, first, cut, prior[cut] if prior else None)
        ties.append(r)
        print(f"ties {_day(cut)}: {r['y'].size} pairs, {int(r['y'].sum())} again", flush=True)
        p = pymk_cut(traces, first, cut, args.seed)
        pymk.append(p)
        print(f"pymk {_day(cut)}: {p['people']} people, {p['positives']} new pairs", flush=True)
    result = {
        "stage": args.stage,
        "command": f"python evaluation/rolling_eval.py --stage {args.stage} --seed {args.seed}",
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
        "cuts_days": list(days),
        "horizon_days": HORIZON_DAYS,
        "ties": summarize_ties(ties, args.seed),
        "pymk": summarize_pymk(pymk, args.seed),
    }
    text = json.dumps(result, indent=2)
    if args.stage == "dev":
        print(text)
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(text)
    args.out.with_suffix(".md").write_text(markdown(result) + "\n")
    print(markdown(result))


if __name__ == "__main__":
    main()
