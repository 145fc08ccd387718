"""How much history a fit needs before it beats the documented priors.

    python evaluation/min_history.py        # writes results/min_history.md and .json

On the development cuts of SNAP CollegeMsg (days 56 to 68 after the first
message, the period ``rolling_eval.py`` keeps for choices; never the reporting
cuts), each fit is given only part of its training rows: ``P`` positive rows
(pairs in touch again, or new pairs) drawn at random with the same share of
negative rows, five draws per size. Each is scored on the cut's next 30 days
against what weakties falls back on without a fit:

- tie persistence: the default hand-set model (``weakties ties --all --as-of``);
- people you may know: Katz, the best single heuristic on this data set.

The threshold ``weakties model fit`` uses (``MIN_POSITIVES`` in
``weakties.ties.learned``) is the smallest size from which, at that size and
every larger one, the fit is ahead on average and in at least three fits in
four.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import rolling_eval as rolling
import stats

from weakties.opportunity.pymk_model import (
    candidate_pairs,
    fit_pymk,
    formation_samples,
    new_pairs,
    pair_features,
)
from weakties.ties.fit import fit_with_validation
from weakties.ties.history import (
    DAY,
    HORIZON_DAYS,
    TIE_FEATURES,
    TIE_TRANSFORMS,
    Samples,
    contact_between,
    cut_schedule,
    network_at,
    pair_key,
    split_key,
    tie_features,
    tie_samples,
)

HERE = Path(__file__).resolve().parent
DAYS = (56, 59, 62, 65, 68)
SIZES = (10, 25, 50, 100, 200, 400, 800)
DRAWS = 5
OUT = HERE / "results" / "min_history"


def subsample(samples: Samples, positives: int, rng: np.random.Generator) -> Samples | None:
    pos = np.flatnonzero(samples.y == 1)
    neg = np.flatnonzero(samples.y == 0)
    if positives > pos.size:
        return None
    take_neg = round(positives * neg.size / max(pos.size, 1))
    keep = np.r_[
        rng.choice(pos, positives, replace=False), rng.choice(neg, take_neg, replace=False)
    ]
    return samples.where(np.isin(np.arange(len(samples)), keep))


def precision_at_10(u, v, score, hit) -> float:  # type: ignore[no-untyped-def]
    order = np.argsort(u, kind="stable")
    starts = np.r_[0, np.flatnonzero(np.diff(u[order])) + 1, u.size]
    out = []
    for i in range(starts.size - 1):
        idx = order[starts[i] : starts[i + 1]]
        best = idx[np.lexsort((v[idx], -score[idx]))][:10]
        out.append(hit[best].sum() / 10)
    return float(np.mean(out))


def main() -> None:
    traces, day0 = rolling.load_college()
    first = float(traces.t[0])
    cuts = [day0 + d * DAY for d in DAYS]
    prior = rolling.prior_scores(cuts)
    rng = np.random.default_rng(0)
    ties: dict[int, list[float]] = {}
    pymk: dict[int, list[float]] = {}
    available = {"ties": [], "pymk": []}
    for cut in cuts:
        known = traces.before(cut)
        schedule = cut_schedule(first, cut)
        net = network_at(known, cut)
        x = tie_features(net)
        later = contact_between(traces, cut, cut + HORIZON_DAYS * DAY)
        y = np.isin(net.keys, later).astype(float)
        fallback = stats.auc(np.array([prior[cut].get(k, 0.0) for k in net.keys.tolist()]), y)
        samples = tie_samples(known, schedule)
        available["ties"].append(int(samples.y.sum()))
        for size in SIZES:
            for _ in range(DRAWS):
                part = subsample(samples, size, rng)
                if part is None:
                    continue
                model = fit_with_validation(
                    part.x,
                    part.y,
                    part.cut,
                    monotone={k: d for k, (_, d) in TIE_FEATURES.items()},
                    transforms=TIE_TRANSFORMS,
                )
                ties.setdefault(size, []).append(stats.auc(model.score(x), y) - fallback)
        positive = new_pairs(traces, net, HORIZON_DAYS)
        lo, hi = split_key(positive)
        rows = np.unique(np.concatenate([net.index(lo), net.index(hi)]))
        u, v, katz = candidate_pairs(net, rows)
        px = pair_features(net, u, v, katz=katz)
        hit = np.isin(pair_key(net.people[u], net.people[v]), positive)
        katz_p = precision_at_10(u, v, px["katz"], hit)
        formed = formation_samples(known, schedule)
        available["pymk"].append(int(formed.y.sum()))
        for size in SIZES:
            for _ in range(DRAWS):
                part = subsample(formed, size, rng)
                if part is None:
                    continue
                model = fit_pymk(part)
                pymk.setdefault(size, []).append(
                    precision_at_10(u, v, model.score(px), hit) - katz_p
                )
        print(f"{dt.datetime.fromtimestamp(cut, dt.UTC):%Y-%m-%d} done", flush=True)

    def table(diffs: dict[int, list[float]]) -> list[dict]:
        return [
            {
                "positives": size,
                "fits": len(d),
                "mean_difference": round(float(np.mean(d)), 4),
                "share_ahead": round(float(np.mean(np.array(d) > 0)), 2),
            }
            for size, d in sorted(diffs.items())
        ]

    result = {
        "command": "python evaluation/min_history.py",
        "date": dt.date.today().isoformat(),
        "cuts_days": list(DAYS),
        "training_positives_available": available,
        "ties": table(ties),
        "pymk": table(pymk),
    }
    OUT.with_suffix(".json").write_text(json.dumps(result, indent=2))
    render(result)


def threshold(rows: list[dict]) -> int | None:
    def good(r: dict) -> bool:
        return r["mean_difference"] > 0 and r["share_ahead"] >= 0.75

    for r in rows:
        if all(good(later) for later in rows if later["positives"] >= r["positives"]):
            return int(r["positives"])
    return None


def render(result: dict) -> None:
    result["ties_threshold"] = threshold(result["ties"])
    result["pymk_threshold"] = threshold(result["pymk"])
    OUT.with_suffix(".json").write_text(json.dumps(result, indent=2))
    lines = [
        "# How much history a fit needs",
        "",
        f"`{result['command']}` ({result['date']}); protocol in the script's docstring. "
        f"Development cuts (days {', '.join(map(str, DAYS))} of SNAP CollegeMsg), "
        f"{DRAWS} random draws of the training rows per size.",
        "",
        "## Tie persistence: fitted model minus the default model (ROC AUC)",
        "",
        "| positive training rows | fits | mean difference | share of fits ahead |",
        "|---:|---:|---:|---:|",
        *[
            f"| {r['positives']} | {r['fits']} | {r['mean_difference']:+.4f} | {r['share_ahead']:.0%} |"
            for r in result["ties"]
        ],
        "",
        f"Threshold (ahead on average and in at least 3 fits in 4, at this size and above): "
        f"**{result['ties_threshold']}** pairs in touch again across the training cuts, and as "
        "many not.",
        "",
        "## People you may know: fitted ranker minus Katz (precision@10)",
        "",
        "| positive training rows | fits | mean difference | share of fits ahead |",
        "|---:|---:|---:|---:|",
        *[
            f"| {r['positives']} | {r['fits']} | {r['mean_difference']:+.4f} | {r['share_ahead']:.0%} |"
            for r in result["pymk"]
        ],
        "",
        f"Threshold (the same rule): **{result['pymk_threshold']}** new pairs across the "
        "training cuts.",
        "",
    ]
    OUT.with_suffix(".md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    if sys.argv[1:] == ["--render"]:  # the tables again from the saved figures
        render(json.loads(OUT.with_suffix(".json").read_text()))
    else:
        main()
