"""How much history a fit needs before it beats the documented priors.

    python evaluation/min_history.py           # writes results/min_history.md and .json
    python evaluation/min_history.py --pymk    # the ranker again, the tie model's tables kept
    python evaluation/min_history.py --render  # the tables again from the .json

On the development cuts of SNAP CollegeMsg (days 56 to 68 after the first
message, the period ``rolling_eval.py`` keeps for choices; never the reporting
cuts), each fit is given only part of its training data, five draws per size
for the tie model and twenty for the ranker. Each is scored on the cut's next 30 days against what weakties falls back on
without a fit.

Tie persistence. The size is counted in the unit ``weakties model fit`` checks
(``MIN_POSITIVES["ties"]``): ``P`` distinct pairs in touch again. The training
cuts overlap, so one pair gives a row at each cut it was in touch before; a draw
takes pairs in a random order, every row of each, until ``P`` of them were in
touch again at some cut (the pairs not in touch again come with them at the
data's own ratio, and are reported). The former protocol, ``P`` positive rows
drawn at random with the same share of negative rows, is run beside it for
comparison. The fallback is the default hand-set model
(``weakties ties --all --as-of``), twice: with the one-way rule on, every pair
whose messages went one way only scored as a one-way exchange with someone not
connected (far below no reciprocity, :func:`weakties.ties.model.one_way_strangers`),
as data that declares ties scores such pairs; and with the rule off, as
connected pairs are scored, and as CollegeMsg itself is (it declares no tie,
and the rule applies only where ties are declared).

People you may know. The size is counted in the unit ``weakties model fit``
checks (``MIN_POSITIVES["pymk"]``): ``P`` distinct new pairs. A pair that meets
is new at each training cut of the weeks before, one row each; a draw takes
pairs in a random order, every row of each, until ``P`` of them are new pairs
(the candidates not met come with them at the data's own ratio). The fallback
is Katz, the best single heuristic on this data set. The former protocol
(``P`` positive rows drawn at random) was measured with five draws per size and
is kept in the results beside it.

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
    Traces,
    contact_between,
    cut_schedule,
    network_at,
    pair_key,
    split_key,
    tie_features,
    tie_samples,
)
from weakties.ties.learned import MIN_POSITIVES

HERE = Path(__file__).resolve().parent
DAYS = (56, 59, 62, 65, 68)
SIZES = (10, 25, 50, 100, 200, 400, 800)
DRAWS = 5
PYMK_DRAWS = 20
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
    """Every row of randomly ordered pairs, up to the ``positives``-th pair with
    a positive row (in touch again, or new, at some cut); None when the data has
    fewer such pairs."""
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


def _rule_on(table):  # type: ignore[no-untyped-def]
    """The one-way rule as data that declares ties applies it to pairs not
    connected (:func:`weakties.ties.model.one_way_strangers`)."""
    v = table.values
    return ~table.tied & (v["contacts"] > 0) & (v["balance"] <= 0)


FALLBACKS = {"one-way rule on": _rule_on, "one-way rule off": lambda t: np.zeros(len(t), bool)}


def prior_aucs(cuts: list[float], nets: dict, outcomes: dict) -> dict[str, dict[float, float]]:
    """ROC AUC of the default model at each cut, with the one-way rule on every
    one-way pair and off (as connected pairs are scored, and CollegeMsg is)."""
    from unittest import mock

    out: dict[str, dict[float, float]] = {}
    for name, rule in FALLBACKS.items():
        with mock.patch("weakties.ties.model.one_way_strangers", rule):
            prior = rolling.prior_scores(cuts)
        out[name] = {
            cut: stats.auc(
                np.array([prior[cut].get(k, 0.0) for k in nets[cut].keys.tolist()]), outcomes[cut]
            )
            for cut in cuts
        }
    return out


def summary(d: list[float]) -> dict:
    return {
        "mean_difference": round(float(np.mean(d)), 4),
        "share_ahead": round(float(np.mean(np.array(d) > 0)), 2),
    }


def measure_ties(traces: Traces, cuts: list[float]) -> dict:
    """The tie model's tables: fits on parts of the training data minus the default model."""
    first = float(traces.t[0])
    nets = {cut: network_at(traces.before(cut), cut) for cut in cuts}
    outcomes = {
        cut: np.isin(nets[cut].keys, contact_between(traces, cut, cut + HORIZON_DAYS * DAY)).astype(
            float
        )
        for cut in cuts
    }
    fallback = prior_aucs(cuts, nets, outcomes)
    draw = {unit: np.random.default_rng(seed) for seed, unit in enumerate(UNITS)}
    # per unit and size: (AUC minus each fallback's, pairs again, pairs not, rows)
    ties: dict[str, dict[int, list[tuple[dict[str, float], int, int, int]]]] = {
        unit: {} for unit in UNITS
    }
    available: dict[str, list[int]] = {"ties_pairs": [], "ties_rows": []}
    for cut in cuts:
        known = traces.before(cut)
        schedule = cut_schedule(first, cut)
        x = tie_features(nets[cut])
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
        print(f"ties {dt.datetime.fromtimestamp(cut, dt.UTC):%Y-%m-%d} done", flush=True)

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

    return {
        "draws": DRAWS,
        "fallback_auc": {name: [round(at[c], 4) for c in cuts] for name, at in fallback.items()},
        "training_positives_available": available,
        "ties": tie_table(ties["pairs"]),
        "ties_rows": tie_table(ties["rows"]),
    }


def measure_pymk(traces: Traces, cuts: list[float]) -> dict:
    """The ranker's table: fits on every row of fewer distinct new pairs minus Katz."""
    first = float(traces.t[0])
    rng = np.random.default_rng(len(UNITS))
    # per size: (precision@10 minus Katz's, new pairs, rows)
    fits: dict[int, list[tuple[float, int, int]]] = {}
    available: dict[str, list[int]] = {"pymk_pairs": [], "pymk_rows": []}
    for cut in cuts:
        known = traces.before(cut)
        net = network_at(known, cut)
        positive = new_pairs(traces, net, HORIZON_DAYS)
        lo, hi = split_key(positive)
        rows = np.unique(np.concatenate([net.index(lo), net.index(hi)]))
        u, v, katz = candidate_pairs(net, rows)
        px = pair_features(net, u, v, katz=katz)
        hit = np.isin(pair_key(net.people[u], net.people[v]), positive)
        katz_p = precision_at_10(u, v, px["katz"], hit)
        formed = formation_samples(known, cut_schedule(first, cut))
        available["pymk_pairs"].append(distinct_pairs(formed)[0])
        available["pymk_rows"].append(int(formed.y.sum()))
        for size in SIZES:
            for _ in range(PYMK_DRAWS):
                part = subsample_pairs(formed, size, rng)
                if part is None:
                    continue
                model = fit_pymk(part)
                fits.setdefault(size, []).append(
                    (
                        precision_at_10(u, v, model.score(px), hit) - katz_p,
                        distinct_pairs(part)[0],
                        len(part),
                    )
                )
        print(f"pymk {dt.datetime.fromtimestamp(cut, dt.UTC):%Y-%m-%d} done", flush=True)
    return {
        "pymk_draws": PYMK_DRAWS,
        "pymk_available": available,
        "pymk": [
            {
                "positives": size,
                "fits": len(got),
                "rows_mean": round(float(np.mean([g[2] for g in got]))),
                **summary([g[0] for g in got]),
            }
            for size, got in sorted(fits.items())
        ],
    }


def main(pymk_only: bool = False) -> None:
    traces, day0 = rolling.load_college()
    cuts = [day0 + d * DAY for d in DAYS]
    today = dt.date.today().isoformat()
    if pymk_only:
        result = json.loads(OUT.with_suffix(".json").read_text())
    else:
        result = {
            "command": "python evaluation/min_history.py",
            "date": today,
            "cuts_days": list(DAYS),
            **measure_ties(traces, cuts),
        }
    result.update(measure_pymk(traces, cuts), pymk_date=today)
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


def _wilson(r: dict) -> str:
    lo, hi = stats.wilson(round(r["share_ahead"] * r["fits"]), r["fits"])
    return f"[{lo:.0%}, {hi:.0%}]"


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
        f"{result.get('draws', 5)} random draws per size for the tie model "
        f"({result['date']}), {result.get('pymk_draws', 5)} for the ranker "
        f"({result.get('pymk_date', result['date'])}).",
        "",
        "## Tie persistence: fitted model minus the default model (ROC AUC)",
        "",
        "Two fallbacks: the default hand-set model with the one-way rule on every pair "
        "whose messages went one way only (a one-way exchange with someone not connected, "
        "far below no reciprocity: as data that declares ties scores such pairs), mean AUC "
        f"over the cuts {mean_auc['one-way rule on']:.4f}; and with the rule off, as "
        "connected pairs are scored and as CollegeMsg is (it declares no tie), "
        f"{mean_auc['one-way rule off']:.4f}.",
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
        "Sizes in **distinct new pairs**, the unit `weakties model fit` checks: a draw "
        "holds every row of each pair it takes (a new pair gives one per training cut it "
        "is new at; the candidates not met come with them at the data's ratio).",
        "",
        "| distinct new pairs | rows (mean) | fits | mean difference | share of fits ahead "
        "[Wilson 95 %] |",
        "|---:|---:|---:|---:|---:|",
        *[
            f"| {r['positives']} | {r['rows_mean']} | {r['fits']} | "
            f"{r['mean_difference']:+.4f} | {r['share_ahead']:.0%} {_wilson(r)} |"
            for r in result["pymk"]
        ],
        "",
        "The shares are of the fits drawn at each size; the interval says how far another "
        "set of draws could move them, counting the fits as independent: they are 20 draws "
        "at each of 5 cuts that share each cut's outcomes, so the true spread is wider. The "
        "threshold reads the shares as measured; an interval whose lower end is below 75 % "
        "leaves that size's verdict open.",
        "",
        f"Threshold (the same rule): **{result['pymk_threshold']}** distinct new pairs across "
        f"the training cuts. `weakties model fit` asks for {MIN_POSITIVES['pymk']}: the first "
        "size at which the share of fits ahead is clear of 3 in 4, not at its edge "
        "(docs/ties.md).",
        "",
    ]
    if "pymk_rows" in result:
        result["pymk_rows_threshold"] = threshold(result["pymk_rows"])
        lines += [
            f"The former protocol, for comparison ({result['date']}, 5 draws per size): "
            "sizes in positive **rows** (a new pair once per cut it is new at) drawn at random, "
            "and negative rows at the data's ratio.",
            "",
            "| positive rows | fits | mean difference | share of fits ahead |",
            "|---:|---:|---:|---:|",
            *[
                f"| {r['positives']} | {r['fits']} | {r['mean_difference']:+.4f} | "
                f"{r['share_ahead']:.0%} |"
                for r in result["pymk_rows"]
            ],
            "",
            f"Threshold by that protocol: {result['pymk_rows_threshold']} rows.",
            "",
        ]
        OUT.with_suffix(".json").write_text(json.dumps(result, indent=2))
    OUT.with_suffix(".md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    if sys.argv[1:] == ["--render"]:  # the tables again from the saved figures
        render(json.loads(OUT.with_suffix(".json").read_text()))
    else:
        main(pymk_only=sys.argv[1:] == ["--pymk"])
