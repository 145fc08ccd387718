"""What ``ties`` and ``suggest`` use when no fit is possible, chosen on the development cuts.

    python evaluation/default_choice.py            # writes results/default_choice.md and .json
    python evaluation/default_choice.py --render   # the .md again from the .json

When a member's history is too short to fit (``weakties model fit``'s minimums,
``evaluation/results/min_history.md``), ``ties`` and ``suggest`` fall back on a
method that needs no fit. Which one is decided here by paired comparison on SNAP
CollegeMsg's development cuts of ``rolling_eval.py`` (days 49, 56, 63, 68; their
outcomes end by day 98), and only then reported on its reporting cuts (days 98,
112, 126, 140, 154): the split that reports never chooses.

Candidates, fixed before the run:

- ``ties`` (in touch again within 30 days, ROC AUC over every pair in touch
  before the cut): the hand-set default model as ``weakties ties --all --as-of``
  scores it (the incumbent; CollegeMsg declares no tie, so its one-way rule is
  off), and every single feature with an orientation set by theory rather than
  by a fit — the raw message count, recency, the decayed count and each input
  of the fitted model whose direction is fixed (:data:`weakties.ties.history.TIE_FEATURES`).
- ``suggest`` (who first gets in touch within 30 days, precision@10 over every
  (cut, person with a new contact)): common neighbours, Adamic-Adar, resource
  allocation, Katz's index (the incumbent), the former default ``weakties``
  (resource allocation + shared places + Katz as a tie-breaker), and each input
  of the fitted ranker whose direction theory fixes
  (:data:`weakties.opportunity.pymk_model.PYMK_FEATURES`: the candidate's new
  contacts and contacts in the last 30 days, their idle days, Jaccard, shared
  places), Katz breaking its ties. The two free inputs (the candidate's partners
  and age) are left out, as the free tie features are: a direction read from the
  data is a fit. When these inputs joined, their development figures were
  already known (``results/rolling_dev.json``: the new-contacts count level
  with Katz, 0.0143 against 0.0142).

Rule, fixed before the run: the candidate with the best mean over the
development cuts replaces the incumbent only if it is ahead of it with the
paired 95 % interval above zero; otherwise the incumbent stays (for ``ties`` it
also reads what CollegeMsg cannot test — meetings, notes, endorsements, group
size, declared ties — and its classes have a stated meaning).
When the rule was written, the development figures of the default model and of
recency were already known (``results/one_way_rule.md``: recency ahead by
0.0066, the interval across zero); those of the other challengers were not.

Reported on the reporting cuts: the chosen method beside every candidate, the
best single baseline *chosen on those very cuts* (the baseline's most favourable
choice) and random (the trivial baseline), with 95 % intervals of the means and
of the paired differences. The intervals resample people, not pairs
(``stats.People``, as ``rolling_eval.py`` does): 1,000 draws with replacement of
the file's 1,899 people (seed 1), one draw for every cut of both stages and
every method; a pair weighs the product of its two people's draws, a (cut,
person) unit of precision@10 what that person was drawn.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import rolling_eval as rolling
import stats

from weakties.ties.history import DAY, TIE_FEATURES, Traces, split_key

OUT = Path(__file__).resolve().parent / "results" / "default_choice"
INCUMBENT = {"ties": "default model", "suggest": "katz"}
# single features already in the table under their baseline names
SAME_AS = {"feature:days_since": "recency", "feature:decayed180": "decayed count"}
SEED = 1


def tie_candidates(scores: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The fallbacks that need no fit: the default model and the theory-oriented features."""
    free = {f"feature:{n}" for n, (_, d) in TIE_FEATURES.items() if d == 0}
    return {
        m: s
        for m, s in scores.items()
        if m not in ("fitted", "random") and m not in free and m not in SAME_AS
    }


def ties_stage(
    traces: Traces, first: float, cuts: list[float], prior: dict, people: stats.People
) -> dict:
    """Mean AUC per method over the cuts, its bootstrap replicates, and per cut."""
    boot: dict[str, np.ndarray] = {}
    per_cut = []
    for cut in cuts:
        r = rolling.tie_cut(traces, first, cut, prior[cut], fit=False)
        y = r["y"]
        scores = {**tie_candidates(r["scores"]), "random": r["scores"]["random"]}
        w = people.pairs(*split_key(r["keys"]))
        row = {"cut": rolling._day(cut), "pairs": int(y.size), "positives": int(y.sum())}
        for m, score in scores.items():
            ranked = stats.ranked(score, y)
            row[m] = stats.weighted_auc(ranked, np.ones(y.size))
            reps = np.array([stats.weighted_auc(ranked, wi) for wi in w])
            boot[m] = boot.get(m, 0.0) + reps / len(cuts)
        per_cut.append(row)
        print(f"ties {row['cut']}: {row['pairs']} pairs, {row['positives']} again", flush=True)
    mean = {m: float(np.mean([row[m] for row in per_cut])) for m in boot}
    return {"per_cut": per_cut, "mean": mean, "boot": boot}


def suggest_candidates(methods: dict) -> dict:
    """The fallbacks that need no fit: the heuristics and the theory-oriented inputs."""
    from weakties.opportunity.pymk_model import PYMK_FEATURES

    free = {f"feature:{n}" for n, d in PYMK_FEATURES.items() if d == 0}
    return {m: v for m, v in methods.items() if m not in free}


def suggest_stage(traces: Traces, first: float, cuts: list[float], people: stats.People) -> dict:
    """Precision@10 per (cut, person) unit for each heuristic, pooled over the cuts."""
    units: dict[str, list[np.ndarray]] = {}
    who = []
    per_cut = []
    for cut in cuts:
        r = rolling.pymk_cut(traces, first, cut, SEED, fit=False)
        row = {"cut": rolling._day(cut), "people": r["people"], "new_pairs": r["positives"]}
        who.append(r["who"])
        for m, by_k in suggest_candidates(r["precision"]).items():
            units.setdefault(m, []).append(by_k[10])
            row[m] = float(np.mean(by_k[10]))
        per_cut.append(row)
        print(f"suggest {row['cut']}: {row['people']} people", flush=True)
    values = {m: np.concatenate(v) for m, v in units.items()}
    n = next(iter(values.values())).size
    w = people.of(np.concatenate(who))  # a unit weighs what its person was drawn
    boot = {m: stats.weighted_mean(v, w) for m, v in values.items()}
    mean = {m: float(v.mean()) for m, v in values.items()}
    return {"per_cut": per_cut, "mean": mean, "boot": boot, "units": n}


def _with_ci(value: float, reps: np.ndarray, digits: int) -> dict:
    return {"value": round(value, digits), "ci": [round(x, digits) for x in stats.interval(reps)]}


def decide(dev: dict, incumbent: str, digits: int) -> dict:
    """The rule of the module doc, on the development cuts."""
    challengers = [m for m in dev["mean"] if m not in (incumbent, "random")]
    best = max(challengers, key=lambda m: dev["mean"][m])
    diff = _with_ci(
        dev["mean"][best] - dev["mean"][incumbent],
        dev["boot"][best] - dev["boot"][incumbent],
        digits,
    )
    chosen = best if diff["ci"][0] > 0 else incumbent
    return {
        "incumbent": incumbent,
        "best_challenger": best,
        "challenger_minus_incumbent": diff,
        "chosen": chosen,
    }


def report(stage: dict, chosen: str, digits: int) -> dict:
    """The chosen method on the reporting cuts beside the best single baseline
    (chosen on these cuts) and random, paired."""
    others = [m for m in stage["mean"] if m not in (chosen, "random")]
    best = max(others, key=lambda m: stage["mean"][m])
    boot = stage["boot"]
    return {
        "best_other": best,
        "chosen_minus_best_other": _with_ci(
            stage["mean"][chosen] - stage["mean"][best], boot[chosen] - boot[best], digits
        ),
        "chosen_minus_random": _with_ci(
            stage["mean"][chosen] - stage["mean"]["random"], boot[chosen] - boot["random"], digits
        ),
    }


def summary(stage: dict, digits: int) -> dict:
    return {
        "per_cut": [
            {k: (round(v, digits) if isinstance(v, float) else v) for k, v in row.items()}
            for row in stage["per_cut"]
        ],
        "mean": {m: _with_ci(stage["mean"][m], stage["boot"][m], digits) for m in stage["mean"]},
        **({"units": stage["units"]} if "units" in stage else {}),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--render", action="store_true", help="the .md again from the .json")
    args = parser.parse_args()
    if args.render:
        render(json.loads(OUT.with_suffix(".json").read_text()))
        return
    traces, day0 = rolling.load_college()
    first = float(traces.t[0])
    dev_cuts = [day0 + d * DAY for d in rolling.DEV_DAYS]
    report_cuts = [day0 + d * DAY for d in rolling.REPORT_DAYS]
    prior = rolling.prior_scores(dev_cuts + report_cuts)
    people = stats.People.draw(np.random.default_rng(SEED), rolling.population(traces))
    ties_dev = ties_stage(traces, first, dev_cuts, prior, people)
    ties_rep = ties_stage(traces, first, report_cuts, prior, people)
    sug_dev = suggest_stage(traces, first, dev_cuts, people)
    sug_rep = suggest_stage(traces, first, report_cuts, people)
    ties_choice = decide(ties_dev, INCUMBENT["ties"], 4)
    sug_choice = decide(sug_dev, INCUMBENT["suggest"], 4)
    result = {
        "command": "python evaluation/default_choice.py",
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
        "dev_days": list(rolling.DEV_DAYS),
        "bootstrap": {
            "resampled": "people",
            "people": int(people.ids.size),
            "replicates": people.replicates,
            "seed": SEED,
        },
        "report_days": list(rolling.REPORT_DAYS),
        "ties": {
            "development": summary(ties_dev, 4),
            "choice": ties_choice,
            "reporting": summary(ties_rep, 4),
            "reported": report(ties_rep, ties_choice["chosen"], 4),
        },
        "suggest": {
            "development": summary(sug_dev, 4),
            "choice": sug_choice,
            "reporting": summary(sug_rep, 4),
            "reported": report(sug_rep, sug_choice["chosen"], 4),
        },
    }
    OUT.with_suffix(".json").write_text(json.dumps(result, indent=2))
    render(result)


def _f(d: dict, sign: bool = False) -> str:
    form = "+.4f" if sign else ".4f"
    return f"{d['value']:{form}} [{d['ci'][0]:{form}}, {d['ci'][1]:{form}}]"


def _table(part: dict, metric: str) -> list[str]:
    dev, rep = part["development"]["mean"], part["reporting"]["mean"]
    order = sorted(dev, key=lambda m: -dev[m]["value"])
    chosen = part["choice"]["chosen"]
    lines = [
        f"| method | development cuts: {metric} | reporting cuts: {metric} |",
        "|---|---:|---:|",
    ]
    for m in order:
        name = f"**{m}** (chosen)" if m == chosen else m
        lines.append(f"| {name} | {_f(dev[m])} | {_f(rep[m])} |")
    return lines


def render(r: dict) -> None:
    t, s = r["ties"], r["suggest"]

    def verdict(part: dict) -> str:
        c = part["choice"]
        kept = c["chosen"] == c["incumbent"]
        return (
            f"Development cuts: the best challenger, {c['best_challenger']}, minus the "
            f"incumbent, {c['incumbent']}: **{_f(c['challenger_minus_incumbent'], True)}** "
            f"(paired). "
            + (
                f"Not clearly ahead: **{c['incumbent']} stays** the fallback."
                if kept
                else f"Clearly ahead: **{c['chosen']} becomes** the fallback."
            )
        )

    def reported(part: dict, what: str) -> str:
        rep = part["reported"]
        c = part["choice"]["chosen"]
        return (
            f"Reporting cuts: {c} minus {rep['best_other']} (the best other {what}, chosen on "
            f"these very cuts): **{_f(rep['chosen_minus_best_other'], True)}**; minus random "
            f"(the trivial baseline): **{_f(rep['chosen_minus_random'], True)}** (paired)."
        )

    lines = [
        "# What `ties` and `suggest` use when no fit is possible",
        "",
        f"`{r['command']}` — Python {r['python']}, {r['date']}. Protocol and rule in the "
        "script's docstring: the choice is made on the development cuts (days "
        f"{', '.join(map(str, r['dev_days']))} of SNAP CollegeMsg) and only reported on the "
        f"reporting cuts (days {', '.join(map(str, r['report_days']))}). When the history "
        "allows a fit, both commands use it (`evaluation/results/min_history.md`, "
        "`evaluation/results/rolling.md`); this is what they use otherwise. When the rule "
        "was written, the default model's and recency's development figures were already "
        "known (`one_way_rule.md`); the other challengers' were not. Every interval "
        f"resamples people, not pairs: {r['bootstrap']['replicates']:,} draws (seed "
        f"{r['bootstrap']['seed']}) of the file's {r['bootstrap']['people']:,} people with "
        "replacement, one draw for every cut and every method; a pair weighs the product "
        "of its two people's draws, a person's precision@10 what that person was drawn.",
        "",
        "## `ties`: in touch again within 30 days (mean ROC AUC over the cuts, 95 % interval)",
        "",
        *_table(t, "AUC"),
        "",
        verdict(t),
        "",
        reported(t, "single method"),
        "",
        rolling.DEFAULT_NOT_OUT_OF_SAMPLE.replace("these cuts", "the reporting cuts"),
        "",
        "## `suggest`: first contact within 30 days (precision@10 over every (cut, person "
        f"with a new contact): {s['development']['units']:,} development units, "
        f"{s['reporting']['units']:,} reporting units)",
        "",
        *_table(s, "precision@10"),
        "",
        verdict(s),
        "",
        reported(s, "method"),
        "",
        "`previous default` is the former default, the `weakties` method (resource allocation + shared places + Katz as a "
        "tie-breaker; CollegeMsg has no places). `feature:` rows are single inputs of the "
        "fitted tie model (in `ties`) or of the fitted ranker (in `suggest`: `new`, the "
        "candidate's people met for the first time in the last 30 days; `active`, their "
        "contacts then; `idle`, days since their last contact), oriented as theory says, "
        "Katz breaking the ranker's inputs' ties; `feature:places` is Katz alone on "
        "CollegeMsg, which has no places.",
        "",
    ]
    OUT.with_suffix(".md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
