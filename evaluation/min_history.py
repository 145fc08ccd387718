"""How much history a fit needs before it beats the documented priors.

    python evaluation/min_history.py           # writes results/min_history.md and .json
    python evaluation/min_history.py --render  # the tables again from the .json

On the development cuts of SNAP CollegeMsg (days 56 to 68 after the first
message, the period ``rolling_eval.py`` keeps for choices; never the reporting
cuts), each fit is given only part of its training data, five draws per size.
Each is scored on the cut's next 30 days against what weakties falls back on
without a fit.

Tie persistence. The size is counted in the unit ``weakties model fit`` checks
(``MIN_POSITIVES["ties"]``): ``P`` distinct pairs in touch again. The training
cuts overlap, so one pair gives a row at each cut it was in touch before; a draw
takes pairs in a random order, every row of each, until ``P`` of them were in
touch again at some cut (the pairs not in touch again come with them at the
data's own ratio, and are reported). The former protocol, ``P`` positive rows
drawn at random with the same share of negative rows, is run beside it for
comparison. The fallback is the default hand-set model
(``weakties ties --all --as-of``), twice: as it scores these pairs, and as it
scores pairs that are connected. CollegeMsg knows no connections, so every
pair whose messages went one way only is scored as a one-way exchange with a
stranger (far below no reciprocity, :func:`weakties.ties.model.one_way_strangers`);
a member's export is mostly connections, where that rule does not apply.

People you may know: ``P`` positive rows (a new pair, once per cut it is new at)
drawn at random with the same share of negative rows, against Katz, the best
single heuristic on this data set.

The threshold is the smallest size from which, at that size and every larger
one, the fit is ahead on average and in at least three fits in four; the tie
model's documented threshold is the larger of the two fallbacks' (a fit must
beat the priors on connected pairs too).
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


def subsample_pairs(samples: Samples, positives: int, rng: np.random.Generator) -> Samples | None:
    """Every row of randomly ordered pairs, up to the ``positives``-th pair that
    was in touch again at some cut; None when the data has fewer such pairs."""
    keys, inverse = np.unique(samples.keys, return_inverse=True)
    again = np.zeros(keys.size, dtype=bool)
    again[inverse[samples.y == 1]] = True
    if positives > int(again.sum()):
        return None
    order = rng.permutation(keys.size)
    taken = order[: int(np.searchsorted(np.cumsum(again[order]), positives)) + 1]
    chosen = np.zeros(keys.size, dtype=bool)
    chosen[taken] = True
    return samples.where(chosen[inverse])


def distinct_pairs(samples: Samples) -> tuple[int, int]:
    """Distinct pairs in touch again at some cut, and not at some cut."""
    return (
        int(np.unique(samples.keys[samples.y == 1]).size),
        int(np.unique(samples.keys[samples.y == 0]).size),
    )


def precision_at_10(u, v, score, hit) -> float:  # type: ignore[no-untyped-def]
    order = np.argsort(u, kind="stable")
    starts = np.r_[0, np.flatnonzero(np.diff(u[order])) + 1, u.size]
    out = []
    for i in range(starts.size - 1):
        idx = order[starts[i] : starts[i + 1]]
        best = idx[np.lexsort((v[idx], -score[idx]))][:10]
        out.append(hit[best].sum() / 10)
    return float(np.mean(out))


def prior_aucs(cuts: list[float], nets: dict, outcomes: dict) -> dict[str, dict[float, float]]:
    """ROC AUC of the default model at each cut: as it scores CollegeMsg's pairs,
    and with the one-way rule off, as it scores connected pairs."""
    from unittest import mock

    out: dict[str, dict[float, float]] = {}
    for name, rule in (("as scored", None), ("connected", lambda t: np.zeros(len(t), bool))):
        if rule is None:
            prior = rolling.prior_scores(cuts)
        else:
            with mock.patch("weakties.ties.model.one_way_strangers", rule):
                prior = rolling.prior_scores(cuts)
        out[name] = {
            cut: stats.auc(
                np.array([prior[cut].get(k, 0.0) for k in nets[cut].keys.tolist()]), outcomes[cut]
            )
            for cut in cuts
        }
    return out


def main() -> None:
    traces, day0 = rolling.load_college()
    first = float(traces.t[0])
    cuts = [day0 + d * DAY for d in DAYS]
    nets = {cut: network_at(traces.before(cut), cut) for cut in cuts}
    outcomes = {
        cut: np.isin(nets[cut].keys, contact_between(traces, cut, cut + HORIZON_DAYS * DAY)).astype(
            float
        )
        for cut in cuts
    }
    fallback = prior_aucs(cuts, nets, outcomes)
    draw = {unit: np.random.default_rng(seed) for seed, unit in enumerate(UNITS)}
    pymk_rng = np.random.default_rng(len(UNITS))
    # per unit and size: (AUC minus each fallback's, pairs again, pairs not, rows)
    ties: dict[str, dict[int, list[tuple[dict[str, float], int, int, int]]]] = {
        unit: {} for unit in UNITS
    }
    pymk: dict[int, list[float]] = {}
    available: dict[str, list[int]] = {"ties_pairs": [], "ties_rows": [], "pymk": []}
    for cut in cuts:
        known = traces.before(cut)
        schedule = cut_schedule(first, cut)
        net = nets[cut]
        x = tie_features(net)
        y = outcomes[cut]
        samples = tie_samples(known, schedule)
        available["ties_pairs"].append(distinct_pairs(samples)[0])
        available["ties_rows"].append(int(samples.y.sum()))
        for unit, take in UNITS.items():
            for size in SIZES:
                for _ in range(DRAWS):
                    part = take(samples, size, draw[unit])
                    if part is None:
                        continue
                    model = fit_with_validation(
                        part.x,
                        part.y,
                        part.cut,
                        monotone={k: d for k, (_, d) in TIE_FEATURES.items()},
                        transforms=TIE_TRANSFORMS,
                    )
                    auc = stats.auc(model.score(x), y)
                    diff = {name: auc - at[cut] for name, at in fallback.items()}
                    ties[unit].setdefault(size, []).append((diff, *distinct_pairs(part), len(part)))
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
                part = subsample(formed, size, pymk_rng)
                if part is None:
                    continue
                model = fit_pymk(part)
                pymk.setdefault(size, []).append(
                    precision_at_10(u, v, model.score(px), hit) - katz_p
                )
        print(f"{dt.datetime.fromtimestamp(cut, dt.UTC):%Y-%m-%d} done", flush=True)

    def summary(d: list[float]) -> dict:
        return {
            "mean_difference": round(float(np.mean(d)), 4),
            "share_ahead": round(float(np.mean(np.array(d) > 0)), 2),
        }

    def tie_table(fits: dict[int, list]) -> list[dict]:
        out = []
        for size, got in sorted(fits.items()):
            sizes = np.array([g[1:] for g in got])
            out.append(
                {
                    "positives": size,
                    "fits": len(got),
                    "positive_pairs_mean": round(float(sizes[:, 0].mean())),
                    "negative_pairs_mean": round(float(sizes[:, 1].mean())),
                    "negative_pairs_min": int(sizes[:, 1].min()),
                    "rows_mean": round(float(sizes[:, 2].mean())),
                    "against": {name: summary([g[0][name] for g in got]) for name in fallback},
                }
            )
        return out

    result = {
        "command": "python evaluation/min_history.py",
        "date": dt.date.today().isoformat(),
        "cuts_days": list(DAYS),
        "draws": DRAWS,
        "fallback_auc": {name: [round(at[c], 4) for c in cuts] for name, at in fallback.items()},
        "training_positives_available": available,
        "ties": tie_table(ties["pairs"]),
        "ties_rows": tie_table(ties["rows"]),
        "pymk": [
            {"positives": size, "fits": len(d), **summary(d)} for size, d in sorted(pymk.items())
        ],
    }
    OUT.with_suffix(".json").write_text(json.dumps(result, indent=2))
    render(result)


UNITS = {"pairs": subsample_pairs, "rows": subsample}


def threshold(rows: list[dict], against: str | None = None) -> int | None:
    def good(r: dict) -> bool:
        s = r["against"][against] if against else r
        return s["mean_difference"] > 0 and s["share_ahead"] >= 0.75

    for r in rows:
        if all(good(later) for later in rows if later["positives"] >= r["positives"]):
            return int(r["positives"])
    return None


def ties_threshold(result: dict) -> int | None:
    """The documented threshold: distinct pairs, the larger of the fallbacks'."""
    found = [threshold(result["ties"], name) for name in result["fallback_auc"]]
    return None if None in found else max(found)  # type: ignore[type-var]


def render(result: dict) -> None:
    names = list(result["fallback_auc"])
    result["ties_thresholds"] = {
        "pairs": {name: threshold(result["ties"], name) for name in names},
        "rows": {name: threshold(result["ties_rows"], name) for name in names},
    }
    result["ties_threshold"] = ties_threshold(result)
    result["pymk_threshold"] = threshold(result["pymk"])
    OUT.with_suffix(".json").write_text(json.dumps(result, indent=2))
    found = result["ties_thresholds"]

    def tie_rows(rows: list[dict], size_cells) -> list[str]:  # type: ignore[no-untyped-def]
        return [
            f"| {size_cells(r)} | {r['fits']} | "
            + " | ".join(
                f"{r['against'][n]['mean_difference']:+.4f} | {r['against'][n]['share_ahead']:.0%}"
                for n in names
            )
            + " |"
            for r in rows
        ]

    heads = " | ".join(f"minus default {n}: mean | ahead" for n in names)
    mean_auc = {n: float(np.mean(result["fallback_auc"][n])) for n in names}
    lines = [
        "# How much history a fit needs",
        "",
        f"`{result['command']}` ({result['date']}); protocol in the script's docstring. "
        f"Development cuts (days {', '.join(map(str, DAYS))} of SNAP CollegeMsg), "
        f"{result.get('draws', 5)} random draws per size.",
        "",
        "## Tie persistence: fitted model minus the default model (ROC AUC)",
        "",
        "Two fallbacks: the default hand-set model as it scores CollegeMsg's pairs (no "
        "connections there, so a one-way exchange counts as a stranger's, far below no "
        "reciprocity), mean AUC over the cuts "
        f"{mean_auc['as scored']:.4f}; and as it scores connected pairs (the one-way rule "
        f"off, as for most of a member's ties), {mean_auc['connected']:.4f}.",
        "",
        "Sizes in **distinct pairs**, the unit `weakties model fit` checks: a draw holds "
        "every row of each pair it takes (one per training cut the pair was in touch before).",
        "",
        f"| distinct pairs in touch again | distinct pairs not (mean) | rows (mean) | fits | {heads} |",
        "|---:|---:|---:|---:|" + "---:|---:|" * len(names),
        *tie_rows(
            result["ties"],
            lambda r: f"{r['positives']} | {r['negative_pairs_mean']} | {r['rows_mean']}",
        ),
        "",
        "The former protocol, for comparison: sizes in positive **rows** drawn at random "
        "(and negative rows at the data's ratio).",
        "",
        f"| positive rows | distinct pairs in touch again (mean) | rows (mean) | fits | {heads} |",
        "|---:|---:|---:|---:|" + "---:|---:|" * len(names),
        *tie_rows(
            result["ties_rows"],
            lambda r: f"{r['positives']} | {r['positive_pairs_mean']} | {r['rows_mean']}",
        ),
        "",
        "Threshold (ahead on average and in at least 3 fits in 4, at this size and above): "
        + "; ".join(
            f"against the default {n}, {found['pairs'][n]} distinct pairs "
            f"({found['rows'][n]} rows by the former protocol)"
            for n in names
        )
        + f". `weakties model fit` asks for the larger, **{result['ties_threshold']}** "
        "distinct pairs in touch again across the training cuts, "
        + (
            "and as many not: the pairs not in touch again outnumber them in every draw."
            if all(r["negative_pairs_min"] >= r["positives"] for r in result["ties"])
            else "and as many not (some draws had fewer: see the table)."
        ),
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
        "training cuts (rows: a pair counts once per cut it is new at).",
        "",
    ]
    OUT.with_suffix(".md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    if sys.argv[1:] == ["--render"]:  # the tables again from the saved figures
        render(json.loads(OUT.with_suffix(".json").read_text()))
    else:
        main()
