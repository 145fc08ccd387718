"""People you may know, evaluated on temporal splits only.

    python evaluation/pymk_eval.py        # writes evaluation/results/pymk.md and .json

A random hold-out of edges makes link prediction look excellent (AUC near 0.99 on
most graphs): the held-out edges sit inside dense neighbourhoods that the rest of
the graph already describes. Here every method sees the network as it stood at a
date and is asked who, among the people not yet in touch, will be in touch after.

1. SNAP CollegeMsg (Panzarasa et al. 2009; 59,835 messages, 1,899 students): the
   first half of the messages (by time) is the graph; the positives are the pairs
   that first exchange a message in the second half, between students already
   present in the first. Imported and queried through the product
   (``weakties import interactions``, ``suggest_all(as_of=...)``): exactly what
   ``weakties suggest --all --as-of DATE`` computes.
2. The synthetic world (weakties.synth, 3,000 people): the ties formed up to two
   years before its end are the graph (with the employers, schools and groups
   each person belongs to at that date); the positives are the ties formed in
   the last two years.

Reported per method (common neighbours, Adamic-Adar, resource allocation, Katz
truncated at three steps, weakties = resource allocation + shared organisations +
Katz), and for random suggestions:

- precision@k: among each person's top k suggestions (people with at least one
  positive), the share that are positives, averaged over people; "lift" divides it
  by the random expectation (each person's positives / candidates);
- AUC: the probability that a random positive pair outscores a random negative
  pair (never in touch by the end), ties counted half, on 200,000 sampled pairs of
  each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "data"
METHODS = ("cn", "aa", "ra", "katz", "weakties")
KS = (1, 5, 10, 20)


def evaluate(data, positives: set[tuple[int, int]], known_end: set[tuple[int, int]], seed: int):  # type: ignore[no-untyped-def]
    """Precision@k and AUC of every method on one split (rows of ``data``)."""
    from weakties.opportunity.suggest import score_rows, suggest_rows

    n = data.n
    by_person: dict[int, set[int]] = {}
    for a, b in positives:
        by_person.setdefault(a, set()).add(b)
        by_person.setdefault(b, set()).add(a)
    people = np.array(sorted(by_person), dtype=np.int64)
    degree = data.degree()
    candidates = n - 1 - degree[people]
    random_precision = float(
        np.mean(
            [
                len(by_person[int(p)]) / max(int(c), 1)
                for p, c in zip(people, candidates, strict=True)
            ]
        )
    )
    rng = np.random.default_rng(seed)
    pos = np.array(sorted(positives), dtype=np.int64)
    pick = rng.choice(len(pos), size=min(200_000, len(pos)), replace=len(pos) < 200_000)
    pos = pos[pick]
    neg = []
    adjacency = data.adjacency
    while len(neg) < len(pos):
        a, b = rng.integers(0, n, size=2)
        if a == b:
            continue
        lo, hi = int(min(a, b)), int(max(a, b))
        if (lo, hi) in known_end:
            continue
        if adjacency[lo, hi] != 0:
            continue
        neg.append((lo, hi))
    negs = np.array(neg, dtype=np.int64)
    out = {"people_evaluated": int(people.size), "positives": len(positives)}
    out["random"] = {
        **{f"precision@{k}": random_precision for k in KS},
        "auc": 0.5,
    }
    for method in METHODS:
        started = time.perf_counter()
        tops = suggest_rows(data, people, max(KS), method)
        precision = {}
        for k in KS:
            hits = [
                len(set(cols[:k].tolist()) & by_person[int(p)]) / k
                for p, (cols, _vals) in zip(people.tolist(), tops, strict=True)
            ]
            precision[f"precision@{k}"] = float(np.mean(hits))
        auc = _auc(data, pos, negs, method, score_rows)
        out[method] = {
            **precision,
            "auc": auc,
            **{f"lift@{k}": precision[f"precision@{k}"] / random_precision for k in KS},
            "seconds": round(time.perf_counter() - started, 2),
        }
        print(
            f"  {method:9s} p@10 {precision['precision@10']:.4f} (random {random_precision:.4f}) auc {auc:.3f}",
            flush=True,
        )
    return out


def _auc(data, pos: np.ndarray, neg: np.ndarray, method: str, score_rows) -> float:  # type: ignore[no-untyped-def]
    def scores(pairs: np.ndarray) -> np.ndarray:
        out = np.zeros(len(pairs))
        rows = np.unique(pairs[:, 0])
        where = {int(r): i for i, r in enumerate(rows.tolist())}
        for start in range(0, rows.size, 512):
            chunk = rows[start : start + 512]
            block = sp.csr_array(score_rows(data, chunk, method))
            mask = (pairs[:, 0] >= chunk[0]) & (pairs[:, 0] <= chunk[-1])
            idx = np.flatnonzero(mask)
            local = np.array([where[int(a)] - start for a in pairs[idx, 0].tolist()])
            out[idx] = block[local, pairs[idx, 1]]
        return out

    sp_, sn = scores(pos), scores(neg)
    # Mann-Whitney U with ties counted half
    both = np.concatenate([sp_, sn])
    ranks = _rankdata(both)
    r_pos = ranks[: len(sp_)].sum()
    u = r_pos - len(sp_) * (len(sp_) + 1) / 2
    return float(u / (len(sp_) * len(sn)))


def _rankdata(x: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return rankdata(x)


def college_msg(seed: int) -> dict:
    from sqlalchemy import select

    from weakties.ingest.generic import import_interactions
    from weakties.model.tables import Identity
    from weakties.opportunity.suggest import link_data_from_store
    from weakties.service.context import operator, reader
    from weakties.store.engine import open_store

    path = SHARED / "CollegeMsg" / "CollegeMsg.txt"
    raw = np.loadtxt(path, dtype=np.int64)
    order = np.argsort(raw[:, 2], kind="stable")
    raw = raw[order]
    split_ts = int(raw[len(raw) // 2, 2])
    split = dt.datetime.fromtimestamp(split_ts, dt.UTC).replace(tzinfo=None)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "c.sqlite")
        import_interactions(
            store, path, sender="0", recipient="1", timestamp="2", no_header=True, delimiter=" "
        )
        with store.engine.connect() as conn:
            data = link_data_from_store(reader(conn, operator(conn)), as_of=split)
            ids = data.person_ids
            assert ids is not None
            external = dict(
                conn.execute(
                    select(Identity.person_id, Identity.raw).where(Identity.kind == "external")
                ).all()
            )
        store.close()
    row_of = {int(external[int(p)]): i for i, p in enumerate(ids.tolist())}
    first = {(min(a, b), max(a, b)) for a, b, t in raw.tolist() if t < split_ts and a != b}
    everything = {(min(a, b), max(a, b)) for a, b, _t in raw.tolist() if a != b}
    positives = set()
    for a, b in everything - first:
        if a in row_of and b in row_of:
            ra, rb = row_of[a], row_of[b]
            positives.add((min(ra, rb), max(ra, rb)))
    known = {
        (min(row_of[a], row_of[b]), max(row_of[a], row_of[b]))
        for a, b in everything
        if a in row_of and b in row_of
    }
    print(
        f"CollegeMsg: split {split:%Y-%m-%d %H:%M}, {data.n} people, {len(first)} pairs before, {len(positives)} new after",
        flush=True,
    )
    result = evaluate(data, positives, known, seed)
    result["split"] = split.isoformat()
    result["graph"] = {"people": data.n, "pairs": int(data.adjacency.nnz // 2)}
    return result


def synthetic(seed: int, n_people: int) -> dict:
    from weakties.opportunity.suggest import LinkData
    from weakties.synth import generate

    world = generate(n_people=n_people, seed=seed)
    split = world.end - dt.timedelta(days=730)
    present = np.array([p.joined <= split for p in world.people])
    before = [(t.a, t.b) for t in world.ties if t.since <= split]
    after = {(t.a, t.b) for t in world.ties if t.since > split and present[t.a] and present[t.b]}
    n = len(world.people)
    u = np.array([a for a, _ in before])
    v = np.array([b for _, b in before])
    # the organisations each person belongs to at the split date, as the product reads them
    held = [(p.person, p.org) for p in world.positions if p.active_on(split)]
    held += [(m.person, len(world.orgs) + m.group) for m in world.memberships if m.since <= split]
    rows = np.array([h[0] for h in held])
    cols = np.array([h[1] for h in held])
    places = sp.csr_array(
        (np.ones(len(held)), (rows, cols)), shape=(n, len(world.orgs) + len(world.groups))
    )
    places.sum_duplicates()
    places.data[:] = 1.0
    data = LinkData.from_edges(u, v, n, places)
    known = {(t.a, t.b) for t in world.ties}
    print(
        f"synthetic: split {split}, {n} people, {len(before)} ties before, {len(after)} formed after",
        flush=True,
    )
    result = evaluate(data, after, known, seed)
    result["split"] = split.isoformat()
    result["graph"] = {"people": n, "ties_before": len(before)}
    return result


def table(name: str, result: dict) -> list[str]:
    lines = [
        f"### {name}",
        "",
        f"{result['people_evaluated']:,} people with at least one new tie; "
        f"{result['positives']:,} new pairs. Split at {result['split']}.",
        "",
        "| method | precision@1 | precision@5 | precision@10 | precision@20 | lift@10 (× random) | AUC |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for method in ("random", *METHODS):
        r = result[method]
        lift = "1" if method == "random" else f"{r['lift@10']:.1f}"
        lines.append(
            f"| {method} | {r['precision@1']:.4f} | {r['precision@5']:.4f} | "
            f"{r['precision@10']:.4f} | {r['precision@20']:.4f} | {lift} | {r['auc']:.3f} |"
        )
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser()
    # weights of the weakties method were chosen on the world of seed 1: report seed 2
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "pymk")
    args = parser.parse_args()
    results = {}
    if (SHARED / "CollegeMsg" / "CollegeMsg.txt").is_file():
        results["collegemsg"] = college_msg(args.seed)
    else:
        print(f"CollegeMsg not found under {SHARED}: skipped")
    results["synthetic"] = synthetic(args.seed, args.people)
    lines = [
        "# People you may know: temporal evaluation",
        "",
        f"`python evaluation/pymk_eval.py --seed {args.seed} --people {args.people}` — "
        f"Python {platform.python_version()}, {dt.date.today().isoformat()}. "
        "See the script's docstring for the protocol.",
        "",
    ]
    if "collegemsg" in results:
        lines += table(
            "SNAP CollegeMsg: first half of the messages → pairs new in the second",
            results["collegemsg"],
        )
    lines += table(
        "Synthetic world: ties up to two years before the end → ties formed since",
        results["synthetic"],
    )
    lines += [
        "### Reading it",
        "",
        "- Every method beats random by 3-7x on CollegeMsg, as published for these "
        "baselines; Katz (three-step walks) is the best there: in a message network the "
        "most active students keep writing to new people, and walks count activity.",
        "- In the professional world the organisations people belong to at the date carry "
        "most of the signal: `weakties` (resource allocation + shared current "
        "organisations + a Katz tie-breaker) is the best method there. Its two weights "
        "were chosen on the world of seed 1 (places held at the date: precision@10 0.089 "
        "against 0.052 for places ever held; organisation weight 1, 2, 4: 0.085, 0.089, "
        "0.089); this report uses seed 2, a world not used to choose them.",
        "- On CollegeMsg there are no organisations: `weakties` is resource allocation "
        "plus the Katz tie-breaker, and ranks between them.",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".md").write_text("\n".join(lines))
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=2))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
