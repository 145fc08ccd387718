"""Tie strength on the synthetic world, and the structure of strong ties on CollegeMsg.

    python evaluation/ties_eval.py            # writes evaluation/results/ties.md and .json

Whether strength predicts the future on real data is measured by
``rolling_eval.py`` (rolling temporal splits of SNAP CollegeMsg); this script
keeps what needs a known truth or describes structure:

1. Synthetic world (weakties.synth, several seeds): three members' exports are
   imported; every tie of theirs is classified and compared with the world's true
   class (strong / weak / dormant / nominal). Per-class precision and recall,
   beside the trivial classifier that always answers the most common class, for
   the default hand-set model and for the model each member's own history
   fits (``weakties model fit``). The world's traces are generated from the same
   assumptions the default model is built on (strong ties write often and
   recently, dormant ties stop three years before the end): a figure here says
   the code does what the assumptions say, not that the assumptions hold.
2. Structure, on CollegeMsg's first half, with the fitted model (what ``ties
   --all --as-of`` gives) and the default one: stronger ties share more contacts
   (Spearman correlation of strength with mutual contacts > 0; by message count for
   reference), and strong-strong open triads (A-B and A-C strong, B and C never in
   touch) are rarer than weak-weak ones (Granovetter's forbidden triad).
3. Dunbar layers of random heavy-tailed data: the ratios between layers that come
   out of no social mechanism at all, to read any member's layers with (the
   report describes layers, it never claims they prove anything).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = Path(os.environ.get("WEAKTIES_SHARED_DATA") or ROOT.parent / "shared" / "data")
COLLEGE = SHARED / "CollegeMsg" / "CollegeMsg.txt"
MIDDLE = dt.datetime(2004, 7, 21)
CLASSES = ("strong", "weak", "dormant", "nominal")


def member_traces(reader, when: dt.datetime):  # type: ignore[no-untyped-def]
    """The traces a member may see before ``when``, as arrays."""
    from weakties.ties.history import Traces

    rows = np.array(reader.trace_rows(when), dtype=np.float64).reshape(-1, 5)
    rows = rows[rows[:, 4] >= 0]
    return Traces.of(
        rows[:, 0], rows[:, 1], rows[:, 2], np.nan_to_num(rows[:, 3], nan=1), rows[:, 4]
    )


def synthetic(seeds: list[int]) -> dict:
    from sqlalchemy import text

    from weakties.ingest.linkedin.importer import import_linkedin
    from weakties.service import viewer as resolve_viewer
    from weakties.service.context import reader
    from weakties.store.engine import open_store
    from weakties.synth import generate, pick_members, write_linkedin_export
    from weakties.ties.history import network_at, pair_key, tie_features
    from weakties.ties.learned import STRONG_AT, fit_models
    from weakties.ties.strength import score_ties

    rows: list[tuple[str, str, str]] = []  # truth, default, fitted
    per_seed = []
    fits = []
    for seed in seeds:
        world = generate(2000, seed=seed)
        members = pick_members(world, k=3, seed=seed, min_degree=60)
        with tempfile.TemporaryDirectory() as tmp:
            store = open_store(Path(tmp) / "w.sqlite")
            for i, m in enumerate(members):
                export = write_linkedin_export(world, m, Path(tmp) / f"e{i}", as_of=world.end)
                import_linkedin(store, export, f"m{i}")
            by_slug = {p.slug: p.id for p in world.people}
            n_seed = 0
            with store.engine.connect() as conn:
                slugs = dict(
                    conn.execute(
                        text("select person_id, value from identity where kind='linkedin'")
                    ).all()
                )
                when = dt.datetime.combine(world.end, dt.time()) + dt.timedelta(days=1)
                at = when.replace(tzinfo=dt.UTC).timestamp()
                for i, m in enumerate(members):
                    scope = reader(conn, resolve_viewer(conn, f"m{i}"))
                    scores = score_ties(scope, as_of=when)
                    traces = member_traces(scope, when)
                    fitted = fit_models(traces, at, pymk=False)
                    fits.append(
                        {
                            "seed": seed,
                            "member": i,
                            "fitted": fitted.ties is not None,
                            "note": fitted.notes.get("ties"),
                            **fitted.summary.get("ties", {}),
                        }
                    )
                    chance: dict[int, float] = {}
                    if fitted.ties is not None:
                        net = network_at(traces.conversations(), at)
                        p = fitted.ties.score(tie_features(net))
                        chance = dict(zip(net.keys.tolist(), p.tolist(), strict=True))
                    for k in range(len(scores)):
                        wid = by_slug.get(slugs.get(scores.other(k)))
                        truth = world.true_class(m, wid) if wid is not None else None
                        if truth is None:
                            continue
                        default = str(scores.classes[k])
                        key = int(pair_key(np.array([scores.ego]), np.array([scores.other(k)]))[0])
                        if default in ("strong", "weak") and fitted.ties is not None:
                            learned = "strong" if chance.get(key, 0.0) >= STRONG_AT else "weak"
                        else:
                            learned = default
                        rows.append((truth, default, learned))
                        n_seed += 1
            store.close()
        per_seed.append({"seed": seed, "ties": n_seed})
    truth = np.array([r[0] for r in rows])
    out: dict = {"ties": len(rows), "per_seed": per_seed, "fits": fits}
    counts = collections.Counter(truth.tolist())
    majority = counts.most_common(1)[0][0]
    out["truth_counts"] = {c: counts.get(c, 0) for c in CLASSES}
    out["majority_class"] = majority
    rng = np.random.default_rng(0)
    boots = [rng.integers(0, len(rows), len(rows)) for _ in range(500)]
    for name, col in (("default", 1), ("fitted", 2), ("majority", None)):
        pred = np.array([r[col] for r in rows]) if col is not None else np.full(len(rows), majority)
        out[name] = {
            "confusion": {
                t: {p: int(((truth == t) & (pred == p)).sum()) for p in CLASSES} for t in CLASSES
            },
            "per_class": per_class(truth, pred, boots),
        }
    return out


def per_class(truth: np.ndarray, pred: np.ndarray, boots: list[np.ndarray]) -> dict:
    def pr(t: np.ndarray, p: np.ndarray, c: str) -> tuple[float, float]:
        tp = float(((t == c) & (p == c)).sum())
        predicted, actual = float((p == c).sum()), float((t == c).sum())
        return (tp / predicted if predicted else math.nan, tp / actual if actual else math.nan)

    out = {}
    for c in CLASSES:
        precision, recall = pr(truth, pred, c)
        reps = np.array([pr(truth[b], pred[b], c) for b in boots])
        lo_p, hi_p = (
            np.nanpercentile(reps[:, 0], [2.5, 97.5])
            if np.isfinite(reps[:, 0]).any()
            else (math.nan, math.nan)
        )
        lo_r, hi_r = np.nanpercentile(reps[:, 1], [2.5, 97.5])
        out[c] = {
            "precision": None if math.isnan(precision) else round(precision, 4),
            "precision_ci": [
                None if math.isnan(lo_p) else round(float(lo_p), 4),
                None if math.isnan(hi_p) else round(float(hi_p), 4),
            ],
            "recall": round(recall, 4),
            "recall_ci": [round(float(lo_r), 4), round(float(hi_r), 4)],
        }
    return out


def college(db: Path) -> dict:
    """Strength as of the middle date for every pair in touch before it, through
    the product (``weakties import interactions``, ``ties --all --as-of``)."""
    weakties = [sys.executable, "-m", "weakties.cli.main"]
    env = {"WEAKTIES_DB": str(db), "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [
            *weakties,
            "import",
            "interactions",
            str(COLLEGE),
            "--sender",
            "1",
            "--recipient",
            "2",
            "--timestamp",
            "3",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        [*weakties, "ties", "--all", "--as-of", MIDDLE.date().isoformat(), "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pairs = json.loads(out)
    raw = np.loadtxt(COLLEGE, dtype=np.int64)
    mid = MIDDLE.replace(tzinfo=dt.UTC).timestamp()
    return {
        "pairs_before_middle": len(pairs),
        "structure": structure(pairs, raw, mid),
        "structure_default": structure(default_pairs(db), raw, mid),
    }


def default_pairs(db: Path) -> list[dict]:
    """The same pairs scored by the default hand-set model (what ``ties --all`` shows
    when the history is too short for a fit), named by the file's identifiers."""
    from sqlalchemy import select

    from weakties.model.tables import Identity
    from weakties.service.context import operator, reader
    from weakties.store.engine import open_store
    from weakties.ties.strength import score_ties

    store = open_store(db)
    with store.engine.connect() as conn:
        original = {
            int(pid): int(raw)
            for pid, raw in conn.execute(
                select(Identity.person_id, Identity.raw).where(Identity.kind == "external")
            )
        }
        scores = score_ties(reader(conn, operator(conn)), as_of=MIDDLE, all_pairs=True)
    store.close()
    t = scores.table
    return [
        {
            "a": original[int(t.a[i])],
            "b": original[int(t.b[i])],
            "score": float(scores.score[i]),
            "contacts": int(t.values["contacts"][i]),
            "class": str(scores.classes[i]),
        }
        for i in range(len(scores))
    ]


def structure(pairs: list[dict], raw: np.ndarray, mid: float) -> dict:
    from scipy.stats import spearmanr

    first = raw[raw[:, 2] < mid]
    contacts: dict[int, set[int]] = collections.defaultdict(set)
    for a, b, _ in first.tolist():
        if a != b:
            contacts[a].add(b)
            contacts[b].add(a)
    mutual = np.array([len(contacts[int(p["a"])] & contacts[int(p["b"])]) for p in pairs])
    score = np.array([p["score"] for p in pairs])
    count = np.array([p["contacts"] for p in pairs])
    rho_score = spearmanr(score, mutual).statistic
    rho_count = spearmanr(count, mutual).statistic
    strong = {(int(p["a"]), int(p["b"])) for p in pairs if p["class"] == "strong"}
    weak = {(int(p["a"]), int(p["b"])) for p in pairs if p["class"] == "weak"}

    def open_share(kind: set[tuple[int, int]]) -> tuple[float, int]:
        around: dict[int, list[int]] = collections.defaultdict(list)
        for a, b in kind:
            around[a].append(b)
            around[b].append(a)
        wedges = closed = 0
        for ends in around.values():
            for i in range(len(ends)):
                for j in range(i + 1, len(ends)):
                    wedges += 1
                    closed += ends[j] in contacts[ends[i]]
        return (1 - closed / wedges if wedges else math.nan), wedges

    strong_open, strong_wedges = open_share(strong)
    weak_open, weak_wedges = open_share(weak)
    return {
        "spearman_strength_vs_mutual": round(float(rho_score), 4),
        "spearman_message_count_vs_mutual": round(float(rho_count), 4),
        "open_triads": {
            "strong_strong": {"wedges": strong_wedges, "open_share": round(strong_open, 4)},
            "weak_weak": {"wedges": weak_wedges, "open_share": round(weak_open, 4)},
        },
    }


def dunbar(seed: int) -> dict:
    from weakties.ties.strength import DUNBAR_LAYERS

    rng = np.random.default_rng(seed)
    # description only: cumulative layer sizes are fixed by rank; what can be compared is
    # how contact frequency falls from layer to layer, in the synthetic member's ties
    # and in random heavy-tailed counts (Pareto) with no social structure at all.
    random_counts = np.sort(rng.pareto(1.2, 1500) * 3)[::-1]
    rows = []
    for lo, hi in zip((0, *DUNBAR_LAYERS[:-1]), DUNBAR_LAYERS, strict=True):
        part = random_counts[lo:hi]
        if part.size:
            rows.append(
                {"layer": hi, "median_contacts_random_pareto": round(float(np.median(part)), 2)}
            )
    ratios = [
        rows[i]["median_contacts_random_pareto"] / rows[i + 1]["median_contacts_random_pareto"]
        for i in range(len(rows) - 1)
        if rows[i + 1]["median_contacts_random_pareto"] > 0
    ]
    return {
        "random_pareto_layers": rows,
        "random_pareto_ratio_between_layers": [round(r, 2) for r in ratios],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 23])
    parser.add_argument("--out", type=Path, default=HERE / "results" / "ties")
    parser.add_argument(
        "--render", action="store_true", help="write OUT.md again from OUT.json, computing nothing"
    )
    args = parser.parse_args()
    if args.render:
        results = json.loads(args.out.with_suffix(".json").read_text())
        args.out.with_suffix(".md").write_text(markdown(results, args))
        return
    results = {"synthetic": synthetic(args.seeds), "dunbar": dunbar(0)}
    if COLLEGE.is_file():
        with tempfile.TemporaryDirectory() as tmp:
            results["collegemsg"] = college(Path(tmp) / "c.sqlite")
    else:
        results["collegemsg"] = f"skipped: {COLLEGE} not found"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=2))
    args.out.with_suffix(".md").write_text(markdown(results, args))
    print(markdown(results, args))


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _ci(pair: list) -> str:
    if pair[0] is None:
        return ""
    return f" [{pair[0]:.1%}, {pair[1]:.1%}]"


def markdown(r: dict, args: argparse.Namespace) -> str:
    syn = r["synthetic"]
    fitted_members = sum(f["fitted"] for f in syn["fits"])
    lines = [
        "# Tie strength: the synthetic world and the structure of strong ties",
        "",
        f"`python evaluation/ties_eval.py --seeds {' '.join(map(str, args.seeds))}` "
        f"({dt.date.today().isoformat()}); raw figures in `ties.json`. Whether strength "
        "predicts the future on real data: [rolling.md](rolling.md).",
        "",
        "## 1. Synthetic world, true classes",
        "",
        "**Generated from the model's own assumptions**: the world writes strong ties "
        "often and recently, weak ones rarely, and stops dormant ones three years before "
        "the end — the rules the default model and its classes were written from. These "
        "figures check that the code follows those assumptions; they are no evidence "
        "that the assumptions hold for real people.",
        "",
        f"{syn['ties']:,} ties of three members per world, seeds "
        f"{', '.join(str(s['seed']) for s in syn['per_seed'])}; true classes: "
        + ", ".join(f"{c} {syn['truth_counts'][c]:,}" for c in CLASSES)
        + f". The fitted model was fitted on the member's own history in {fitted_members} "
        f"of {len(syn['fits'])} members' cases (the others fall back to the default).",
        "",
        "Precision and recall per class, 95 % bootstrap intervals over ties "
        f"(the trivial classifier always answers '{syn['majority_class']}'):",
        "",
        "| class | model | precision | recall |",
        "|---|---|---:|---:|",
    ]
    for c in CLASSES:
        for name, label in (
            ("majority", f"always '{syn['majority_class']}'"),
            ("default", "default (hand-set)"),
            ("fitted", "fitted on the member's history"),
        ):
            if name == "fitted" and not fitted_members:
                # every member fell back to the default: its figures again, relabelled
                lines.append(f"| {c} | {label} | not fitted for any member | — |")
                continue
            pc = syn[name]["per_class"][c]
            lines.append(
                f"| {c} | {label} | {_pct(pc['precision'])}{_ci(pc['precision_ci'])} | "
                f"{_pct(pc['recall'])}{_ci(pc['recall_ci'])} |"
            )
    lines += [
        "",
        "Confusion of the default model (rows: truth, columns: weakties):",
        "",
        "| truth \\ predicted | strong | weak | dormant | nominal |",
        "|---|---:|---:|---:|---:|",
        *[
            f"| {t} | " + " | ".join(str(syn["default"]["confusion"][t][p]) for p in CLASSES) + " |"
            for t in CLASSES
        ],
        "",
        "Nominal and dormant are rules, not scores: nominal is 'connected, never in touch' "
        "in both the world and weakties; weakties keeps 'dormant' for formerly regular ties "
        "(Levin et al. 2011) while the world calls any tie silent for three years dormant, "
        "so dormant ties with one or two contacts long ago are classed weak. Only strong "
        "versus weak depends on the score.",
        "",
    ]
    college = r["collegemsg"]
    if isinstance(college, dict):
        lines += [
            "## 2. Structure (SNAP CollegeMsg, first half)",
            "",
            f"{college['pairs_before_middle']:,} pairs in touch before 2004-07-21, scored as "
            "`weakties ties --all --as-of 2004-07-21` scores them — by the model fitted on "
            "the history before that date — and by the default hand-set model.",
            "",
        ]
        for key, name in (("structure", "fitted model"), ("structure_default", "default model")):
            st = college[key]
            tri = st["open_triads"]
            strong, weak = tri["strong_strong"], tri["weak_weak"]
            rarer = strong["open_share"] < weak["open_share"]
            higher = st["spearman_strength_vs_mutual"] > st["spearman_message_count_vs_mutual"]
            lines += [
                f"**{name}**:",
                "",
                "- Strength and mutual contacts: Spearman "
                f"{st['spearman_strength_vs_mutual']:.3f} (message count "
                f"{st['spearman_message_count_vs_mutual']:.3f}; reference about 0.19): "
                + (
                    "stronger ties share more contacts, more than by message count."
                    if higher
                    else "no more than by message count."
                ),
                f"- Open triads among two strong ties: {strong['open_share']:.1%} of "
                f"{strong['wedges']:,}; among two weak ties: {weak['open_share']:.1%} of "
                f"{weak['wedges']:,} — "
                + (
                    "the strong-strong open triad is the rarer (Granovetter's forbidden triad)."
                    if rarer
                    else "the strong-strong open triad is **not** the rarer here: "
                    "Granovetter's forbidden triad does not show with this model's strong ties."
                ),
                "",
            ]
    else:
        lines += ["## 2. SNAP CollegeMsg", "", str(college), ""]
    dun = r["dunbar"]
    lines += [
        "## 3. Dunbar layers: description only",
        "",
        "Random heavy-tailed contact counts (Pareto, no social structure at all), cut into "
        "Dunbar's layers by rank, give ratios of median contact between consecutive layers "
        f"of {', '.join(map(str, dun['random_pareto_ratio_between_layers']))}: numbers near "
        "3 appear without any social mechanism, so weakties reports layers and never "
        "claims a fitted ratio proves anything.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
