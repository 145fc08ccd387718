"""Why the fitted people-you-may-know ranker used its ``new`` input less well than
the count alone, on SNAP CollegeMsg's development cuts (no outcome after a
reporting cut is read).

    python evaluation/pymk_diagnosis.py     # results/pymk_diagnosis.md and .json

The measures are taken at the development cuts of ``rolling_eval.py`` (days 49,
56, 63, 68; their outcomes end by day 98) with their training cuts; the last
section only shows the shapes fitted at every cut, the reporting cuts included,
from their training cuts alone, as ``rolling_eval.py`` fits them: no outcome after
a reporting cut is read. At each development cut, the ranker's training rows are drawn as
``weakties model fit`` draws them (every new pair of a person who met someone,
up to 100 of their other candidates; seed 1), and precision@10 is taken over
every candidate of every person with a new pair, as ``rolling_eval.py`` does.

1. Where the ten suggestions lie: the share of each person's ten candidates
   with the most new contacts in the month (``new``) that lie beyond the 99th
   percentile of the training rows, the last knot of a shape capped there; and
   how many people all those lists hold (the count alone gives nearly everyone
   the same ten).
2. Variants of the fit, each at a fixed penalty (3.0; ``rolling_eval.py`` chooses
   it on the latest training cut, so its figures differ slightly), with the
   shapes' last knot at the 99th percentile (the former fit) or at the largest
   value (the fit now): rows pooled (every pair weighs alike), every person
   weighing alike, each person's new pairs balanced against their other
   candidates, a conditional (per-person) logit — the chance that a person's new
   pair is this candidate rather than another of theirs, the ranking task itself
   — and the pooled fit with the asking person's own activity as controls (they
   cannot reorder a person's candidates, only what the other shapes absorb).

3. The shapes of the ranker as ``rolling_eval.py`` fits it (penalty chosen on the
   latest training cut) at each development cut and at each reporting cut: the
   total rise of each input's shape (log-odds from its lowest to its highest
   value) and the penalty chosen. A fit for a reporting cut reads only the
   traces before that cut (its training cuts), none of its outcomes; no
   precision is computed there.

Mean precision@10 over the (cut, person) units of the four cuts, no interval:
a diagnosis, not a result; the choice it led to is checked with intervals in
``rolling_dev.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parent))

import rolling_eval as rolling

from weakties.opportunity import pymk_model as pm
from weakties.ties import fit as fitting
from weakties.ties.history import DAY, HORIZON_DAYS, cut_schedule, network_at, pair_key, split_key

OUT = Path(__file__).resolve().parent / "results" / "pymk_diagnosis"
OWNER = ("own_new", "own_active", "own_idle", "own_degree", "own_age")
PENALTY = 3.0
SEED = 1


def owner_features(net, u: np.ndarray) -> dict[str, np.ndarray]:
    c, node = net.cut, net.node
    return {
        "own_new": node["new30"][u],
        "own_active": node["raw30"][u],
        "own_idle": (c - node["last"][u]) / DAY,
        "own_degree": node["partners"][u],
        "own_age": (c - node["first"][u]) / DAY,
    }


def training_rows(traces, net, rng):
    """:func:`pm.formation_part`'s rows, with the asking person of each."""
    positive = pm.new_pairs(traces, net, HORIZON_DAYS)
    lo, hi = split_key(positive)
    rows = np.unique(np.concatenate([net.index(lo), net.index(hi)]))
    if not rows.size:
        return None
    u, v, katz = pm.candidate_pairs(net, rows)
    y = np.isin(pair_key(net.people[u], net.people[v]), positive)
    shuffled = rng.permutation(np.flatnonzero(~y))
    shuffled = shuffled[np.argsort(u[shuffled], kind="stable")]
    owner = u[shuffled]
    first = np.r_[True, owner[1:] != owner[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(owner.size), 0))
    rank = np.zeros(u.size, dtype=np.int64)
    rank[shuffled] = np.arange(owner.size) - start
    keep = y | (rank < 100)
    u, v, katz, y = u[keep], v[keep], katz[keep], y[keep]
    x = pm.pair_features(net, u, v, katz=katz)
    x.update(owner_features(net, u))
    group = np.full(u.size, net.cut) * 1e6 + u  # (cut, person)
    return x, y.astype(np.float64), group


def stack(parts):
    x = {k: np.concatenate([p[0][k] for p in parts]) for k in parts[0][0]}
    return x, np.concatenate([p[1] for p in parts]), np.concatenate([p[2] for p in parts])


def precision_at_10(u, v, hit, score) -> np.ndarray:
    order = np.lexsort((v, -score, u))
    u, hit = u[order], hit[order]
    starts = np.r_[0, np.flatnonzero(np.diff(u)) + 1]
    ends = np.r_[starts[1:], u.size]
    return np.array([hit[s : min(e, s + 10)].sum() / 10 for s, e in zip(starts, ends, strict=True)])


def weights(y, group, how):
    if how == "pairs":
        return None
    _, g = np.unique(group, return_inverse=True)
    n = np.bincount(g).astype(np.float64)
    if how == "people":
        w = 1.0 / n[g]
    else:  # balanced: each person's new pairs weigh 1/2, their other candidates 1/2
        pos = np.bincount(g, weights=y)
        w = np.where(y > 0, 0.5 / np.maximum(pos[g], 1), 0.5 / np.maximum(n[g] - pos[g], 1))
    return w * y.size / w.sum()


def conditional_logit(x, y, group, monotone, transforms, top) -> fitting.AdditiveModel:
    """Shapes maximising sum over people of log softmax of their new pairs among
    their rows (L2 penalty on the rises as the pooled fit; no intercept)."""
    names = list(monotone)
    knots = {
        n: fitting._knots(fitting.transform_value(x[n], transforms[n]), fitting.MAX_SEGMENTS, top)
        for n in names
    }
    ramps = np.hstack(
        [fitting.Shape(n, transforms[n], knots[n], np.zeros(0), 0, 0.0).ramps(x[n]) for n in names]
    )
    order = np.argsort(group, kind="stable")
    ramps, y, group = ramps[order], y[order], group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    sizes = np.diff(np.r_[starts, y.size])
    npos = np.add.reduceat(y, starts)
    mean, scale = ramps.mean(0), ramps.std(0) + 1e-9
    scaled = (ramps - mean) / scale

    def loss(c):
        z = scaled @ c
        top_z = np.maximum.reduceat(z, starts)
        e = np.exp(z - np.repeat(top_z, sizes))
        total = np.add.reduceat(e, starts)
        value = -(np.add.reduceat(y * z, starts) - npos * (top_z + np.log(total))).sum()
        share = e / np.repeat(total, sizes)
        raw = c / scale
        grad = scaled.T @ (np.repeat(npos, sizes) * share - y) + 2 * PENALTY * raw / scale
        return value + PENALTY * raw @ raw, grad

    bounds = []
    for n in names:
        d = monotone[n]
        bounds += [(0, None) if d > 0 else (None, 0) if d < 0 else (None, None)] * (
            knots[n].size - 1
        )
    c = minimize(loss, np.zeros(ramps.shape[1]), jac=True, method="L-BFGS-B", bounds=bounds).x
    c = c / scale
    shapes, at = {}, 0
    for n in names:
        k = knots[n].size - 1
        shapes[n] = fitting.Shape(n, transforms[n], knots[n], c[at : at + k], monotone[n], 0.0)
        at += k
    return fitting.AdditiveModel(0.0, shapes, {})


def main() -> None:
    traces, day0 = rolling.load_college()
    first = float(traces.t[0])
    base = dict(pm.PYMK_FEATURES)
    controls = {**base, **{n: 0 for n in OWNER}}
    transforms = {n: pm.PYMK_TRANSFORMS.get(n, "log1p") for n in controls}
    cuts = []
    for day in rolling.DEV_DAYS:
        cut = day0 + day * DAY
        known = traces.before(cut)
        rng = np.random.default_rng(SEED)
        parts = [training_rows(known, network_at(known, c), rng) for c in cut_schedule(first, cut)]
        train = stack([p for p in parts if p is not None])
        net = network_at(known, cut)
        positive = pm.new_pairs(traces, net, HORIZON_DAYS)
        lo, hi = split_key(positive)
        rows = np.unique(np.concatenate([net.index(lo), net.index(hi)]))
        u, v, katz = pm.candidate_pairs(net, rows)
        x = pm.pair_features(net, u, v, katz=katz)
        x.update(owner_features(net, u))
        hit = np.isin(pair_key(net.people[u], net.people[v]), positive)
        cuts.append({"day": day, "train": train, "u": u, "v": v, "x": x, "hit": hit})
        print(f"day {day}: {train[1].size:,} training rows, {rows.size} people", flush=True)

    # 1. where the ten suggestions lie
    top10 = []
    for c in cuts:
        u, v, new = c["u"], c["v"], c["x"]["new"]
        cap = np.expm1(np.quantile(np.log1p(c["train"][0]["new"]), 0.99))
        order = np.lexsort((v, -new, u))
        starts = np.r_[0, np.flatnonzero(np.diff(u[order])) + 1]
        lists = [order[s : s + 10] for s in starts]
        chosen = np.concatenate(lists)
        people, slots = np.unique(v[chosen], return_counts=True)
        top10.append(
            {
                "day": c["day"],
                "candidates_per_person_median": float(np.median(np.bincount(u)[np.unique(u)])),
                "last_knot_new": round(float(cap), 1),
                "largest_new": float(new.max()),
                "beyond_last_knot": round(float((new[chosen] >= cap).mean()), 3),
                "people_in_all_lists": int(people.size),
                "slots_of_the_ten_most_listed": round(
                    float(np.sort(slots)[::-1][:10].sum() / chosen.size), 3
                ),
            }
        )
        print(top10[-1], flush=True)

    # 2. variants of the fit
    def run(name, monotone, how, top, conditional=False):
        units = []
        for c in cuts:
            x, y, group = c["train"]
            if conditional:
                model = conditional_logit(x, y, group, monotone, transforms, top)
            else:
                model = fitting.fit_additive(
                    x,
                    y,
                    monotone=monotone,
                    transforms=transforms,
                    penalty=PENALTY,
                    sample_weight=weights(y, group, how),
                    top_knot=top,
                )
            units.append(precision_at_10(c["u"], c["v"], c["hit"], model.score(c["x"])))
        out = {
            "variant": name,
            "last_knot": "largest value" if top == 1.0 else "99th percentile",
            "precision@10": round(float(np.concatenate(units).mean()), 4),
            "per_cut": [round(float(p.mean()), 4) for p in units],
        }
        print(out, flush=True)
        return out

    variants = []
    for top in (0.99, 1.0):
        variants += [
            run("pooled: every pair alike", base, "pairs", top),
            run("every person alike", base, "people", top),
            run("each person's new pairs against their others, balanced", base, "balanced", top),
            run("conditional (per-person) logit", base, "pairs", top, conditional=True),
            run("pooled, the asking person's activity as controls", controls, "pairs", top),
        ]
    singles = {}
    for name in ("new", "katz"):
        units = []
        for c in cuts:
            katz = c["x"]["katz"]
            score = c["x"][name] + (1e-6 * katz / (1 + katz.max()) if name != "katz" else 0)
            units.append(precision_at_10(c["u"], c["v"], c["hit"], score))
        singles[f"feature:{name}" if name != "katz" else "katz"] = round(
            float(np.concatenate(units).mean()), 4
        )
    # 3. the shapes as rolling_eval.py fits them, development and reporting cuts
    shapes = []
    for day in (*rolling.DEV_DAYS, *rolling.REPORT_DAYS):
        cut = day0 + day * DAY
        known = traces.before(cut)
        samples = pm.formation_samples(known, cut_schedule(first, cut), seed=SEED)
        model = pm.fit_pymk(samples)
        shapes.append(
            {
                "day": day,
                "stage": "development" if day in rolling.DEV_DAYS else "reporting",
                "training_cuts": int(np.unique(samples.cut).size),
                "penalty": model.info["penalty"],
                "rise": {n: round(float(sh.rises.sum()), 2) for n, sh in model.shapes.items()},
            }
        )
        print(shapes[-1], flush=True)
    result = {
        "command": "python evaluation/pymk_diagnosis.py",
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
        "dev_days": list(rolling.DEV_DAYS),
        "penalty": PENALTY,
        "top10_by_new": top10,
        "variants": variants,
        "single": singles,
        "shapes": shapes,
    }
    OUT.with_suffix(".json").write_text(json.dumps(result, indent=2))
    OUT.with_suffix(".md").write_text(render(result))
    print(render(result))


def render(r: dict) -> str:
    lines = [
        "# Why the ranker used its `new` input less well than the count alone",
        "",
        f"`{r['command']}` — Python {r['python']}, {r['date']}. CollegeMsg's development "
        f"cuts (days {', '.join(map(str, r['dev_days']))}) and their training cuts; the "
        "reporting cuts' outcomes are not read (the last section fits at those cuts from "
        "their training cuts only, as rolling_eval.py does). Protocol in the script's docstring.",
        "",
        "## Where each person's ten suggestions by `new` lie",
        "",
        "| day | candidates per person (median) | last knot at the 99th percentile | "
        "largest `new` | of the ten, beyond that knot | people in all the lists | "
        "slots held by the ten most listed |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for t in r["top10_by_new"]:
        lines.append(
            f"| {t['day']} | {t['candidates_per_person_median']:,.0f} | {t['last_knot_new']} "
            f"| {t['largest_new']:.0f} | {t['beyond_last_knot']:.0%} | "
            f"{t['people_in_all_lists']} | {t['slots_of_the_ten_most_listed']:.0%} |"
        )
    lines += [
        "",
        f"## Variants of the fit (penalty {r['penalty']}; mean precision@10 over the "
        "(cut, person) units, no interval)",
        "",
        "| variant | last knot | precision@10 | per cut |",
        "|---|---|---:|---|",
    ]
    for v in r["variants"]:
        lines.append(
            f"| {v['variant']} | {v['last_knot']} | {v['precision@10']:.4f} | "
            f"{' '.join(f'{p:.4f}' for p in v['per_cut'])} |"
        )
    lines += [
        "",
        "Alone, on the same units: "
        + ", ".join(f"{k} {v:.4f}" for k, v in r["single"].items())
        + ".",
        "",
    ]
    if "shapes" in r:
        names = [n for n in r["shapes"][0]["rise"] if any(x["rise"][n] for x in r["shapes"])]
        lines += [
            "## The ranker's shapes as fitted for each cut (total rise, log-odds)",
            "",
            "Fitted as `rolling_eval.py` fits it, on the training cuts before each cut "
            "only; no outcome after a reporting cut is read. Inputs whose shape stays "
            "flat at every cut are left out.",
            "",
            "| day | cuts | training cuts | penalty | " + " | ".join(names) + " |",
            "|---:|---|---:|---:|" + "---:|" * len(names),
        ]
        for x in r["shapes"]:
            lines.append(
                f"| {x['day']} | {x['stage']} | {x['training_cuts']} | {x['penalty']:g} | "
                + " | ".join(f"{x['rise'][n]:+.2f}" for n in names)
                + " |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
