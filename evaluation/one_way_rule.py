"""Where the one-way rule of the default tie model belongs, chosen on the development cuts.

    python evaluation/one_way_rule.py    # writes results/one_way_rule.md and .json

The default hand-set model marks down a one-way exchange with someone not
connected (:func:`weakties.ties.model.one_way_strangers`: sponsored InMail,
marketing senders). SNAP CollegeMsg declares no tie, so with the rule on every
pair whose messages went one way only is marked down. On the development cuts
of ``rolling_eval.py`` (days 49, 56, 63 and 68; never the reporting cuts), the
default model as ``weakties ties --all --as-of`` scores every pair in touch
before the cut, with the rule on every one-way pair and with it off, beside
recency alone (the best single feature there), for "in touch again within 30
days". ROC AUC per cut, the mean over the cuts, and 95 % intervals of the mean
and of the paired differences: a bootstrap that resamples people, not pairs
(``stats.People``, as ``rolling_eval.py`` does): 1,000 draws with replacement of
the file's 1,899 people (seed 0), one draw for every cut and every method, a
pair weighing the product of its two people's draws.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import rolling_eval as rolling
import stats

from weakties.ties.history import (
    DAY,
    HORIZON_DAYS,
    contact_between,
    network_at,
    split_key,
    tie_features,
)

OUT = Path(__file__).resolve().parent / "results" / "one_way_rule"


def _rule_on(table):  # type: ignore[no-untyped-def]
    """The rule as data that declares ties applies it to the pairs not connected."""
    v = table.values
    return ~table.tied & (v["contacts"] > 0) & (v["balance"] <= 0)


def main() -> None:
    traces, day0 = rolling.load_college()
    cuts = [day0 + d * DAY for d in rolling.DEV_DAYS]
    off = rolling.prior_scores(cuts)  # CollegeMsg declares no tie: the rule is off
    with mock.patch("weakties.ties.model.one_way_strangers", _rule_on):
        on = rolling.prior_scores(cuts)
    names = ("default, one-way rule off", "default, one-way rule on", "recency")
    people = stats.People.draw(np.random.default_rng(0), rolling.population(traces))
    per_cut, boot = [], {n: np.zeros(stats.REPLICATES) for n in names}
    for day, cut in zip(rolling.DEV_DAYS, cuts, strict=True):
        net = network_at(traces.before(cut), cut)
        y = np.isin(net.keys, contact_between(traces, cut, cut + HORIZON_DAYS * DAY))
        keys = net.keys.tolist()
        scores = {
            names[0]: np.array([off[cut].get(k, 0.0) for k in keys]),
            names[1]: np.array([on[cut].get(k, 0.0) for k in keys]),
            names[2]: -tie_features(net)["days_since"],
        }
        w = people.pairs(*split_key(net.keys))
        row: dict = {"day": day, "pairs": int(y.size), "in_touch_again": int(y.sum())}
        for name, score in scores.items():
            r = stats.ranked(score, y)
            row[name] = round(stats.weighted_auc(r, np.ones(y.size)), 4)
            boot[name] += np.array([stats.weighted_auc(r, wi) for wi in w]) / len(cuts)
        per_cut.append(row)
        print(f"day {day} done", flush=True)
    mean = {n: float(np.mean([r[n] for r in per_cut])) for n in names}

    def diff(a: str, b: str) -> dict:
        return {
            "difference": round(mean[a] - mean[b], 4),
            "ci": [round(x, 4) for x in stats.interval(boot[a] - boot[b])],
        }

    result = {
        "command": "python evaluation/one_way_rule.py",
        "date": dt.date.today().isoformat(),
        "cuts_days": list(rolling.DEV_DAYS),
        "bootstrap": {
            "resampled": "people",
            "people": int(people.ids.size),
            "replicates": people.replicates,
            "seed": 0,
        },
        "per_cut": per_cut,
        "mean": {
            n: {"auc": round(mean[n], 4), "ci": [round(x, 4) for x in stats.interval(boot[n])]}
            for n in names
        },
        "rule_off_minus_rule_on": diff(names[0], names[1]),
        "rule_off_minus_recency": diff(names[0], names[2]),
    }
    OUT.with_suffix(".json").write_text(json.dumps(result, indent=2))
    render(result, names)


def render(r: dict, names: tuple[str, ...]) -> None:
    def ci(d: dict, key: str) -> str:
        return f"{d[key]:+.4f} [{d['ci'][0]:+.4f}, {d['ci'][1]:+.4f}]"

    lines = [
        "# The one-way rule on data without declared ties",
        "",
        f"`{r['command']}` ({r['date']}); protocol in the script's docstring. Development "
        f"cuts (days {', '.join(map(str, r['cuts_days']))} of SNAP CollegeMsg), ROC AUC for "
        "in touch again within 30 days. Intervals: people resampled, not pairs "
        f"({r['bootstrap']['replicates']:,} draws of {r['bootstrap']['people']:,} people, "
        "one draw for every cut; a pair weighs the product of its two people's draws).",
        "",
        "| cut (day) | pairs | in touch again | " + " | ".join(names) + " |",
        "|---:|---:|---:|" + "---:|" * len(names),
        *[
            f"| {c['day']} | {c['pairs']:,} | {c['in_touch_again']} | "
            + " | ".join(f"{c[n]:.4f}" for n in names)
            + " |"
            for c in r["per_cut"]
        ],
        "| mean | | | "
        + " | ".join(stats.fmt(r["mean"][n]["auc"], r["mean"][n]["ci"], 4) for n in names)
        + " |",
        "",
        f"Rule off minus rule on: **{ci(r['rule_off_minus_rule_on'], 'difference')}** (paired).",
        f"Rule off minus recency: **{ci(r['rule_off_minus_recency'], 'difference')}** (paired).",
        "",
    ]
    OUT.with_suffix(".md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
